/**
 * Command line of the fuzz harness: `npm run fuzz -- --runs N --seed S [--time-bound MS]`.
 * Prints the seed first, so any run can be replayed, and exits with 1 when an input fails, after
 * writing the reduced input to a temporary folder for use as a regression fixture.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { createEngine, DiskSourceProvider } from '../../server/src/engine';
import { collectSeeds } from './corpus';
import { fuzz, type FuzzFailure, type FuzzOptions } from './harness';
import { defaultTimeBoundMs } from './properties';

/** Runs and seed of a run without options; CI uses them, so its output can be replayed. */
export const defaultRuns = 5000;
export const defaultSeed = 20240607;

/** Reads `--runs`, `--seed` and `--time-bound`; throws with a usage line on anything else. */
export function parseFuzzArgs(args: string[]): FuzzOptions {
  const options: FuzzOptions = { runs: defaultRuns, seed: defaultSeed, timeBoundMs: defaultTimeBoundMs };
  for (let i = 0; i < args.length; i += 2) {
    const value = Number(args[i + 1]);
    if (!Number.isInteger(value)) throw new Error(`${args[i]} needs an integer value, not "${args[i + 1]}"`);
    if (args[i] === '--runs') options.runs = value;
    else if (args[i] === '--seed') options.seed = value;
    else if (args[i] === '--time-bound') options.timeBoundMs = value;
    else throw new Error(`unknown option ${args[i]}; usage: npm run fuzz -- --runs N --seed S [--time-bound MS]`);
  }
  return options;
}

/** Writes a failing input beside a description of it and returns the folder. */
function saveFailure(failure: FuzzFailure): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'metadata-guard-fuzz-failure-'));
  fs.writeFileSync(path.join(dir, path.basename(failure.seedFile.file)), failure.text);
  const description = { seedFile: failure.seedFile.name, mutations: failure.mutations, problems: failure.problems };
  fs.writeFileSync(path.join(dir, 'failure.json'), `${JSON.stringify(description, null, 2)}\n`);
  return dir;
}

async function main(): Promise<number> {
  const options = parseFuzzArgs(process.argv.slice(2));
  const seeds = collectSeeds(new DiskSourceProvider());
  console.log(`fuzz: seed ${options.seed}, ${options.runs} runs over ${seeds.length} seed files`);
  const engine = await createEngine();
  const started = performance.now();
  const failure = fuzz(engine, seeds, options);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  if (!failure) {
    console.log(`fuzz: ${options.runs} inputs passed in ${seconds} s`);
    return 0;
  }
  console.log(failure.report);
  console.log(`fuzz: failing input from ${failure.seedFile.name}:\n${failure.problems.join('\n')}`);
  console.log(`fuzz: reduced input written to ${saveFailure(failure)}; copy it to test/fixtures/regressions/<case>/`);
  return 1;
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(`fuzz: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(2);
    },
  );
}
