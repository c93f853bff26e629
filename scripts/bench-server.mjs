// Measures the language server (dist/server.js) through the protocol over stdio:
//   - a generated 10,000-file mixed workspace (Terraform, shell scripts, YAML): peak memory of the
//     server process (VmHWM, worker threads included) and the time from `initialized` to the last
//     diagnostics notification, found as the last one before `quietMs` without any;
//   - one-character edits in a 5,000-line `.tf` file: median time from didChange to the next
//     diagnostics notification for that file;
//   - a burst of 200 edits 10 ms apart: the notifications for that file after the burst.
// Usage: npm run build && node scripts/bench-server.mjs [--json]
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const require = createRequire(path.join(root, 'package.json'));
const rpc = require('vscode-jsonrpc/node');
const serverBundle = path.join(root, 'dist', 'server.js');
const quietMs = 3000;

const openServer = (name) => [
  `resource "huaweicloud_compute_instance" "${name}" {`,
  `  name      = "${name}"`,
  '  image_id  = "img"',
  '  flavor_id = "s6.large.2"',
  '  user_data = <<-EOT',
  '    #!/bin/bash',
  '    apt-get install -y nginx',
  '  EOT',
  '}',
];

/** Writes 10,000 files: per folder 4 `.tf` files, 3 shell scripts and 3 YAML files. */
function generateWorkspace() {
  const tree = fs.mkdtempSync(path.join(os.tmpdir(), 'metadata-guard-bench-ws-'));
  for (let folder = 0; folder < 1000; folder++) {
    const dir = path.join(tree, `app_${String(folder).padStart(4, '0')}`);
    fs.mkdirSync(dir);
    for (let file = 0; file < 4; file++) {
      const lines = [];
      for (let block = 0; block < 6; block++) lines.push(...openServer(`s${folder}_${file}_${block}`), '');
      fs.writeFileSync(path.join(dir, `part_${file}.tf`), lines.join('\n'));
    }
    for (let file = 0; file < 3; file++) {
      const script = ['#!/bin/bash', 'set -e', 'apt-get update', `echo step ${file}`, 'curl http://169.254.169.254/latest/meta-data/'];
      fs.writeFileSync(path.join(dir, `setup_${file}.sh`), script.join('\n') + '\n');
      const yaml = ['#cloud-config', 'runcmd:', '  - apt-get update', `  - echo part ${file}`];
      fs.writeFileSync(path.join(dir, `cloud_${file}.yaml`), yaml.join('\n') + '\n');
    }
  }
  return tree;
}

/** Starts the server and returns a connection plus a record of diagnostics notifications. */
function startServer(folder) {
  const child = spawn(process.execPath, [serverBundle, '--stdio'], { stdio: 'pipe' });
  const log = [];
  child.stderr.on('data', (chunk) => log.push(chunk.toString()));
  child.on('exit', (code, signal) => {
    if (session.stopping) return;
    console.error(`The server exited early (code ${code}, signal ${signal}):\n${log.join('')}`);
    process.exit(1);
  });
  const connection = rpc.createMessageConnection(
    new rpc.StreamMessageReader(child.stdout),
    new rpc.StreamMessageWriter(child.stdin),
  );
  const session = { child, connection, notifications: [], listeners: [], stopping: false };
  connection.onNotification('textDocument/publishDiagnostics', (params) => {
    const entry = { at: performance.now(), uri: params.uri, count: params.diagnostics.length, version: params.version };
    session.notifications.push(entry);
    for (const listener of session.listeners) listener(entry);
  });
  connection.onNotification('window/logMessage', () => undefined);
  connection.onRequest('workspace/configuration', (params) => params.items.map(() => null));
  connection.onRequest('client/registerCapability', () => null);
  connection.onRequest('window/workDoneProgress/create', () => null);
  connection.onNotification('$/progress', () => undefined);
  connection.listen();
  return session;
}

async function initialize(session, folder) {
  const uri = pathToFileURL(folder).href;
  await session.connection.sendRequest('initialize', {
    processId: process.pid,
    rootUri: uri,
    workspaceFolders: [{ uri, name: path.basename(folder) }],
    capabilities: {
      workspace: { configuration: true, workspaceFolders: true },
      window: { workDoneProgress: true },
    },
  });
  await session.connection.sendNotification('initialized', {});
}

