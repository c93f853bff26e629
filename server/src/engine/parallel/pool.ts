import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Worker } from 'worker_threads';
import type { AnalysisResult } from '../analyze';
import { unitKey, type AnalysisUnit } from '../units';
import { toUnitMessage, type AnalyzeReply, type AnalyzeRequest } from './protocol';

/** Options of an analysis pool. */
export interface AnalysisPoolOptions {
  /** Number of worker threads; defaults to the number of cores the process may use, at most 4. */
  size?: number;
  /** Worker entry script; defaults to `analysisWorker.js` beside this module or the bundle. */
  workerFile?: string;
}

interface Job {
  request: AnalyzeRequest;
  key: string;
  resolve(result: AnalysisResult): void;
  reject(error: Error): void;
}

interface PoolWorker {
  thread: Worker;
  /** Jobs sent to the worker, in the order it runs them: the first one is running. */
  jobs: Job[];
}

/**
 * The maximum number of jobs sent to one worker at a time. The second job waits in the worker's
 * message queue, so the worker starts it without waiting for the main thread to read the reply.
 */
const jobsPerWorker = 2;

/** Returns the default number of workers: the usable cores, at least 1 and at most 4. */
export function defaultPoolSize(): number {
  return Math.max(1, Math.min(os.availableParallelism(), 4));
}

/**
 * Analyses units on worker threads, each with its own parsers. Jobs wait in a queue and go to
 * the worker with the fewest jobs, up to two per worker. A worker that crashes fails its running
 * job only: the job sent after it goes back to the queue, and the worker is replaced when the
 * next job needs it. Idle workers do not keep the process alive.
 */
export class AnalysisPool {
  private readonly workers: PoolWorker[] = [];
  private readonly queue: Job[] = [];
  private readonly workerFile: string;
  private nextId = 1;
  private closed = false;

  /** Number of worker threads the pool starts at most. */
  readonly size: number;

  constructor(options: AnalysisPoolOptions = {}) {
    this.size = Math.max(1, options.size ?? defaultPoolSize());
    this.workerFile = options.workerFile ?? path.join(__dirname, 'analysisWorker.js');
    if (!fs.existsSync(this.workerFile)) throw new Error(`analysis worker ${this.workerFile} not found`);
  }

  /**
   * Analyses one unit on a worker. `overlay` maps absolute paths to texts that replace the disk
   * (open editors). Rejects when the worker fails or stops, or the pool is closed.
   */
  analyzeUnit(unit: AnalysisUnit, overlay: ReadonlyMap<string, string> = new Map()): Promise<AnalysisResult> {
    if (this.closed) return Promise.reject(new Error('the analysis pool is closed'));
    const request: AnalyzeRequest = { id: this.nextId++, unit: toUnitMessage(unit), overlay: [...overlay] };
    return new Promise((resolve, reject) => {
      this.queue.push({ request, key: unitKey(unit), resolve, reject });
      this.dispatch();
    });
  }

  /** Stops every worker and rejects the jobs that have not finished. */
  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(new Error('the analysis pool is closed'));
    const workers = this.workers.splice(0);
    for (const worker of workers) {
      for (const job of worker.jobs) job.reject(new Error('the analysis pool is closed'));
    }
    await Promise.all(workers.map((worker) => worker.thread.terminate()));
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const worker = this.pickWorker();
      if (!worker) return;
      const job = this.queue.shift()!;
      worker.jobs.push(job);
      worker.thread.ref();
      worker.thread.postMessage(job.request);
    }
  }

  /** Returns an idle worker, a new one, or the least busy worker with room, or undefined when all are full. */
  private pickWorker(): PoolWorker | undefined {
    const idle = this.workers.find((candidate) => candidate.jobs.length === 0);
    if (idle) return idle;
    const started = this.startWorker();
    if (started) return started;
    const withRoom = this.workers.filter((candidate) => candidate.jobs.length < jobsPerWorker);
    return withRoom.sort((a, b) => a.jobs.length - b.jobs.length)[0];
  }

  private startWorker(): PoolWorker | undefined {
    if (this.workers.length >= this.size) return undefined;
    const worker: PoolWorker = { thread: new Worker(this.workerFile), jobs: [] };
    worker.thread.on('message', (reply: AnalyzeReply) => this.finish(worker, reply));
    worker.thread.on('error', (error) => this.fail(worker, error.stack ?? error.message));
    worker.thread.on('exit', (code) => this.fail(worker, `the worker exited with code ${code}`));
    this.workers.push(worker);
    return worker;
  }

  private finish(worker: PoolWorker, reply: AnalyzeReply): void {
    const job = worker.jobs[0];
    if (!job || job.request.id !== reply.id) return;
    worker.jobs.shift();
    if (worker.jobs.length === 0) worker.thread.unref();
    if ('result' in reply) job.resolve(reply.result);
    else job.reject(new Error(`analysis of ${job.key} failed in a worker: ${reply.failure}`));
    this.dispatch();
  }

  /** Drops a worker that crashed or exited, fails its job, and lets the queue go on. */
  private fail(worker: PoolWorker, reason: string): void {
    const index = this.workers.indexOf(worker);
    if (index < 0) return;
    this.workers.splice(index, 1);
    const [job, ...waiting] = worker.jobs;
    worker.jobs = [];
    void worker.thread.terminate();
    job?.reject(new Error(`analysis worker stopped while analysing ${job.key}: ${reason}`));
    this.queue.unshift(...waiting);
    if (!this.closed) this.dispatch();
  }
}
