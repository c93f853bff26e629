import * as path from 'path';
import type { SourceProvider } from './source';

/** Folders a workspace walk never enters. */
export const excludedFolders: ReadonlySet<string> = new Set(['.git', 'node_modules', '.terraform']);

export function isTerraformFile(file: string): boolean {
  return file.endsWith('.tf') || file.endsWith('.tf.json');
}

/**
 * Lists every folder under `root` (itself included) that holds a `.tf` or `.tf.json` file.
 * Folders are identified by their real path, so a symbolic-link loop is entered once.
 */
export function findModuleFolders(root: string, source: SourceProvider): string[] {
  const found: string[] = [];
  const visited = new Set<string>();
  const pending = [root];
  while (pending.length > 0) {
    const folder = pending.pop()!;
    const real = source.realPath(folder);
    if (real === undefined || visited.has(real)) continue;
    visited.add(real);
    let hasTerraform = false;
    for (const entry of source.listDirectory(folder)) {
      if (entry.isDirectory && !excludedFolders.has(entry.name)) pending.push(path.join(folder, entry.name));
      else if (entry.isFile && isTerraformFile(entry.name)) hasTerraform = true;
    }
    if (hasTerraform) found.push(folder);
  }
  return found.sort();
}
