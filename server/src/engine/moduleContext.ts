import type { Parsers } from './parsing/treeSitter';
import type { ModuleContext } from './rules/rule';
import { analyzeScript } from './scripts/analyze';
import type { ScriptFacts } from './scripts/facts';
import type { SourceProvider } from './source';
import { evaluateString, type Alternative, type TextPiece } from './terraform/evaluate';
import type { Block, Expression, Module } from './terraform/model';
import { LineIndex } from './text';
import type { Location } from './types';

/** The `ModuleContext` rules receive, with caches that live for one module analysis. */
export class ModuleAnalysis implements ModuleContext {
  /** Every file read while evaluating expressions (scripts, templates), for dependency tracking. */
  readonly readFiles = new Set<string>();
  private readonly scriptCache = new Map<string, ScriptFacts>();
  private readonly lineCache = new Map<string, LineIndex | undefined>();
  private readonly evaluationCache = new Map<Expression, Alternative[]>();

  constructor(
    readonly module: Module,
    private readonly source: SourceProvider,
    private readonly parsers: Parsers,
  ) {
    for (const file of module.files) this.lineCache.set(file.path, file.lines);
  }

  evaluate(expr: Expression): Alternative[] {
    let alternatives = this.evaluationCache.get(expr);
    if (!alternatives) {
      alternatives = evaluateString(expr, {
        module: this.module,
        source: this.source,
        parsers: this.parsers,
        onRead: (path) => this.readFiles.add(path),
      });
      this.evaluationCache.set(expr, alternatives);
    }
    return alternatives;
  }

  analyzeScript(piece: TextPiece): ScriptFacts {
    const first = piece.map.segments[0];
    const key = `${piece.map.file}\u0000${first?.hostStart ?? piece.map.fallbackStart}\u0000${piece.text}`;
    let facts = this.scriptCache.get(key);
    if (!facts) {
      facts = analyzeScript({ text: piece.text, map: piece.map, placeholders: piece.placeholders }, this.parsers);
      this.scriptCache.set(key, facts);
    }
    return facts;
  }

  lines(file: string): LineIndex | undefined {
    if (!this.lineCache.has(file)) {
      let lines: LineIndex | undefined;
      try {
        lines = new LineIndex(this.source.readText(file));
      } catch {
        lines = undefined;
      }
      this.lineCache.set(file, lines);
    }
    return this.lineCache.get(file);
  }

  location(file: string, start: number, end: number): Location {
    const lines = this.lines(file);
    const zero = { line: 0, character: 0 };
    return { file, range: lines ? lines.range(start, end) : { start: zero, end: zero } };
  }

  resourcesOfType(type: string): Block[] {
    return [...this.module.resources.values()].filter((block) => block.labels[0] === type);
  }
}
