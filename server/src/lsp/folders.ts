import * as path from 'path';
import type { WorkspaceFolder } from 'vscode-languageserver/node';
import { uriToPath } from './paths';

/** The workspace folders the client opened, as absolute paths. */
export class WorkspaceFolders {
  private folders: string[] = [];

  /** Replaces the folder list from `initialize` or a folder change; non-file URIs are skipped. */
  set(folders: readonly WorkspaceFolder[] | null | undefined, rootUri?: string | null): void {
    const uris = folders && folders.length > 0 ? folders.map((folder) => folder.uri) : [rootUri];
    this.folders = uris
      .map((uri) => (uri ? uriToPath(uri) : undefined))
      .filter((folder): folder is string => folder !== undefined);
  }

  /**
   * Adds and removes folders after a `workspace/didChangeWorkspaceFolders` notification and
   * returns the paths of the folders added and removed.
   */
  change(
    added: readonly WorkspaceFolder[],
    removed: readonly WorkspaceFolder[],
  ): { added: string[]; removed: string[] } {
    const addedPaths = pathsOf(added).filter((folder) => !this.folders.includes(folder));
    const removedPaths = pathsOf(removed).filter((folder) => this.folders.includes(folder));
    this.folders = [...this.folders.filter((folder) => !removedPaths.includes(folder)), ...addedPaths];
    return { added: addedPaths, removed: removedPaths };
  }

  /** Tells whether some workspace folder contains `file` or is `file`. */
  contains(file: string): boolean {
    return this.folders.some((folder) => isInside(folder, file));
  }

  /** Returns every folder. */
  all(): string[] {
    return [...this.folders];
  }

  /**
   * Returns the innermost workspace folder that contains `file`, or the file's own folder when it
   * lies outside every workspace folder.
   */
  folderOf(file: string): string {
    let best: string | undefined;
    for (const folder of this.folders) {
      if (!isInside(folder, file)) continue;
      if (!best || folder.length > best.length) best = folder;
    }
    return best ?? path.dirname(file);
  }
}

function pathsOf(folders: readonly WorkspaceFolder[]): string[] {
  const paths = folders.map((folder) => uriToPath(folder.uri));
  return [...new Set(paths.filter((folder): folder is string => folder !== undefined))];
}

/** Tells whether `file` is `folder` or lies under it. */
function isInside(folder: string, file: string): boolean {
  const relative = path.relative(folder, file);
  return !relative.startsWith('..') && !path.isAbsolute(relative);
}
