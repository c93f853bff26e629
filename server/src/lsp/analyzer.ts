import * as path from 'path';
import type { RemoteConsole } from 'vscode-languageserver/node';
import {
  analysisUnitOf,
  type AnalysisResult,
  type AnalysisUnit,
  type Engine,
  type Notice,
  type SourceProvider,
} from '../engine';
import { AnalysisPool } from '../engine/parallel';
import type { OpenDocuments } from './documents';
import { ResultStore } from './results';

/**
 * Analyses units (module folders and stand-alone documents) with the engine and stores the
 * results, keyed by the folder or the document path. Each analysis gets a number.
 * When a newer analysis of the same folder is requested while an older one waits for the engine,
 * the older one is dropped, so the store never goes back to an older result.
 *
 * Units that contain an open document are analysed on the main thread, which handles an edit
 * fastest. Every other unit (a workspace scan, a file changed on disk) goes to a worker-thread
 * pool with the texts of the open documents, so the server keeps answering requests meanwhile.
 */
export class ModuleAnalyzer {
  private runCounter = 0;
  private readonly latestRun = new Map<string, number>();
  private readonly loggedFailures = new Map<string, string>();
  private readonly loggedNotices = new Set<string>();
  private pool: AnalysisPool | undefined;
  private poolUnavailable: boolean;

  /**
   * `pool` is used for units with no open document; pass `false` to analyse everything on the
   * main thread. By default a pool is started on first use.
   */
  constructor(
    private readonly engine: Promise<Engine>,
    private readonly documents: OpenDocuments,
    private readonly store: ResultStore,
    private readonly console: RemoteConsole,
    private readonly onChanged: (files: string[]) => void | Promise<void>,
    pool?: AnalysisPool | false,
  ) {
    this.pool = pool || undefined;
    this.poolUnavailable = pool === false;
  }

  /**
   * Analyses each unit, named by its key, and resolves once the changed files are published.
   * Failures are logged, and the promise never rejects.
   */
  async analyze(dirs: Iterable<string>): Promise<void> {
    await Promise.all([...new Set(dirs)].map((dir) => this.analyzeOne(dir)));
  }

  /** Stops the worker threads; later analyses run on the main thread. */
  async dispose(): Promise<void> {
    this.poolUnavailable = true;
    const pool = this.pool;
    this.pool = undefined;
    await pool?.close();
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
      const analysis = await this.runAnalysis(dir, engine);
      if (!analysis || this.latestRun.get(dir) !== run) return;
      this.loggedFailures.delete(dir);
      this.logNotices(analysis.result.notices);
      const changed = this.store.set(ResultStore.fromAnalysis(dir, run, analysis.result, analysis.versions));
      await this.onChanged(changed);
    } catch (error) {
      this.logFailure(dir, error);
    }
  }

  /** Runs one analysis on the main thread or on the pool; undefined when the key has no unit. */
  private async runAnalysis(
    dir: string,
    engine: Engine,
  ): Promise<{ result: AnalysisResult; versions: Map<string, number> } | undefined> {
    const { source, versions } = this.documents.snapshot();
    const unit = unitFromKey(dir, source);
    if (!unit) return undefined;
    const pool = this.hasOpenDocument(unit) ? undefined : this.availablePool();
    if (!pool) return { result: engine.analyzeUnit(unit, source), versions };

    const open = this.documents.openTexts();
    const overlay = new Map([...open].map(([file, { text }]) => [file, text]));
    const result = await pool.analyzeUnit(unit, overlay);
    const read = new Set(result.dependencies);
    const readVersions = new Map<string, number>();
    for (const [file, { version }] of open) if (read.has(file)) readVersions.set(file, version);
    return { result, versions: readVersions };
  }

  private hasOpenDocument(unit: AnalysisUnit): boolean {
    if (unit.kind === 'document') return this.documents.byPath(unit.file) !== undefined;
    return [...this.documents.openTexts().keys()].some((file) => path.dirname(file) === unit.dir);
  }

  /** Returns the pool, starting it on first use; undefined when worker threads cannot start. */
  private availablePool(): AnalysisPool | undefined {
    if (this.pool || this.poolUnavailable) return this.pool;
    try {
      this.pool = new AnalysisPool();
      this.console.info(`Started ${this.pool.size} analysis worker threads`);
    } catch (error) {
      this.poolUnavailable = true;
      const reason = error instanceof Error ? error.message : String(error);
      this.console.error(`Analysis worker threads could not start, so every analysis runs on the main thread: ${reason}`);
    }
    return this.pool;
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
