import * as fs from 'fs';
import * as path from 'path';
import { analysisUnitOf, isTerraformFile, type AnalysisUnit, type SourceProvider } from '../../server/src/engine';

/** A file the fuzzer mutates, with the analysis unit that reads it. */
export interface Seed {
  /** Absolute path; mutated texts are put in front of the disk at this path. */
  file: string;
  /** Path relative to the package root, for messages. */
  name: string;
  text: string;
  unit: AnalysisUnit;
}

/** Finds the package root (the folder holding `package.json`) above the compiled test file. */
export function packageRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`package.json not found above ${__dirname}`);
    dir = parent;
  }
  return dir;
}

/**
 * Collects every file under `test/fixtures` and `examples` that an analysis reads: Terraform
 * and variable files, stand-alone documents that a document kind claims, and scripts or
 * templates beside a module, which the module reads through `file()` or `templatefile()`.
 * The walk runs each time, so fixtures and file types added later are covered without a change.
 */
export function collectSeeds(source: SourceProvider, root = packageRoot()): Seed[] {
  const seeds: Seed[] = [];
  for (const top of ['test/fixtures', 'examples']) {
    for (const file of listFiles(path.join(root, top))) {
      const unit = unitReading(file, source);
      if (!unit) continue;
      const text = readSeedText(file, source);
      if (text !== undefined) seeds.push({ file, name: path.relative(root, file), text, unit });
    }
  }
  return seeds;
}

function readSeedText(file: string, source: SourceProvider): string | undefined {
  try {
    return source.readText(file);
  } catch {
    return undefined; // A fixture that is unreadable on purpose has nothing to mutate.
  }
}

/** Lists the regular files under `dir`, sorted, without following symbolic links. */
export function listFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const files: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const child = path.join(dir, entry.name);
    if (entry.isDirectory()) files.push(...listFiles(child));
    else if (entry.isFile()) files.push(child);
  }
  return files.sort();
}

/** Returns the unit whose analysis reads `file`: its own unit, or a module in its folder or the parent. */
function unitReading(file: string, source: SourceProvider): AnalysisUnit | undefined {
  const own = analysisUnitOf(file, source);
  if (own) return own;
  for (const dir of [path.dirname(file), path.dirname(path.dirname(file))]) {
    const hasModule = source.listDirectory(dir).some((entry) => entry.isFile && isTerraformFile(entry.name));
    if (hasModule) return { kind: 'module', dir };
  }
  return undefined;
}