function stopServer(session) {
  session.stopping = true;
  session.connection.dispose();
  if (session.child.exitCode === null) process.kill(session.child.pid);
}

/** Reads the peak resident set of a process, in KiB, from /proc (Linux only). */
function peakRssKiB(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? NaN);
}

/** Reads user plus system CPU time of a process, in ms, from /proc (Linux only). */
function cpuMs(pid) {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

/** Resolves once no notification has arrived for `ms`, with the time of the last one. */
function waitForQuiet(session, ms) {
  return new Promise((resolve) => {
    const check = () => {
      const last = session.notifications.at(-1)?.at ?? 0;
      if (performance.now() - last >= ms) resolve(last);
      else setTimeout(check, 200);
    };
    setTimeout(check, ms);
  });
}

function nextNotification(session, uri) {
  return new Promise((resolve) => {
    const listener = (entry) => {
      if (entry.uri !== uri) return;
      session.listeners = session.listeners.filter((other) => other !== listener);
      resolve(entry);
    };
    session.listeners.push(listener);
  });
}

async function measureWorkspace() {
  const tree = generateWorkspace();
  const session = startServer(tree);
  try {
    const start = performance.now();
    await initialize(session, tree);
    const last = await waitForQuiet(session, quietMs);
    const files = new Set(session.notifications.map((entry) => entry.uri)).size;
    return {
      files: 10000,
      lastDiagnosticsMs: Math.round(last - start),
      publishedFiles: files,
      peakRssMiB: Math.round(peakRssKiB(session.child.pid) / 1024),
      serverCpuMs: Math.round(cpuMs(session.child.pid)),
    };
  } finally {
    stopServer(session);
    fs.rmSync(tree, { recursive: true, force: true });
  }
}

function largeFile() {
  const lines = [];
  for (let block = 0; lines.length < 5000; block++) lines.push(...openServer(`big_${block}`), '');
  return lines.join('\n');
}

/** Opens a 5,000-line file, then times 30 one-character edits and a burst of 200 edits. */
async function measureEdits() {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'metadata-guard-bench-edit-'));
  const file = path.join(folder, 'main.tf');
  const text = largeFile();
  fs.writeFileSync(file, text);
  const uri = pathToFileURL(file).href;
  const session = startServer(folder);
  try {
    await initialize(session, folder);
    const opened = nextNotification(session, uri);
    await session.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'terraform', version: 1, text } });
    await opened;
    await waitForQuiet(session, 1000);
    const latencies = [];
    let version = 1;
    for (let edit = 0; edit < 30; edit++) {
      const published = nextNotification(session, uri);
      const start = performance.now();
      await change(session, uri, ++version, edit);
      latencies.push((await published).at - start);
    }
    const burst = await measureBurst(session, uri, version);
    return { lines: 5000, medianEditMs: Math.round(median(latencies)), ...burst };
  } finally {
    stopServer(session);
    fs.rmSync(folder, { recursive: true, force: true });
  }
}

/** Replaces one character on line 2 (the first server's name) with a digit. */
function change(session, uri, version, digit) {
  const range = { start: { line: 1, character: 15 }, end: { line: 1, character: 16 } };
  return session.connection.sendNotification('textDocument/didChange', {
    textDocument: { uri, version },
    contentChanges: [{ range, text: String(digit % 10) }],
  });
}

/** Sends 200 edits 10 ms apart, the last one removing the first server's header line. */
async function measureBurst(session, uri, version) {
  const before = session.notifications.length;
  let sent = 0;
  for (; sent < 199; sent++) {
    await change(session, uri, ++version, sent);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const lastSent = performance.now();
  const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  await session.connection.sendNotification('textDocument/didChange', {
    textDocument: { uri, version: ++version },
    contentChanges: [{ range, text: '# ' }],
  });
  await waitForQuiet(session, 2000);
  const after = session.notifications.slice(before).filter((entry) => entry.uri === uri && entry.at >= lastSent);
  return { burstEdits: 200, notificationsAfterBurst: after.length, finalVersionPublished: after.at(-1)?.version ?? null };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

async function main() {
  if (!fs.existsSync(serverBundle)) throw new Error(`${serverBundle} not found; run npm run build first`);
  const results = { workspace: await measureWorkspace(), edits: await measureEdits() };
  console.log(process.argv.includes('--json') ? JSON.stringify(results) : JSON.stringify(results, null, 2));
}

await main();
