import * as path from 'path';
import {
  DidChangeWatchedFilesNotification,
  FileChangeType,
  WatchKind,
  type Connection,
  type FileEvent,
} from 'vscode-languageserver/node';
import { analysisUnitOf, configFileName, unitKey, type SourceProvider } from '../engine';
import type { ModuleAnalyzer } from './analyzer';
import type { ConfigFiles } from './configs';
import { isConfigFile } from './configs';
import { uriToPath } from './paths';
import type { DiagnosticsPublisher } from './publisher';
import type { ResultStore } from './results';
import type { WorkspaceScanner } from './workspaceScan';

/**
 * Globs the server registers with the client for file watching: Terraform configuration and variables, the scripts,
 * templates and cloud-init files that `file()` and `templatefile()` usually read, programs, and
 * the configuration file.
 */
export const watchedGlobs: readonly string[] = [
  '**/*.{tf,tf.json,tfvars,tfvars.json}',
  '**/*.{sh,bash,ps1,psm1,bat,cmd}',
  '**/*.{tpl,tftpl,tmpl,txt,cfg,conf}',
  '**/*.{yaml,yml,json}',
  '**/*.{ts,js,mjs,cjs,py}',
  `**/${configFileName}`,
];

/** Registers the file watchers with a client that supports dynamic registration. */
export async function registerWatchers(connection: Connection): Promise<void> {
  const kind = WatchKind.Create | WatchKind.Change | WatchKind.Delete;
  const watchers = watchedGlobs.map((globPattern) => ({ globPattern, kind }));
  await connection.client.register(DidChangeWatchedFilesNotification.type, { watchers });
}

/** The server parts that handling file events uses. */
export interface FileChangeContext {
  store: ResultStore;
  analyzer: ModuleAnalyzer;
  publisher: DiagnosticsPublisher;
  configs: ConfigFiles;
  scanner: WorkspaceScanner;
  source: () => SourceProvider;
}

/**
 * Updates results after files change on disk. A created or changed file is analysed with every
 * unit that read it. A deleted document loses its result, and the units that read it are
 * analysed again. A change to a configuration file rescans the workspace.
 */
export function handleFileEvents(changes: FileEvent[], context: FileChangeContext): void {
  const keys = new Set<string>();
  const removed = new Set<string>();
  const cleared: string[] = [];
  let rescan = false;
  for (const change of changes) {
    const file = uriToPath(change.uri);
    if (!file) continue;
    if (isConfigFile(file)) {
      context.configs.invalidate(path.dirname(file));
      cleared.push(file);
      rescan = true;
      continue;
    }
    for (const key of context.store.modulesAffectedBy(file)) keys.add(key);
    if (change.type === FileChangeType.Deleted) {
      // A deleted path is a document or a folder: the units at or under it are gone.
      for (const key of [file, ...unitsUnder(file, context.store)]) {
        removed.add(key);
        cleared.push(...context.store.delete(key));
      }
      continue;
    }
    const unit = analysisUnitOf(file, context.source());
    if (unit) keys.add(unitKey(unit));
  }
  for (const key of removed) keys.delete(key);
  if (cleared.length > 0) void context.publisher.publish(cleared);
  if (rescan) void context.scanner.scan();
  else if (keys.size > 0) void context.analyzer.analyze(keys);
}

/** Returns the stored units at or inside a folder, for a deleted, renamed or removed folder. */
export function unitsUnder(folder: string, store: ResultStore): string[] {
  const prefix = folder.endsWith(path.sep) ? folder : folder + path.sep;
  return store.moduleDirs().filter((key) => key === folder || key.startsWith(prefix));
}
