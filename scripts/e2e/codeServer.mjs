// Starts and stops code-server and headless Chromium for the editor test layers. Both bind or
// connect to 127.0.0.1 only, and both are stopped by the process ids this module started.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const artifactsDir = path.join(repoRoot, '.test-artifacts');
const installScript = path.join(repoRoot, 'scripts', 'e2e', 'install-code-server.sh');
const codeServerPrefix = process.env.CODE_SERVER_PREFIX ?? path.join(artifactsDir, 'code-server');
export const codeServerBin = path.join(codeServerPrefix, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Chromium flags: no GPU, no sandbox (root), and no background connections to any host. */
export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * User settings that stop VS Code from looking for updates, recommendations and experiments,
 * so that the only connections are to code-server on 127.0.0.1.
 */
const userSettings = {
  'workbench.startupEditor': 'none',
  'workbench.enableExperiments': false,
  'workbench.tips.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'security.workspace.trust.enabled': false,
  'files.autoSave': 'off',
};

/** Points the extension gallery at a closed loopback port, so no lookup leaves the machine. */
const closedGallery = JSON.stringify({
  serviceUrl: 'http://127.0.0.1:9/gallery',
  itemUrl: 'http://127.0.0.1:9/item',
  resourceUrlTemplate: 'http://127.0.0.1:9/{publisher}/{name}/{version}/{path}',
});

/** Installs code-server with scripts/e2e/install-code-server.sh unless it is already there. */
export function ensureCodeServer() {
  const result = spawnSync('bash', [installScript], { stdio: 'inherit' });
  if (result.status !== 0 || !fs.existsSync(codeServerBin)) {
    throw new Error(`Installing code-server failed (exit code ${result.status}); see the output above`);
  }
}

/** Returns a TCP port that is free on 127.0.0.1 at the time of the call. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/** Creates a fresh, empty folder under the system's temporary folder. */
export function tempDir(prefix) {
  return fs.mkdtempSync(path.join(os.tmpdir(), `metadata-guard-${prefix}-`));
}

/** Copies a folder into a new temporary folder, so a test may change its files. */
export function copyToTemp(source, prefix) {
  const target = tempDir(prefix);
  fs.cpSync(source, target, { recursive: true });
  return target;
}

/** Creates the user-data folder with the settings above and returns its path. */
export function createUserDataDir() {
  const dir = tempDir('user-data');
  fs.mkdirSync(path.join(dir, 'User'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'User', 'settings.json'), JSON.stringify(userSettings, null, 2));
  return dir;
}

/** Runs code-server once with extra arguments (such as --install-extension) and waits for it. */
export function runCodeServerCommand(args, dirs) {
  const result = spawnSync(
    process.execPath,
    [codeServerBin, '--extensions-dir', dirs.extensionsDir, '--user-data-dir', dirs.userDataDir, ...args],
    { encoding: 'utf8', env: codeServerEnv({}) },
  );
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

function codeServerEnv(extra) {
  return { ...process.env, EXTENSIONS_GALLERY: closedGallery, ...extra };
}

/**
 * Starts code-server on 127.0.0.1 in a process group of its own and resolves once it reports
 * that it listens. `env` adds variables, which the extension host inherits.
 */
export async function startCodeServer({ folder, extensionsDir, userDataDir, env = {}, logFile }) {
  const port = await freePort();
  const args = [
    codeServerBin,
    '--bind-addr', `127.0.0.1:${port}`,
    '--auth', 'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--extensions-dir', extensionsDir,
    '--user-data-dir', userDataDir,
    folder,
  ];
  const log = fs.openSync(logFile, 'w');
  const child = spawn(process.execPath, args, {
    detached: true,
    stdio: ['ignore', 'pipe', log],
    env: codeServerEnv(env),
  });
  await waitForListening(child, log, port);
  return { child, port, url: `http://127.0.0.1:${port}` };
}

function waitForListening(child, log, port) {
  const deadlineMs = 60_000;
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => {
      reject(new Error(`code-server did not listen on port ${port} within ${deadlineMs} ms`));
    }, deadlineMs);
    child.stdout.on('data', (chunk) => {
      fs.writeSync(log, chunk);
      seen += chunk.toString('utf8');
      if (!seen.includes('HTTP server listening on')) return;
      clearTimeout(timer);
      seen = '';
      resolve();
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`code-server exited with code ${code} before it listened; see its log`));
    });
  });
}

/** Stops code-server and every process it started (its group), then waits for it to exit. */
export async function stopCodeServer(server) {
  const { child } = server;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  signalGroup(child.pid, 'SIGTERM');
  const timer = setTimeout(() => signalGroup(child.pid, 'SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

function signalGroup(pid, signal) {
  try {
    // A negative id sends the signal to the process group that code-server leads.
    process.kill(-pid, signal);
  } catch (error) {
    if (error.code !== 'ESRCH') throw error;
  }
}

/**
 * Launches headless Chromium through playwright-core with the flags above. Returns the browser
 * and the process id of Chromium, which playwright-core starts as a child of this process.
 */
export async function launchChromium() {
  const { chromium } = await import('playwright-core');
  const before = new Set(childPids());
  const browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: chromiumArgs });
  const pid = childPids().find((candidate) => !before.has(candidate));
  return { browser, pid };
}

/** Closes Chromium, and kills its process by id if closing did not end it. */
export async function closeChromium({ browser, pid }) {
  await browser.close().catch(() => undefined);
  if (pid === undefined) return;
  try {
    process.kill(pid, 'SIGKILL');
  } catch (error) {
    if (error.code !== 'ESRCH') throw error;
  }
}

/** Lists the ids of this process's direct children, read from /proc. */
function childPids() {
  const pids = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat;
    try {
      stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue;
    }
    // The fields after the command name (which may hold spaces) are: state, parent id, ...
    const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (parent === process.pid) pids.push(Number(entry));
  }
  return pids;
}
