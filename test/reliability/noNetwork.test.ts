import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { packageRoot } from '../fuzz/corpus';

const root = packageRoot();
const preload = path.join(root, 'out', 'test', 'reliability', 'blockNetwork.js');

/** Runs a Node command with the network modules blocked in it and in every Node child it starts. */
function runBlocked(args: string[]) {
  const log = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'metadata-guard-no-network-')), 'blocked.log');
  const env = {
    ...process.env,
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${preload}`.trim(),
    METADATA_GUARD_BLOCK_LOG: log,
  };
  const run = spawnSync(process.execPath, args, { cwd: root, env, encoding: 'utf8', timeout: 150_000 });
  const blockedProcesses = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n').length : 0;
  return { ...run, blockedProcesses };
}

describe('no network', () => {
  it('blocker throws on use', () => {
    const code = "require('node:net').connect(80, '127.0.0.1')";
    const run = runBlocked(['-e', code]);
    assert.notStrictEqual(run.status, 0);
    assert.match(run.stderr, /network access blocked: net\.connect/);
  });

  it('workspace scan passes', () => {
    const run = runBlocked([path.join(root, 'bin', 'metadata-guard.js'), 'scan', '--format', 'json', 'examples']);
    assert.ok(run.blockedProcesses >= 1, 'the scan did not load the blocker');
    assert.doesNotMatch(run.stderr, /network access blocked/);
    const report = JSON.parse(run.stdout);
    assert.ok(report.findings.length > 0, 'the scan found nothing in examples/');
  });

  it('protocol tests pass', function () {
    this.timeout(180_000);
    const mocha = path.join(root, 'node_modules', 'mocha', 'bin', 'mocha.js');
    const run = runBlocked([mocha, '--no-config', '--timeout', '20000', 'out/test/protocol/**/*.test.js']);
    assert.ok(run.blockedProcesses > 1, 'the language servers did not load the blocker');
    assert.doesNotMatch(`${run.stdout}${run.stderr}`, /network access blocked/);
    assert.strictEqual(run.status, 0, run.stdout.slice(-3000));
  });
});
