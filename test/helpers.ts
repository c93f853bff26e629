import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createEngine, DiskSourceProvider, OverlaySourceProvider, type Engine } from '../server/src/engine';
import type { FileEdit, TextEdit } from '../server/src/engine';
import { LineIndex } from '../server/src/engine/text';

export const fixturesRoot = path.resolve(__dirname, '..', '..', 'test', 'fixtures');

let engine: Promise<Engine> | undefined;

/** Returns one engine shared by every test in the process. */
export function sharedEngine(): Promise<Engine> {
  engine ??= createEngine();
  return engine;
}

/** Applies LSP-style edits to a text, last edit first so earlier offsets stay valid. */
export function applyEdits(text: string, edits: TextEdit[]): string {
  const lines = new LineIndex(text);
  const sorted = edits
    .map((edit) => ({ start: lines.offsetAt(edit.range.start), end: lines.offsetAt(edit.range.end), text: edit.newText }))
    .sort((a, b) => b.start - a.start);
  let result = text;
  for (const edit of sorted) result = result.slice(0, edit.start) + edit.text + result.slice(edit.end);
  return result;
}

/** A source provider over the disk with some files replaced in memory. */
export function memoryOverlay(files: Map<string, string>): OverlaySourceProvider {
  return new OverlaySourceProvider(new DiskSourceProvider(), (file) => files.get(file));
}

/** Applies file edits on top of the current in-memory or on-disk texts. */
export function applyFileEdits(files: Map<string, string>, edits: FileEdit[]): void {
  for (const edit of edits) {
    const current = files.get(edit.file) ?? fs.readFileSync(edit.file, 'utf8');
    files.set(edit.file, applyEdits(current, edit.edits));
  }
}

/** Copies a fixture folder into a new temporary folder and returns the copy's path. */
export function copyFixture(relative: string): string {
  const target = fs.mkdtempSync(path.join(os.tmpdir(), 'metadata-guard-'));
  fs.cpSync(path.join(fixturesRoot, relative), target, { recursive: true });
  return target;
}
