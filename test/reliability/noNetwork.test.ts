import * as assert from 'assert';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { packageRoot } from '../fuzz/corpus';

const root = packageRoot();
const preload = path.join(root, 'out', 'test', 'reliability', 'blockNetwork.js');

interface BlockedRun {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Number of processes that loaded the blocker. */
  blockedProcesses: number;
  /** Processes that loaded the blocker and were still running after the command exited. */
  leftovers: number[];
  timedOut: boolean;
}

/** Tells whether `pid` runs. A zombie (exited, not yet reaped) counts as stopped. */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}

/** Waits up to `graceMs` for the processes to stop, then returns those still running. */
async function stillRunning(pids: number[], graceMs: number): Promise<number[]> {
  const deadline = Date.now() + graceMs;
  let running = pids.filter(isRunning);
  while (running.length > 0 && Date.now() < deadline) {
    await new Promise((wake) => setTimeout(wake, 100));
    running = running.filter(isRunning);
  }
  return running;
}

/**
 * Runs a Node command with the network modules blocked in it and in every Node child it starts.
 * The promise settles when the command's own process exits, not when its output pipes close.
 * Children that outlive the command are returned in `leftovers` and stopped by their PIDs.
 */
function runBlocked(args: string[], timeoutMs: number): Promise<BlockedRun> {
  const log = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'metadata-guard-no-network-')), 'blocked.log');
  const env = {
    ...process.env,
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${preload}`.trim(),
    METADATA_GUARD_BLOCK_LOG: log,
  };
  const child = spawn(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve) => {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill();
    }, timeoutMs);
    child.on('exit', async (status, signal) => {
      clearTimeout(timer);
      const lines = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n') : [];
      const pids = lines.map((line) => Number(/process (\d+)/.exec(line)?.[1]));
      const others = [...new Set(pids)].filter((pid) => pid > 0 && pid !== child.pid);
      // Five seconds also lets a server notice, by its parent-process check, that the client has gone.
      const leftovers = await stillRunning(others, 5000);
      leftovers.forEach((pid) => process.kill(pid));
      child.stdout.destroy();
      child.stderr.destroy();
      resolve({ status, signal, stdout, stderr, blockedProcesses: lines.length, leftovers, timedOut });
    });
  });
}

function describeRun(run: BlockedRun): string {
  const end = run.timedOut ? 'was stopped after the time limit' : `exited with ${run.status ?? run.signal}`;
  return `The command ${end}. Output ends with:\n${run.stdout.slice(-3000)}\n${run.stderr.slice(-2000)}`;
}

describe('no network', () => {
  it('blocker throws on use', async () => {
    const code = "require('node:net').connect(80, '127.0.0.1')";
    const run = await runBlocked(['-e', code], 30_000);
    assert.notStrictEqual(run.status, 0);
    assert.match(run.stderr, /network access blocked: net\.connect/);
  });

  it('finds a child left running', async function () {
    this.timeout(20_000);
    const code = "require('child_process').spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], " +
      "{ detached: true, stdio: 'ignore' }).unref(); setTimeout(() => {}, 500)";
    const run = await runBlocked(['-e', code], 30_000);
    assert.strictEqual(run.status, 0, describeRun(run));
    assert.strictEqual(run.leftovers.length, 1);
    assert.deepStrictEqual(await stillRunning(run.leftovers, 2000), []);
  });

  it('workspace scan passes', async function () {
    this.timeout(60_000);
    const run = await runBlocked([path.join(root, 'bin', 'metadata-guard.js'), 'scan', '--format', 'json', 'examples'], 50_000);
    assert.ok(run.blockedProcesses >= 1, 'the scan did not load the blocker');
    assert.doesNotMatch(run.stderr, /network access blocked/);
    const report = JSON.parse(run.stdout);
    assert.ok(report.findings.length > 0, 'the scan found nothing in examples/');
  });

  it('protocol tests pass', async function () {
    this.timeout(180_000);
    const mocha = path.join(root, 'node_modules', 'mocha', 'bin', 'mocha.js');
    // --exit stops Mocha even when a handle is left open in its process. Language servers that
    // outlive the run are still caught by the leftovers check below.
    const run = await runBlocked([mocha, '--no-config', '--exit', '--timeout', '20000', 'out/test/protocol/**/*.test.js'], 150_000);
    assert.ok(run.blockedProcesses > 1, 'the language servers did not load the blocker');
    assert.doesNotMatch(`${run.stdout}${run.stderr}`, /network access blocked/);
    assert.strictEqual(run.status, 0, describeRun(run));
    assert.deepStrictEqual(run.leftovers, [], 'language servers outlived the protocol tests');
  });
});
