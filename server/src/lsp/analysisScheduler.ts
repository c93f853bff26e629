/** The timer functions the scheduler uses; tests pass a manual clock. */
export interface Timers {
  setTimeout(callback: () => void, delayMs: number): unknown;
  clearTimeout(handle: unknown): void;
}

const systemTimers: Timers = {
  setTimeout: (callback, delayMs) => setTimeout(callback, delayMs),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/**
 * Decides when an edited document is analysed. An edit to an idle document starts an analysis
 * at once, so a single edit gets its diagnostics as soon as the analysis ends. An edit that
 * arrives while an analysis of that document is scheduled or running only schedules a trailing
 * analysis, which starts once no edit has arrived for `quietMs`. A burst of edits therefore
 * runs one analysis at its start and one after its last edit, plus one per pause longer than
 * `quietMs` inside it.
 */
export class AnalysisScheduler {
  private readonly scheduled = new Map<string, unknown>();
  private readonly running = new Map<string, number>();

  /**
   * `analyze` runs the analysis of one document, by URI. Its promise should settle once the
   * diagnostics are published, because the document counts as busy until then.
   */
  constructor(
    private readonly quietMs: number,
    private readonly analyze: (uri: string) => Promise<void>,
    private readonly timers: Timers = systemTimers,
  ) {}

  /** Records an edit: analyses at once when the document is idle, and later otherwise. */
  edited(uri: string): void {
    if (this.scheduled.has(uri) || this.running.has(uri)) this.schedule(uri);
    else this.start(uri);
  }

  /** Cancels a scheduled analysis and starts one at once, as on open, save or close. */
  now(uri: string): void {
    this.cancel(uri);
    this.start(uri);
  }

  /** Tells whether a trailing analysis of the document waits for its quiet time. */
  hasScheduled(uri: string): boolean {
    return this.scheduled.has(uri);
  }

  /** Cancels the analysis scheduled for a document, if any. */
  cancel(uri: string): void {
    if (this.scheduled.has(uri)) this.timers.clearTimeout(this.scheduled.get(uri));
    this.scheduled.delete(uri);
  }

  /** Cancels every scheduled analysis. */
  dispose(): void {
    for (const uri of [...this.scheduled.keys()]) this.cancel(uri);
  }

  private schedule(uri: string): void {
    this.cancel(uri);
    const handle = this.timers.setTimeout(() => {
      this.scheduled.delete(uri);
      this.start(uri);
    }, this.quietMs);
    this.scheduled.set(uri, handle);
  }

  private start(uri: string): void {
    this.running.set(uri, (this.running.get(uri) ?? 0) + 1);
    const finish = () => {
      const count = (this.running.get(uri) ?? 1) - 1;
      if (count > 0) this.running.set(uri, count);
      else this.running.delete(uri);
    };
    this.analyze(uri).then(finish, finish);
  }
}
