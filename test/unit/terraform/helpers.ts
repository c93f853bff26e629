import * as path from 'path';
import type { DirectoryEntry, SourceProvider } from '../../../server/src/engine/source';
import { getParsers, type Parsers } from '../../../server/src/engine/parsing/treeSitter';
import { evaluateString, type Alternative, type TextPiece } from '../../../server/src/engine/terraform/evaluate';
import { loadModule } from '../../../server/src/engine/terraform/module';
import type { Module } from '../../../server/src/engine/terraform/model';

/** Folder of the Terraform fixtures, from the compiled test in `out/test/unit/terraform`. */
export const fixturesDir = path.resolve(__dirname, '../../../../test/fixtures/terraform');

/** An in-memory source provider; paths in `unreadable` throw like a file without permission. */
export class MemorySource implements SourceProvider {
  constructor(
    private readonly files: Record<string, string>,
    private readonly unreadable: string[] = [],
  ) {}

  readText(file: string): string {
    if (this.unreadable.includes(file)) throw new Error('permission denied');
    const text = this.files[file];
    if (text === undefined) throw new Error('file not found');
    return text;
  }

  listDirectory(dir: string): DirectoryEntry[] {
    const names = [...Object.keys(this.files), ...this.unreadable]
      .filter((file) => path.dirname(file) === dir)
      .map((file) => path.basename(file));
    return [...new Set(names)].map((name) => ({ name, isFile: true, isDirectory: false }));
  }

  exists(file: string): boolean {
    return this.files[file] !== undefined || this.unreadable.includes(file);
  }

  realPath(file: string): string | undefined {
    return this.exists(file) ? file : undefined;
  }

  isDirectory(dir: string): boolean {
    return Object.keys(this.files).some((file) => file.startsWith(`${dir}${path.sep}`));
  }
}

/** Loads the grammars for these tests, once per process. */
export function testParsers(): Promise<Parsers> {
  return getParsers();
}

/** Loaded module plus an evaluator bound to it. */
export interface Loaded {
  module: Module;
  parsers: Parsers;
  source: SourceProvider;
  reads: string[];
  evaluate(resource: string, attribute?: string): Alternative[];
}

/** Loads `dir` from `source` and returns an evaluator for resource attributes. */
export async function load(dir: string, source: SourceProvider): Promise<Loaded> {
  const loadedParsers = await testParsers();
  const { module } = loadModule(dir, source, loadedParsers);
  const reads: string[] = [];
  const evaluate = (resource: string, attribute = 'user_data'): Alternative[] => {
    const block = module.resources.get(resource);
    const expr = block?.attributes.get(attribute)?.expr;
    if (!expr) throw new Error(`${resource}.${attribute} not found`);
    const context = { module, source, parsers: loadedParsers, onRead: (file: string) => reads.push(file) };
    return evaluateString(expr, context);
  };
  return { module, parsers: loadedParsers, source, reads, evaluate };
}

/** Loads a module made of one `main.tf` (plus other files) held in memory under `/mem`. */
export function loadText(mainTf: string, others: Record<string, string> = {}): Promise<Loaded> {
  const files: Record<string, string> = { '/mem/main.tf': mainTf };
  for (const [name, text] of Object.entries(others)) files[`/mem/${name}`] = text;
  return load('/mem', new MemorySource(files));
}

/** Returns the only text piece of the only alternative, or throws. */
export function onlyText(alternatives: Alternative[]): TextPiece {
  if (alternatives.length !== 1 || alternatives[0].length !== 1) {
    throw new Error(`expected one piece, got ${JSON.stringify(alternatives.map((a) => a.length))}`);
  }
  const piece = alternatives[0][0];
  if (piece.kind !== 'text') throw new Error(`expected text, got unknown: ${piece.reason}`);
  return piece;
}

/** Returns the host line and column (0-based) of offset `offset` in a piece's text. */
export function hostPosition(loaded: Loaded, piece: TextPiece, offset: number): { line: number; character: number } {
  const file = loaded.module.files.find((candidate) => candidate.path === piece.map.file);
  if (!file) throw new Error(`host file ${piece.map.file} not loaded`);
  return file.lines.positionAt(piece.map.toHost(offset));
}
