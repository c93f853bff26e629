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
      const relative = path.relative(folder, file);
      if (relative.startsWith('..') || path.isAbsolute(relative)) continue;
      if (!best || folder.length > best.length) best = folder;
    }
    return best ?? path.dirname(file);
  }
}
