// Measures `metadata-guard scan` on a generated Terraform tree and compares it with
// `terraform fmt -check -recursive` on the same tree, then writes docs/benchmarks.md.
// It also runs scripts/bench-server.mjs (language server through the protocol) and adds its
// results. Usage: npm run build && node scripts/bench.mjs [--runs N] [--keep]
//   --runs N  timed runs of each command (default 5); the report gives the median.
//   --keep    leave the generated tree in the temp folder instead of deleting it.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const cliBundle = path.join(root, 'dist', 'cli.js');
const reportFile = path.join(root, 'docs', 'benchmarks.md');
const terraformBin = '/usr/local/bin/terraform';

const moduleCount = 200;
const filesPerModule = 10;
const linesPerFile = 105;

/** Returns a seeded pseudo-random generator (mulberry32), so every run builds the same tree. */
function seededRandom(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Formats attributes the way `terraform fmt` does, with the `=` signs of a group aligned. */
function attributes(indent, pairs) {
  const width = Math.max(...pairs.map(([key]) => key.length));
  return pairs.map(([key, value]) => `${indent}${key.padEnd(width)} = ${value}`);
}

const hardenedScript = [
  '#!/bin/bash',
  'iptables -A OUTPUT -p tcp -d 169.254.169.254 -m owner ! --uid-owner root -j REJECT',
  'mkdir -p /etc/iptables && iptables-save > /etc/iptables/rules.v4',
];
const plainScript = ['#!/bin/bash', 'apt-get update', 'apt-get install -y nginx'];
const forwardScript = ['#!/bin/bash', 'iptables -I FORWARD -p tcp -d 169.254.169.254 -j REJECT'];

function heredoc(lines) {
  return ['<<-EOT', ...lines.map((line) => `    ${line}`), '  EOT'].join('\n');
}

/** Picks a boot script: 40% with the firewall rule, 45% without, 15% with it on chain FORWARD. */
function pickScript(value) {
  if (value < 0.4) return hardenedScript;
  if (value < 0.85) return plainScript;
  return forwardScript;
}

function server(name, random) {
  const script = pickScript(random());
  const lines = [`resource "huaweicloud_compute_instance" "${name}" {`];
  const pairs = [
    ['name', `"${name}"`],
    ['image_id', 'data.huaweicloud_images_image.ubuntu.id'],
    ['flavor_id', '"s6.large.2"'],
    ['availability_zone', '"ap-southeast-3a"'],
    ['security_group_ids', '[huaweicloud_networking_secgroup.app.id]'],
  ];
  if (random() < 0.3) pairs.push(['agency_name', 'huaweicloud_identity_agency.app.name']);
  if (random() < 0.2) {
    pairs.push(['user_data', 'file("${path.module}/scripts/bootstrap.sh")']);
    lines.push(...attributes('  ', pairs));
  } else {
    lines.push(...attributes('  ', pairs), '', `  user_data = ${heredoc(script)}`);
  }
  lines.push('', '  network {', '    uuid = huaweicloud_vpc_subnet.app.id', '  }', '', '  tags = {');
  lines.push(...attributes('    ', [['team', '"platform"'], ['environment', '"benchmark"']]), '  }', '}');
  return lines;
}

function agency(name) {
  return [
    `resource "huaweicloud_identity_agency" "${name}" {`,
    ...attributes('  ', [
      ['name', `"${name}"`],
      ['delegated_service_name', '"op_svc_ecs"'],
      ['duration', '"FOREVER"'],
      ['domain_roles', '["OBS OperateAccess"]'],
    ]),
    '}',
  ];
}

function securityGroupRule(name, port) {
  return [
    `resource "huaweicloud_networking_secgroup_rule" "${name}" {`,
    ...attributes('  ', [
      ['security_group_id', 'huaweicloud_networking_secgroup.app.id'],
      ['direction', '"ingress"'],
      ['ethertype', '"IPv4"'],
      ['protocol', '"tcp"'],
      ['ports', `"${port}"`],
      ['remote_ip_prefix', '"10.0.0.0/8"'],
    ]),
    '}',
  ];
}

function variable(name) {
  return [
    `variable "${name}" {`,
    ...attributes('  ', [['type', 'string'], ['description', `"Setting ${name}."`], ['default', '""']]),
    '}',
  ];
}

/** Picks a block: 45% servers, 15% agencies, 25% security group rules, 15% variables. */
function pickBlock(name, index, random) {
  const value = random();
  if (value < 0.45) return server(name, random);
  if (value < 0.6) return agency(name);
  if (value < 0.85) return securityGroupRule(name, 1000 + index);
  return variable(name);
}

/** Builds one file of about `linesPerFile` lines from a seeded mix of blocks. */
function terraformFile(prefix, random) {
  const lines = [];
  for (let block = 0; lines.length < linesPerFile; block++) {
    const name = `${prefix}_${block}`;
    const blockLines = pickBlock(name, block, random);
    if (lines.length > 0) lines.push('');
    lines.push(...blockLines);
  }
  return lines.join('\n') + '\n';
}

/** Returns the text of an ordinary TypeScript module that uses no cloud package. */
function applicationModule(index) {
  const lines = [`import { readFile } from 'node:fs/promises';`, `import { format } from './format${index % 10}';`, ''];
  for (let item = 0; lines.length < 100; item++) {
    lines.push(
      `export interface Record${item} { id: string; name: string; size: number; }`,
      '',
      `export async function load${item}(path: string): Promise<Record${item}[]> {`,
      `  const text = await readFile(path, 'utf8');`,
      `  return JSON.parse(text).map((entry: Record${item}) => ({ ...entry, name: format(entry.name) }));`,
      '}',
      '',
    );
  }
  return lines.join('\n') + '\n';
}

/** Returns a Pulumi program with one open server, in the form of examples/programs/pulumi. */
function pulumiProgram(index) {
  return [
    "import * as huaweicloud from '@huaweicloudos/pulumi';",
    '',
    `export const server${index} = new huaweicloud.ecs.Instance('server${index}', {`,
    `  name: 'server${index}',`,
    "  imageId: 'image-id',",
    "  flavorId: 's6.large.2',",
    "  networks: [{ uuid: 'subnet-id' }],",
    "  userData: '#!/bin/bash\\napt-get update\\n',",
    '});',
    '',
  ].join('\n');
}

/**
 * Writes a TypeScript workspace: `plain` application modules that the scanner skips after reading
 * them, and `programs` Pulumi programs that it parses. Returns its folder.
 */
function generateTypeScriptTree(plain, programs) {
  const tree = fs.mkdtempSync(path.join(os.tmpdir(), 'metadata-guard-bench-ts-'));
  for (let index = 0; index < plain; index++) {
    const dir = path.join(tree, 'app', `area_${String(index % 50).padStart(2, '0')}`);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, `module_${index}.ts`), applicationModule(index));
  }
  for (let index = 0; index < programs; index++) {
    const dir = path.join(tree, 'infra', `stack_${String(index).padStart(3, '0')}`);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'index.ts'), pulumiProgram(index));
  }
  return tree;
}

