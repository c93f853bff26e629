import * as path from 'path';
import { mergeResults, standaloneScriptsToAdd, type AnalysisResult } from '../analyze';
import { DiskSourceProvider, type SourceProvider } from '../source';
import type { Notice } from '../types';
import { analysisUnitOf, unitKey, type AnalysisUnit } from '../units';
import { findUnits } from '../walk';
import type { AnalysisPool } from './pool';

/**
 * Lists the units under the given files and folders, sorted by key, in the same way as
 * `Engine.scan`: folders are walked, and a file stands for its own unit.
 */
export function collectUnits(paths: string[], source: SourceProvider): AnalysisUnit[] {
  const units = new Map<string, AnalysisUnit>();
  for (const entry of paths) {
    const absolute = path.resolve(entry);
    const found = source.isDirectory(absolute) ? findUnits(absolute, source) : [analysisUnitOf(absolute, source)];
    for (const unit of found) if (unit) units.set(unitKey(unit), unit);
  }
  return [...units.keys()].sort().map((key) => units.get(key)!);
}

/**
 * Analyses units on the pool's workers, which read the disk, and merges the results in the
 * order of `units` (sorted by key when they come from `collectUnits`), so the output does not
 * depend on which worker finishes first. A unit whose worker fails becomes a notice on that
 * unit, and the other units go on. Stand-alone scripts that a module reads as boot scripts,
 * and that `units` does not include, are analysed after the units.
 */
export async function scanInPool(pool: AnalysisPool, units: AnalysisUnit[]): Promise<AnalysisResult> {
  const parts = await Promise.all(units.map((unit) => analyzeOrNotice(pool, unit)));
  const extra = standaloneScriptsToAdd(parts, new Set(units.map(unitKey)))
    .map((file) => analysisUnitOf(file, new DiskSourceProvider()))
    .filter((unit): unit is AnalysisUnit => unit !== undefined);
  parts.push(...(await Promise.all(extra.map((unit) => analyzeOrNotice(pool, unit)))));
  return mergeResults(parts);
}

async function analyzeOrNotice(pool: AnalysisPool, unit: AnalysisUnit): Promise<AnalysisResult> {
  try {
    return await pool.analyzeUnit(unit);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const notice: Notice = { file: unitKey(unit), message: reason.split('\n')[0] };
    return { findings: [], notices: [notice], analyzedFiles: [], dependencies: [] };
  }
}
