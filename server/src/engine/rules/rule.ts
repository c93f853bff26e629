import type { ScriptFacts } from '../scripts/facts';
import type { Alternative, TextPiece } from '../terraform/evaluate';
import type { Block, Expression, Module } from '../terraform/model';
import type { Finding, Location } from '../types';
import type { LineIndex } from '../text';
import type { RuleMeta } from './registry';

/** What a rule can ask about the module it checks. */
export interface ModuleContext {
  module: Module;
  /** Follows an expression to the texts it can take (see `evaluateString`). */
  evaluate(expr: Expression): Alternative[];
  /** Analyses a script text; results are cached per text and origin. */
  analyzeScript(piece: TextPiece): ScriptFacts;
  /** Returns the line index of any file the analysis read, or undefined when it cannot be read. */
  lines(file: string): LineIndex | undefined;
  /** Builds a location from offsets in a file the analysis read. */
  location(file: string, start: number, end: number): Location;
  /** The resource blocks of a given type, in file order. */
  resourcesOfType(type: string): Block[];
}

/** A rule over one Terraform module. */
export interface ModuleRule {
  meta: RuleMeta;
  check(context: ModuleContext): Finding[];
}
