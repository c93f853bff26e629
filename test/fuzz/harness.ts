import * as fc from 'fast-check';
import type { Engine } from '../../server/src/engine';
import type { Seed } from './corpus';
import { applyMutations, mutationArbitrary, type Mutation } from './mutations';
import { checkInput, defaultTimeBoundMs } from './properties';

/** Settings of one fuzz run. */
export interface FuzzOptions {
  runs: number;
  seed: number;
  timeBoundMs?: number;
}

/** A failing input after fast-check has reduced it. */
export interface FuzzFailure {
  seedFile: Seed;
  mutations: Mutation[];
  text: string;
  problems: string[];
  /** fast-check's report, with the seed and path that replay the failure. */
  report: string;
}

/**
 * Feeds `options.runs` mutated seeds to the engine and checks each with `checkInput`. Returns
 * undefined when every input passed, or the first failure, reduced by fast-check's shrinking.
 */
export function fuzz(engine: Engine, seeds: Seed[], options: FuzzOptions): FuzzFailure | undefined {
  if (seeds.length === 0) throw new Error('no fuzz seeds were found under test/fixtures or examples');

  const inputs = fc.tuple(fc.constantFrom(...seeds), fc.array(mutationArbitrary, { minLength: 1, maxLength: 4 }));
  const property = fc.property(inputs, ([seed, mutations]) => {
    const problems = problemsOf(engine, seed, mutations, options.timeBoundMs);
    return problems.length === 0;
  });
  const details = fc.check(property, { numRuns: options.runs, seed: options.seed });
  if (!details.failed || !details.counterexample) return undefined;

  const [seed, mutations] = details.counterexample[0];
  const report = fc.defaultReportMessage(details) ?? '';
  const text = applyMutations(seed.text, mutations);
  return { seedFile: seed, mutations, text, problems: problemsOf(engine, seed, mutations, options.timeBoundMs), report };
}

/** Applies the mutations to a seed and returns the properties the result breaks. */
export function problemsOf(engine: Engine, seed: Seed, mutations: Mutation[], timeBoundMs = defaultTimeBoundMs): string[] {
  const text = applyMutations(seed.text, mutations);
  return checkInput(engine, { unit: seed.unit, files: new Map([[seed.file, text]]), file: seed.file }, timeBoundMs);
}
