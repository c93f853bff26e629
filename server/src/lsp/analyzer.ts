import type { RemoteConsole } from 'vscode-languageserver/node';
import { analysisUnitOf, type AnalysisUnit, type Engine, type Notice, type SourceProvider } from '../engine';
import type { OpenDocuments } from './documents';
import { ResultStore } from './results';

/**
 * Analyses units (module folders and stand-alone documents) with the engine and stores the
 * results, keyed by the folder or the document path. Each analysis gets a number.
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

  /** Analyses each unit, named by its key; failures are logged, and the promise never rejects. */
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
      const unit = unitFromKey(dir, source);
      if (!unit) return;
      const analysis = engine.analyzeUnit(unit, source);
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

/** Turns a stored key back into a unit: a folder is a module, a file is a document. */
function unitFromKey(key: string, source: SourceProvider): AnalysisUnit | undefined {
  if (source.isDirectory(key)) return { kind: 'module', dir: key };
  return analysisUnitOf(key, source);
}
