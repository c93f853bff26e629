import * as path from 'path';
import type { SourceProvider } from './source';
import { analysisUnitOf, isTerraformFile, unitKey, type AnalysisUnit } from './units';

/** Folders a workspace walk never enters. */
export const excludedFolders: ReadonlySet<string> = new Set(['.git', 'node_modules', '.terraform']);

/**
 * Lists the analysis units under `root` (itself included): every folder that holds a `.tf` or
 * `.tf.json` file, and every stand-alone document a document kind claims. Folders are identified
 * by their real path, so a symbolic-link loop is entered once, and a folder link that leads outside
 * the root is not entered. `excluded` receives absolute paths
 * of files and folders; a folder it rejects is not entered.
 */
export function findUnits(
  root: string,
  source: SourceProvider,
  excluded: (file: string) => boolean = () => false,
): AnalysisUnit[] {
  const found = new Map<string, AnalysisUnit>();
  const visited = new Set<string>();
  const realRoot = source.realPath(root) ?? root;
  const pending = [root];
  while (pending.length > 0) {
    const folder = pending.pop()!;
    const real = source.realPath(folder);
    if (real === undefined || visited.has(real) || !isInside(realRoot, real)) continue;
    visited.add(real);
    for (const entry of source.listDirectory(folder)) {
      const child = path.join(folder, entry.name);
      if (excluded(child)) continue;
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

/** True when `child` is `parent` or lies below it; both are real, absolute paths. */
function isInside(parent: string, child: string): boolean {
  const relative = path.relative(parent, child);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}
