import type { RemoteConsole } from 'vscode-languageserver/node';
import type { Engine, Notice } from '../engine';
import type { OpenDocuments } from './documents';
import { ResultStore } from './results';

/**
 * Analyses module folders with the engine and stores the results. Each analysis gets a number.
 * When a newer analysis of the same folder is requested while an older one waits for the engine,
 * the older one is dropped, so the store never goes back to an older result.
 */
export class ModuleAnalyzer {
  private runCounter = 0;
  private readonly latestRun = new Map<string, number>();
  private readonly loggedFailures = new Map<string, string>();
  private readonly loggedNotices = new Set<string>();

  constructor(
    private readonly engine: Promise<Engine>,
    private readonly documents: OpenDocuments,
    private readonly store: ResultStore,
    private readonly console: RemoteConsole,
    private readonly onChanged: (files: string[]) => void,
  ) {}

  /** Analyses each folder; failures are logged, and the promise never rejects. */
  async analyze(dirs: Iterable<string>): Promise<void> {
    await Promise.all([...new Set(dirs)].map((dir) => this.analyzeOne(dir)));
  }

  private async analyzeOne(dir: string): Promise<void> {
    const run = ++this.runCounter;
    this.latestRun.set(dir, run);
    let engine: Engine;
    try {
      engine = await this.engine;
    } catch {
      return; // The server logs the failed engine start once.
    }
    if (this.latestRun.get(dir) !== run) return;

    try {
      const { source, versions } = this.documents.snapshot();
      const analysis = engine.analyzeModule(dir, source);
      this.loggedFailures.delete(dir);
      this.logNotices(analysis.notices);
      this.onChanged(this.store.set(ResultStore.fromAnalysis(dir, run, analysis, versions)));
    } catch (error) {
      this.logFailure(dir, error);
    }
  }

  /** Logs a failure once per folder until that folder is analysed again without one. */
  private logFailure(dir: string, error: unknown): void {
    const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
    if (this.loggedFailures.get(dir) === text) return;
    this.loggedFailures.set(dir, text);
    this.console.error(`Analysis of module folder ${dir} failed: ${text}`);
  }

  private logNotices(notices: Notice[]): void {
    for (const notice of notices) {
      const key = `${notice.file}\n${notice.message}`;
      if (this.loggedNotices.has(key)) continue;
      this.loggedNotices.add(key);
      this.console.info(`${notice.file}: ${notice.message}`);
    }
  }
}
