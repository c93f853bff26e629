import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';
import type { AnalysisResult } from '../../server/src/engine';

/** Time a hostile input may take to analyse, in milliseconds; generous for slow CI machines. */
export const timeBoundMs = 5000;

/** Heap growth a hostile input may cause, in bytes, measured after the analysis returns. */
export const heapBoundBytes = 512 * 1024 * 1024;

/** A healthy module placed beside each hostile input: one server with open metadata. */
export const healthyModule = [
  'resource "huaweicloud_compute_instance" "healthy" {',
  '  name      = "healthy"',
  '  image_id  = "a1b2c3d4-0000-4000-8000-000000000001"',
  '  flavor_id = "s6.small.1"',
  '}',
  '',
].join('\n');

/** Creates a temporary workspace with the healthy module in `healthy/` and returns its path. */
export function hostileWorkspace(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'metadata-guard-hostile-'));
  fs.mkdirSync(path.join(root, 'healthy'));
  fs.writeFileSync(path.join(root, 'healthy', 'main.tf'), healthyModule);
  return root;
}

/** Writes a file under `root`, creating its folder, and returns its absolute path. */
export function writeFile(root: string, relative: string, content: string | Buffer): string {
  const file = path.join(root, relative);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
  return file;
}

/** What a measured analysis returned, how long it took and how much the heap grew. */
export interface Measured<T> {
  value: T;
  elapsedMs: number;
  heapGrowthBytes: number;
}

/** Runs `action` and measures its time and heap growth. */
export function measure<T>(action: () => T): Measured<T> {
  const heapBefore = process.memoryUsage().heapUsed;
  const started = performance.now();
  const value = action();
  const elapsedMs = performance.now() - started;
  const heapGrowthBytes = process.memoryUsage().heapUsed - heapBefore;
  return { value, elapsedMs, heapGrowthBytes };
}

/**
 * Checks the promises every hostile input must keep: bounded time and memory, at most one
 * notice naming the hostile file, and the healthy module still analysed with its finding.
 */
export function assertContained(measured: Measured<AnalysisResult>, hostileFile: string, root: string): void {
  const { value: result, elapsedMs, heapGrowthBytes } = measured;
  assert.ok(elapsedMs < timeBoundMs, `analysis took ${elapsedMs.toFixed(0)} ms`);
  assert.ok(heapGrowthBytes < heapBoundBytes, `heap grew by ${heapGrowthBytes} bytes`);
  const aboutHostile = result.notices.filter((notice) => notice.file === hostileFile || notice.file === path.dirname(hostileFile));
  assert.ok(aboutHostile.length <= 1, `notices: ${aboutHostile.map((notice) => notice.message).join(' | ')}`);
  const healthyFile = path.join(root, 'healthy', 'main.tf');
  assert.ok(result.findings.some((finding) => finding.location.file === healthyFile), 'the healthy module has no finding');
}

/** Returns the notices of a result that name a file, as "file: message" lines. */
export function noticesOf(result: AnalysisResult, file: string): string[] {
  return result.notices.filter((notice) => notice.file === file).map((notice) => notice.message);
}
