import type { Finding, Notice } from './types';
import type { SourceProvider } from './source';
import { getParsers, type Parsers } from './parsing/treeSitter';

/** What one analysis returns. */
export interface AnalysisResult {
  findings: Finding[];
  notices: Notice[];
  /** Files that were analysed, whose diagnostics this result replaces (absolute paths). */
  analyzedFiles: string[];
  /** Every file the analysis read, including scripts named by `file()` and tfvars files. */
  dependencies: string[];
}

/** Runs the rules over Terraform modules. Create it once; it holds the loaded parsers. */
export class Engine {
  constructor(private readonly parsers: Parsers) {}

  /** Analyses the Terraform module in folder `dir` (its `.tf`, `.tf.json` and tfvars files). */
  analyzeModule(dir: string, source: SourceProvider): AnalysisResult {
    throw new Error('not implemented yet');
  }

  /**
   * Analyses every module folder under the given files and folders, skipping `.git`,
   * `node_modules` and `.terraform`. Symbolic-link loops end the walk.
   */
  scan(paths: string[], source: SourceProvider): AnalysisResult {
    throw new Error('not implemented yet');
  }
}

export async function createEngine(): Promise<Engine> {
  return new Engine(await getParsers());
}
