import type { Connection, WorkDoneProgressServerReporter } from 'vscode-languageserver/node';
import { findUnits, isExcluded, unitKey, type SourceProvider } from '../engine';
import type { ModuleAnalyzer } from './analyzer';
import type { ConfigFiles } from './configs';
import type { WorkspaceFolders } from './folders';
import type { StatusReporter } from './status';

/** Units analysed at the same time during a scan; the analyzer may run them on worker threads. */
const scanConcurrency = 4;

/**
 * Scans workspace folders in the background: lists the units (module folders and stand-alone
 * documents) outside the exclude globs, analyses them through the analyzer, which publishes their
 * diagnostics, and reports work-done progress. A scan requested while one runs starts when that
 * one ends.
 */
export class WorkspaceScanner {
  private running: Promise<void> | undefined;
  /** Folders waiting for the next pass; `all` stands for every workspace folder. */
  private requested: Set<string> | 'all' | undefined;
  /** Whether the client accepts `window/workDoneProgress/create`. */
  progressSupported = false;
  /** Number of module folders and files that the last finished pass analysed. */
  lastScanned = 0;

  constructor(
    private readonly connection: Connection,
    private readonly folders: WorkspaceFolders,
    private readonly configs: ConfigFiles,
    private readonly analyzer: ModuleAnalyzer,
    private readonly status: StatusReporter,
    private readonly source: () => SourceProvider,
  ) {}

  /**
   * Starts a scan of the given workspace folders, or of every folder when none are given. While
   * a scan runs, the request waits for the next pass. Resolves when scanning stops.
   */
  scan(roots?: string[]): Promise<void> {
    this.request(roots);
    if (this.running) return this.running;
    this.running = this.loop().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private request(roots: string[] | undefined): void {
    if (!roots || this.requested === 'all') {
      this.requested = 'all';
      return;
    }
    this.requested ??= new Set();
    roots.forEach((root) => (this.requested as Set<string>).add(root));
  }

  /** Returns the folders of the next pass, which are still workspace folders, and clears them. */
  private takeRequest(): string[] {
    const requested = this.requested;
    this.requested = undefined;
    const all = this.folders.all();
    return requested === 'all' ? all : all.filter((folder) => requested?.has(folder));
  }

  private async loop(): Promise<void> {
    this.status.setScanning(true);
    try {
      while (this.requested !== undefined) {
        await this.scanOnce(this.takeRequest());
      }
    } catch (error) {
      this.connection.console.error(`Workspace scan failed: ${String(error)}`);
    } finally {
      this.status.setScanning(false);
    }
  }

  private async scanOnce(roots: string[]): Promise<void> {
    const progress = await this.beginProgress();
    const started = Date.now();
    try {
      const keys = await this.listUnits(roots);
      this.connection.console.info(`Workspace scan: ${keys.length} module folders and files to analyse.`);
      let done = 0;
      const report = () => {
        done++;
        progress?.report(Math.floor((done * 100) / keys.length), `${done} of ${keys.length} files`);
      };
      await runLimited(keys, scanConcurrency, async (key) => {
        await this.analyzer.analyze([key]);
        report();
      });
      this.lastScanned = keys.length;
      this.connection.console.info(`Workspace scan finished: ${keys.length} module folders and files in ${Date.now() - started} ms.`);
    } finally {
      progress?.done();
    }
  }

  /** Lists the keys of the units in the given folders, leaving out excluded paths. */
  private async listUnits(roots: string[]): Promise<string[]> {
    const keys: string[] = [];
    for (const folder of roots) {
      const { config } = await this.configs.forFolder(folder);
      const excluded = (file: string) => isExcluded(file, folder, config.exclude);
      keys.push(...findUnits(folder, this.source(), excluded).map(unitKey));
    }
    return [...new Set(keys)];
  }

  private async beginProgress(): Promise<WorkDoneProgressServerReporter | undefined> {
    if (!this.progressSupported) return undefined;
    try {
      const progress = await this.connection.window.createWorkDoneProgress();
      progress.begin('Metadata Guard: scanning the workspace', 0, 'listing files', false);
      return progress;
    } catch (error) {
      this.connection.console.warn(`Creating scan progress failed: ${String(error)}`);
      return undefined;
    }
  }
}

/**
 * Runs `action` on every item with at most `limit` running at once. Each item starts on a new
 * turn of the event loop, so requests from the editor are answered between items.
 */
async function runLimited<T>(items: T[], limit: number, action: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const item = items[next++];
      await new Promise<void>((resolve) => setImmediate(resolve));
      await action(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}
