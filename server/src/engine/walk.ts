import * as path from 'path';
import type { SourceProvider } from './source';
import { analysisUnitOf, isTerraformFile, unitKey, type AnalysisUnit } from './units';

/** Folders a workspace walk never enters. */
export const excludedFolders: ReadonlySet<string> = new Set(['.git', 'node_modules', '.terraform']);

/**
 * Lists the analysis units under `root` (itself included): every folder that holds a `.tf` or
 * `.tf.json` file, and every stand-alone document a document kind claims. Folders are identified
 * by their real path, so a symbolic-link loop is entered once.
 */
export function findUnits(root: string, source: SourceProvider): AnalysisUnit[] {
  const found = new Map<string, AnalysisUnit>();
  const visited = new Set<string>();
  const pending = [root];
  while (pending.length > 0) {
    const folder = pending.pop()!;
    const real = source.realPath(folder);
    if (real === undefined || visited.has(real)) continue;
    visited.add(real);
    for (const entry of source.listDirectory(folder)) {
      const child = path.join(folder, entry.name);
      if (entry.isDirectory) {
        if (!excludedFolders.has(entry.name)) pending.push(child);
      } else if (entry.isFile) {
        const unit = isTerraformFile(entry.name) ? { kind: 'module' as const, dir: folder } : analysisUnitOf(child, source);
        if (unit) found.set(unitKey(unit), unit);
      }
    }
  }
  return [...found.values()].sort((a, b) => unitKey(a).localeCompare(unitKey(b)));
}