/** Times the scan of TypeScript workspaces: without any Huawei Cloud program, and with some. */
function measureTypeScript(runs) {
  const cases = [
    { label: '2,000 TypeScript modules that import no Huawei Cloud package', plain: 2000, programs: 0 },
    { label: 'the same plus 200 Pulumi programs for Huawei Cloud', plain: 2000, programs: 200 },
  ];
  return cases.map((entry) => {
    const tree = generateTypeScriptTree(entry.plain, entry.programs);
    try {
      timeScan(tree);
      return { label: entry.label, scans: Array.from({ length: runs }, () => timeScan(tree)) };
    } finally {
      fs.rmSync(tree, { recursive: true, force: true });
    }
  });
}

/** Writes the benchmark tree and returns its folder and size. */
function generateTree() {
  const tree = fs.mkdtempSync(path.join(os.tmpdir(), 'metadata-guard-bench-'));
  const random = seededRandom(20240607);
  let lineCount = 0;
  for (let module = 0; module < moduleCount; module++) {
    const dir = path.join(tree, `service_${String(module).padStart(3, '0')}`);
    fs.mkdirSync(path.join(dir, 'scripts'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'scripts', 'bootstrap.sh'), hardenedScript.join('\n') + '\n');
    for (let file = 0; file < filesPerModule; file++) {
      const text = terraformFile(`m${module}_f${file}`, random);
      lineCount += text.split('\n').length - 1;
      fs.writeFileSync(path.join(dir, `part_${file}.tf`), text);
    }
  }
  return { tree, files: moduleCount * filesPerModule, lines: lineCount };
}

/**
 * Runs the bundled CLI once in a child process and returns its wall time, CPU time (user plus
 * system, worker threads included) and peak RSS.
 */
