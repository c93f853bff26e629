import * as path from 'path';
import type { WorkspaceFoldersChangeEvent } from 'vscode-languageserver/node';
import type { ConfigFiles } from './configs';
import type { OpenDocuments } from './documents';
import { unitsUnder } from './fileChanges';
import type { WorkspaceFolders } from './folders';
import type { DiagnosticsPublisher } from './publisher';
import type { ResultStore } from './results';
import type { SettingsCache } from './settings';
import type { WorkspaceScanner } from './workspaceScan';

/** The server parts that a change of workspace folders updates. */
export interface FolderChangeContext {
  folders: WorkspaceFolders;
  store: ResultStore;
  documents: OpenDocuments;
  settings: SettingsCache;
  configs: ConfigFiles;
  publisher: DiagnosticsPublisher;
  scanner: WorkspaceScanner;
}

/**
 * Applies workspace folders added or removed after start: added folders are scanned, and the
 * results of removed folders are dropped and their diagnostics cleared. Units that contain an
 * open document, or that lie in a folder still open, keep their results.
 */
export function handleFolderChange(event: WorkspaceFoldersChangeEvent, context: FolderChangeContext): void {
  const { added, removed } = context.folders.change(event.added, event.removed);
  context.settings.clear();
  for (const folder of removed) context.configs.invalidate(folder);

  const open = [...context.documents.openTexts().keys()];
  const cleared: string[] = [];
  for (const folder of removed) {
    for (const key of unitsUnder(folder, context.store)) {
      if (context.folders.contains(key) || containsOpenDocument(key, open)) continue;
      cleared.push(...context.store.delete(key));
    }
  }
  if (cleared.length > 0) void context.publisher.publish(cleared);
  if (added.length > 0) void context.scanner.scan(added);
}

/** Tells whether a unit key (a module folder or a document path) contains an open document. */
function containsOpenDocument(key: string, openFiles: string[]): boolean {
  return openFiles.some((file) => file === key || path.dirname(file) === key);
}
