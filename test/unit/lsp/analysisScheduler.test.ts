import * as assert from 'assert';
import { AnalysisScheduler, type Timers } from '../../../server/src/lsp/analysisScheduler';

/** A clock that runs timers only when the test advances it. */
class ManualTimers implements Timers {
  private now = 0;
  private nextId = 0;
  private readonly pending = new Map<number, { at: number; callback: () => void }>();

  setTimeout(callback: () => void, delayMs: number): unknown {
    const id = ++this.nextId;
    this.pending.set(id, { at: this.now + delayMs, callback });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }

  /** Moves the clock forward, running every timer that falls due on the way. */
  advance(ms: number): void {
    this.now += ms;
    for (const [id, timer] of [...this.pending].sort((a, b) => a[1].at - b[1].at)) {
      if (timer.at > this.now) continue;
      this.pending.delete(id);
      timer.callback();
    }
  }
}

/** An analysis stand-in that records its calls and ends only when the test calls `finishAll`. */
class RecordedAnalyses {
  readonly started: string[] = [];
  private readonly finishers: (() => void)[] = [];

  readonly analyze = (uri: string): Promise<void> => {
    this.started.push(uri);
    return new Promise((resolve) => this.finishers.push(resolve));
  };

  /** Ends every running analysis and lets their promise callbacks run. */
  async finishAll(): Promise<void> {
    this.finishers.splice(0).forEach((finish) => finish());
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

describe('analysis scheduler', () => {
  const uri = 'file:///work/main.tf';
  let timers: ManualTimers;
  let analyses: RecordedAnalyses;
  let scheduler: AnalysisScheduler;

  beforeEach(() => {
    timers = new ManualTimers();
    analyses = new RecordedAnalyses();
    scheduler = new AnalysisScheduler(100, analyses.analyze, timers);
  });

  it('idle edit starts at once', () => {
    scheduler.edited(uri);
    assert.deepStrictEqual(analyses.started, [uri]);
    assert.strictEqual(scheduler.hasScheduled(uri), false);
  });

  it('edit while running waits', () => {
    scheduler.edited(uri);
    scheduler.edited(uri);
    assert.strictEqual(analyses.started.length, 1);
    assert.strictEqual(scheduler.hasScheduled(uri), true);
  });

  it('burst runs one trailing analysis', async () => {
    scheduler.edited(uri);
    for (let edit = 0; edit < 199; edit++) {
      timers.advance(10);
      scheduler.edited(uri);
      if (edit === 0) await analyses.finishAll();
    }
    timers.advance(99);
    assert.strictEqual(analyses.started.length, 1);
    timers.advance(1);
    assert.strictEqual(analyses.started.length, 2);
    assert.strictEqual(scheduler.hasScheduled(uri), false);
  });

  it('idle again after finishing', async () => {
    scheduler.edited(uri);
    await analyses.finishAll();
    scheduler.edited(uri);
    assert.strictEqual(analyses.started.length, 2);
  });

  it('documents are independent', () => {
    scheduler.edited(uri);
    scheduler.edited('file:///work/other.tf');
    assert.deepStrictEqual(analyses.started, [uri, 'file:///work/other.tf']);
  });

  it('now cancels the trailing analysis', () => {
    scheduler.edited(uri);
    scheduler.edited(uri);
    scheduler.now(uri);
    assert.strictEqual(scheduler.hasScheduled(uri), false);
    timers.advance(1000);
    assert.strictEqual(analyses.started.length, 2);
  });

  it('dispose cancels every timer', () => {
    scheduler.edited(uri);
    scheduler.edited(uri);
    scheduler.dispose();
    timers.advance(1000);
    assert.strictEqual(analyses.started.length, 1);
  });

  it('failed analysis leaves it idle', async () => {
    const failing = new AnalysisScheduler(100, () => Promise.reject(new Error('parse failed')), timers);
    failing.edited(uri);
    await new Promise<void>((resolve) => setImmediate(resolve));
    failing.edited(uri);
    assert.strictEqual(failing.hasScheduled(uri), false);
  });
});