function timeScan(tree) {
  // The child calls runCli directly so that it can print its own usage when done, then exits at
  // once as the CLI's main() does.
  const script =
    "const cli = require(process.argv[1]);" +
    "cli.runCli(process.argv.slice(2), { stdout() {}, stderr() {} }).then((code) => {" +
    "  const usage = process.resourceUsage();" +
    "  const cpuMs = (usage.userCPUTime + usage.systemCPUTime) / 1000;" +
    "  process.stderr.write(JSON.stringify({ code, maxRss: usage.maxRSS, cpuMs }), () => process.exit(0));" +
    "});";
  const start = process.hrtime.bigint();
  const child = spawnSync(process.execPath, ['-e', script, cliBundle, 'scan', tree, '--fail-on', 'none'], {
    encoding: 'utf8',
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const result = JSON.parse(child.stderr.trim().split('\n').pop() || '{}');
  if (child.status !== 0 || result.code !== 0) {
    throw new Error(`scan failed (exit ${child.status}, CLI code ${result.code}): ${child.stderr}`);
  }
  return { ms, cpuMs: result.cpuMs, maxRssKiB: result.maxRss };
}

/** Runs `terraform fmt -check -recursive` once and returns its wall time. */
function timeTerraformFmt(tree, configFile) {
  const start = process.hrtime.bigint();
  const before = childrenCpuMs();
  const child = spawnSync(terraformBin, ['fmt', '-check', '-recursive', tree], {
    encoding: 'utf8',
    env: { ...process.env, TF_CLI_CONFIG_FILE: configFile, CHECKPOINT_DISABLE: '1' },
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const cpuMs = childrenCpuMs() - before;
  // Exit code 3 means some file is not formatted; the tree was still read and parsed.
  if (child.status !== 0 && child.status !== 3) {
    throw new Error(`terraform fmt failed (exit ${child.status}): ${child.stderr}`);
  }
  return { ms, cpuMs, unformatted: child.status === 3 };
}

/** Returns the CPU time (user plus system, in ms) of this process's finished children (Linux). */
function childrenCpuMs() {
  const fields = fs.readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  // cutime and cstime, in clock ticks of 1/100 s (USER_HZ on Linux).
  return ((Number(fields[13]) + Number(fields[14])) * 1000) / 100;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function parseOptions(argv) {
  const options = { runs: 5, keep: false };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--keep') options.keep = true;
    else if (argv[i] === '--runs') options.runs = Number(argv[++i]);
    else throw new Error(`unknown option '${argv[i]}'; expected --runs N or --keep`);
  }
  if (!Number.isInteger(options.runs) || options.runs < 1) {
    throw new Error('--runs needs a whole number of at least 1');
  }
  return options;
}

function measure(tree, runs) {
  timeScan(tree); // warm-up: fills the file cache for both commands
  const load = { before: os.loadavg()[0], after: NaN };
  const scans = Array.from({ length: runs }, () => timeScan(tree));
  load.after = os.loadavg()[0];
  if (!fs.existsSync(terraformBin)) return { scans, fmt: undefined, load };
  const configFile = path.join(tree, '..', `terraformrc-${process.pid}`);
  fs.writeFileSync(configFile, '');
  try {
    timeTerraformFmt(tree, configFile);
    const fmt = Array.from({ length: runs }, () => timeTerraformFmt(tree, configFile));
    load.after = os.loadavg()[0];
    return { scans, fmt, load };
  } finally {
    fs.rmSync(configFile, { force: true });
  }
}

function terraformVersion() {
  const child = spawnSync(terraformBin, ['version'], {
    encoding: 'utf8',
    env: { ...process.env, CHECKPOINT_DISABLE: '1' },
  });
  return child.stdout.split('\n')[0].trim();
}

function formatMs(ms) {
  return `${Math.round(ms)} ms`;
}

function renderReport(size, runs, { scans, fmt, load }, server, typeScript) {
  const scanMedian = median(scans.map((run) => run.ms));
  const peakRss = Math.max(...scans.map((run) => run.maxRssKiB));
  const cpus = os.cpus();
  const lines = [
    '# Benchmarks',
    '',
    'Written by `npm run bench` (`scripts/bench.mjs` and `scripts/bench-server.mjs`); rerun it to ' +
      'refresh this page.',
    '',
    `- Date: ${new Date().toISOString().slice(0, 10)}`,
    `- Machine: ${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${cpus.length} logical cores, ` +
      `${Math.round(os.totalmem() / 2 ** 30)} GiB memory, ${os.type()} ${os.release()}`,
    `- Node ${process.version}`,
    `- Load average (1 min) before and after the timed runs: ${load.before.toFixed(2)} and ` +
      `${load.after.toFixed(2)}; the machine may be shared, so compare CPU times as well as wall times`,
    `- Tree: ${size.files} generated \`.tf\` files in ${moduleCount} module folders, ` +
      `${size.lines.toLocaleString('en-US')} lines (servers with and without the firewall rule, ` +
      'agencies, heredoc and `file()` boot scripts, security group rules, variables)',
    `- Runs: ${runs} timed runs of each command after one warm-up run; wall time of the whole ` +
      'process, start-up included; CPU time is user plus system of every thread',
    '',
    '| command | median wall | fastest | slowest | median CPU | peak RSS |',
    '|---|---|---|---|---|---|',
    row('`metadata-guard scan` (text report)', scans, `${Math.round(peakRss / 1024)} MiB`),
  ];
  if (fmt) {
    lines.push(row('`terraform fmt -check -recursive`', fmt, 'not measured'));
    const fmtMedian = median(fmt.map((run) => run.ms));
    const verdict = (met) => (met ? 'met' : 'not met');
    lines.push(
      '',
      `Terraform: ${terraformVersion()}. Targets, on median wall time: no slower than ` +
        `\`terraform fmt\`: ${verdict(scanMedian <= fmtMedian)}; at most half of it: ` +
        `${verdict(scanMedian <= fmtMedian / 2)} (${formatMs(scanMedian)} against ${formatMs(fmtMedian)}).`,
    );
  } else {
    lines.push('', `\`terraform\` was not found at ${terraformBin}, so there is no comparison.`);
  }
  lines.push(
    '',
    '## TypeScript workspaces',
    '',
    'Files that import no Huawei Cloud package are read and skipped; the TypeScript parser loads',
    'only for the others.',
    '',
    '| workspace | median wall | fastest | slowest | median CPU | peak RSS |',
    '|---|---|---|---|---|---|',
    ...typeScript.map((entry) =>
      row(entry.label, entry.scans, `${Math.round(Math.max(...entry.scans.map((run) => run.maxRssKiB)) / 1024)} MiB`),
    ),
  );
  lines.push('', ...renderServer(server));
  return lines.join('\n') + '\n';
}

/** Renders the language-server section from the output of scripts/bench-server.mjs. */
function renderServer(server) {
  const lines = ['## Language server', ''];
  if (server.error) return [...lines, `Not measured: ${server.error}`];
  const { workspace, edits } = server;
  lines.push(
    '| measurement | result | target |',
    '|---|---|---|',
    `| ${workspace.files.toLocaleString('en-US')}-file mixed workspace: peak RSS of the server ` +
      `process | ${workspace.peakRssMiB} MiB | under 400 MiB |`,
    `| same: time from \`initialized\` to the last diagnostics notification (CPU ` +
      `${formatMs(workspace.serverCpuMs)}, ${workspace.publishedFiles} files published) | ` +
      `${formatMs(workspace.lastDiagnosticsMs)} | recorded |`,
    `| one-character edit in a ${edits.lines}-line \`.tf\`: median change-to-diagnostics time ` +
      `| ${formatMs(edits.medianEditMs)} | under 30 ms |`,
    `| ${edits.burstEdits} edits 10 ms apart: notifications for the file after the last edit ` +
      `(version ${edits.finalVersionPublished}) | ${edits.notificationsAfterBurst} | exactly 1 |`,
  );
  return lines;
}

function row(label, runs, rss) {
  const times = runs.map((run) => run.ms);
  const sorted = [...times].sort((a, b) => a - b);
  const cpu = median(runs.map((run) => run.cpuMs));
  const cells = [formatMs(median(times)), formatMs(sorted[0]), formatMs(sorted[sorted.length - 1]), formatMs(cpu)];
  return `| ${label} | ${cells.join(' | ')} | ${rss} |`;
}

/** Runs scripts/bench-server.mjs and returns its results, or the reason it failed. */
function measureServer() {
  const script = path.join(root, 'scripts', 'bench-server.mjs');
  const child = spawnSync(process.execPath, [script, '--json'], { encoding: 'utf8', timeout: 600_000 });
  if (child.status !== 0) {
    const reason = (child.stderr || child.error?.message || '').trim().split('\n')[0];
    return { error: `scripts/bench-server.mjs failed (exit ${child.status}): ${reason}` };
  }
  return JSON.parse(child.stdout.trim().split('\n').pop());
}

function main() {
  const options = parseOptions(process.argv.slice(2));
  if (!fs.existsSync(cliBundle)) throw new Error(`${cliBundle} not found; run npm run build first`);
  const size = generateTree();
  console.log(`Generated ${size.files} files, ${size.lines} lines in ${size.tree}`);
  try {
    const results = measure(size.tree, options.runs);
    if (!results.fmt) console.log(`terraform not found at ${terraformBin}; timing the scan only`);
    const typeScript = measureTypeScript(options.runs);
    const server = measureServer();
    const report = renderReport(size, options.runs, results, server, typeScript);
    fs.mkdirSync(path.dirname(reportFile), { recursive: true });
    fs.writeFileSync(reportFile, report);
    console.log(report);
  } finally {
    if (!options.keep) fs.rmSync(size.tree, { recursive: true, force: true });
  }
}

main();
