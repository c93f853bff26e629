import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';

const repoRoot = path.resolve(__dirname, '../../..');
const bin = path.join(repoRoot, 'bin', 'metadata-guard.js');
const examples = path.join(repoRoot, 'examples');

interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI with the repository root as the current directory. */
function run(args: string[], cwd = repoRoot): RunResult {
  const result = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Returns the one-based line of the first line of `file` that contains `text`. */
function lineOf(file: string, text: string): number {
  const index = fs.readFileSync(file, 'utf8').split('\n').findIndex((line) => line.includes(text));
  assert.ok(index >= 0, `${text} not found in ${file}`);
  return index + 1;
}

const openServer = `resource "huaweicloud_compute_instance" "web" {
  name      = "web"
  image_id  = "img"
  flavor_id = "s6.large.2"
  network {
    uuid = "subnet"
  }
}
`;

const hardenedServer = `resource "huaweicloud_compute_instance" "web" {
  name      = "web"
  image_id  = "img"
  flavor_id = "s6.large.2"
  user_data = <<-EOT
    #!/bin/bash
    iptables -A OUTPUT -p tcp -d 169.254.169.254 -m owner ! --uid-owner root -j REJECT
    mkdir -p /etc/iptables && iptables-save > /etc/iptables/rules.v4
  EOT
  network {
    uuid = "subnet"
  }
}
`;

describe('cli scan', function () {
  let workspace: string;

  before(() => {
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'metadata-guard-cli-'));
    const write = (relative: string, content: string | Buffer) => {
      fs.mkdirSync(path.dirname(path.join(workspace, relative)), { recursive: true });
      fs.writeFileSync(path.join(workspace, relative), content);
    };
    write('clean/main.tf', hardenedServer);
    write('open/main.tf', openServer);
    write('mixed/main.tf', hardenedServer);
    write('mixed/logo.tf', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x00, 0x0d, 0x0a]));
    write('binary/only.tf', Buffer.from([0x00, 0x01, 0x02, 0x03]));
    write('two/first.tf', openServer);
    write('two/second.tf', openServer.replace(/"web"/g, '"api"'));
    write('large/init.sh', `#!/bin/bash\ncurl http://169.254.169.254/x\n${'# filler line\n'.repeat(200_000)}`);
  });

  after(() => {
    fs.rmSync(workspace, { recursive: true, force: true });
  });

  describe('sarif on examples', () => {
    let sarif: any;

    before(() => {
      const result = run(['scan', 'examples', '--format', 'sarif', '--fail-on', 'none']);
      assert.strictEqual(result.status, 0, result.stderr);
      sarif = JSON.parse(result.stdout);
    });

    it('schema and version', () => {
      assert.strictEqual(sarif.version, '2.1.0');
      assert.match(sarif.$schema, /sarif-2\.1\.0/);
      assert.strictEqual(sarif.runs.length, 1);
    });

    it('driver and rules', () => {
      const driver = sarif.runs[0].tool.driver;
      const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
      assert.strictEqual(driver.version, pkg.version);
      assert.ok(driver.informationUri);
      const rule = driver.rules.find((entry: any) => entry.id === 'ecs-metadata-unrestricted');
      assert.ok(rule, 'rule entry missing');
      assert.ok(rule.shortDescription.text);
      assert.ok(rule.fullDescription.text);
      assert.strictEqual(rule.helpUri, undefined, 'no file: link that only works on this machine');
      assert.match(rule.help.markdown, /## How to fix/);
      assert.strictEqual(rule.defaultConfiguration.level, 'warning');
    });

    it('agency results in iam.tf', () => {
      const results = sarif.runs[0].results.filter(
        (result: any) => result.locations[0].physicalLocation.artifactLocation.uri === 'examples/iam.tf',
      );
      const summary = results.map((result: any) => `${result.ruleId}:${result.level}:${result.locations[0].physicalLocation.region.startLine}`);
      assert.deepStrictEqual(summary.sort(), ['agency-broad-role:error:11', 'agency-wildcard-policy:warning:25']);
    });

    it('program results', () => {
      const summary = sarif.runs[0].results
        .filter((result: any) => result.locations[0].physicalLocation.artifactLocation.uri.startsWith('examples/programs/'))
        .map((result: any) => {
          const location = result.locations[0].physicalLocation;
          return `${location.artifactLocation.uri}:${location.region.startLine}:${result.ruleId}:${result.level}`;
        });
      assert.deepStrictEqual(summary.sort(), [
        'examples/programs/pulumi/index.ts:11:ecs-metadata-unrestricted:error',
        'examples/programs/pulumi/index.ts:7:agency-broad-role:error',
        'examples/programs/yaml/Pulumi.yaml:5:ecs-metadata-unrestricted:warning',
      ]);
    });

    it('srcroot is the current folder', () => {
      const srcroot = sarif.runs[0].originalUriBaseIds.SRCROOT.uri;
      assert.strictEqual(srcroot, pathToFileURL(repoRoot).href + '/');
    });

    it('relative uris with srcroot', () => {
      const results = sarif.runs[0].results;
      assert.ok(results.length > 0);
      for (const result of results) {
        const artifact = result.locations[0].physicalLocation.artifactLocation;
        assert.match(artifact.uri, /^examples\//);
        assert.strictEqual(artifact.uriBaseId, 'SRCROOT');
      }
    });

    it('agency server is error', () => {
      const line = lineOf(path.join(examples, 'servers.tf'), '"huaweicloud_compute_instance" "batch"');
      const result = findResult(sarif, 'examples/servers.tf', line);
      assert.ok(result, `no result at servers.tf:${line}`);
      assert.strictEqual(result.level, 'error');
      assert.strictEqual(result.ruleId, 'ecs-metadata-unrestricted');
      assert.strictEqual(result.ruleIndex, 0);
    });

    it('open servers are warnings', () => {
      const cases: [string, string][] = [
        ['servers.tf', '"huaweicloud_compute_instance" "bastion"'],
        ['servers.tf', '"huaweicloud_compute_instance" "docker_host"'],
        ['scaling.tf', '"huaweicloud_as_configuration" "web"'],
        ['generated.tf.json', '"ledger"'],
      ];
      for (const [file, text] of cases) {
        const line = lineOf(path.join(examples, file), text);
        const result = findResult(sarif, `examples/${file}`, line);
        assert.ok(result, `no result at ${file}:${line}`);
        assert.strictEqual(result.level, 'warning', `${file}:${line}`);
      }
    });

    it('hardened servers are clean', () => {
      for (const name of ['api', 'worker', 'reporting', 'windows_app']) {
        const line = lineOf(path.join(examples, 'servers.tf'), `"huaweicloud_compute_instance" "${name}"`);
        assert.strictEqual(findResult(sarif, 'examples/servers.tf', line), undefined, name);
      }
    });

    it('regions are one-based', () => {
      for (const result of sarif.runs[0].results) {
        const region = result.locations[0].physicalLocation.region;
        assert.ok(region.startLine >= 1);
        assert.ok(region.startColumn >= 1);
        assert.ok(region.endLine >= region.startLine);
      }
    });
  });

  describe('text and json', () => {
    it('text lines and summary', () => {
      const result = run(['scan', 'examples', '--fail-on', 'none']);
      const lines = result.stdout.trimEnd().split('\n');
      const summary = lines.pop() ?? '';
      assert.match(summary, /^\d+ errors?, \d+ warnings?, \d+ infos? in \d+ files?$/);
      assert.ok(lines.length > 0);
      for (const line of lines) {
        assert.match(line, /^examples\/[^:]+:\d+:\d+ (error|warning|info) [a-z][a-z-]+ \S/);
      }
    });

    it('text lines sorted', () => {
      const lines = run(['scan', 'examples', '--fail-on', 'none']).stdout.trimEnd().split('\n');
      lines.pop();
      const keys = lines.map((line) => {
        const [file, row, column] = line.split(' ')[0].split(':');
        return { file, row: Number(row), column: Number(column) };
      });
      const sorted = [...keys].sort((a, b) => {
        if (a.file !== b.file) return a.file < b.file ? -1 : 1;
        return a.row - b.row || a.column - b.column;
      });
      assert.deepStrictEqual(keys, sorted);
    });

    it('json matches text', () => {
      const text = run(['scan', 'examples', '--fail-on', 'none']).stdout.trimEnd().split('\n');
      const json = JSON.parse(run(['scan', 'examples', '--format', 'json', '--fail-on', 'none']).stdout);
      assert.ok(Array.isArray(json.findings));
      assert.ok(Array.isArray(json.notices));
      assert.strictEqual(json.findings.length, text.length - 1);
      const first = json.findings[0];
      assert.ok(text[0].startsWith(`${first.file}:${first.startLine}:${first.startColumn} ${first.severity}`));
    });

    it('output file', () => {
      const output = path.join(workspace, 'report.json');
      const result = run(['scan', 'examples', '--format', 'json', '--fail-on', 'none', '--output', output]);
      assert.strictEqual(result.status, 0, result.stderr);
      assert.strictEqual(result.stdout, '');
      assert.ok(JSON.parse(fs.readFileSync(output, 'utf8')).findings.length > 0);
    });
  });

  describe('exit codes', () => {
    it('invalid --config gives 2', () => {
      const config = path.join(workspace, 'bad-config.yaml');
      fs.writeFileSync(config, 'rules:\n  ecs-metadata-unrestricted: loud\n');
      const result = run(['scan', path.join(workspace, 'open'), '--config', config]);
      assert.strictEqual(result.status, 2, result.stderr);
      assert.match(result.stderr, /invalid config file/);
      assert.doesNotMatch(result.stderr, /defaults apply/);
    });

    it('invalid config in the root is reported', () => {
      const folder = path.join(workspace, 'open-with-config');
      fs.mkdirSync(folder, { recursive: true });
      fs.writeFileSync(path.join(folder, 'main.tf'), openServer);
      fs.writeFileSync(path.join(folder, '.metadata-guard.yaml'), 'rules: [\n');
      const result = run(['scan', folder]);
      assert.strictEqual(result.status, 1, result.stderr);
      assert.match(result.stderr, /\.metadata-guard\.yaml/);
      const json = JSON.parse(run(['scan', folder, '--format', 'json']).stdout);
      assert.ok(json.notices.some((notice: { file: string }) => notice.file.endsWith('.metadata-guard.yaml')), 'config notice in JSON');
      const sarif = JSON.parse(run(['scan', folder, '--format', 'sarif']).stdout);
      const notifications = sarif.runs[0].invocations[0].toolExecutionNotifications;
      assert.ok(notifications.some((entry: { message: { text: string } }) => /metadata-guard\.yaml/.test(entry.message.text)), 'config notice in SARIF');
    });

    it('fail-on none gives 0', () => {
      assert.strictEqual(run(['scan', 'examples', '--fail-on', 'none']).status, 0);
    });

    it('findings give 1 by default', () => {
      assert.strictEqual(run(['scan', 'examples']).status, 1);
    });

    it('fail-on error ignores warnings', () => {
      const result = run(['scan', path.join(workspace, 'open'), '--fail-on', 'error']);
      assert.strictEqual(result.status, 0, result.stderr);
      assert.match(result.stdout, /0 errors, 1 warning,/);
    });

    it('clean folder gives 0', () => {
      const result = run(['scan', path.join(workspace, 'clean')]);
      assert.strictEqual(result.status, 0, result.stderr);
      assert.match(result.stdout, /^0 errors, 0 warnings, 0 infos in 1 file$/m);
    });

    it('unknown option gives 2', () => {
      const result = run(['scan', '--colour']);
      assert.strictEqual(result.status, 2);
      assert.match(result.stderr, /unknown option '--colour'/);
      assert.strictEqual(result.stderr.trimEnd().split('\n').length, 1);
    });

    it('bad value gives 2', () => {
      const result = run(['scan', '--format', 'xml']);
      assert.strictEqual(result.status, 2);
      assert.match(result.stderr, /--format/);
    });

    it('missing path gives 2', () => {
      const result = run(['scan', 'no-such-folder']);
      assert.strictEqual(result.status, 2);
      assert.match(result.stderr, /path not found: no-such-folder/);
    });
  });

  describe('unreadable files', () => {
    it('binary file named on stderr', () => {
      const result = run(['scan', path.join(workspace, 'mixed')]);
      assert.strictEqual(result.status, 0, result.stderr);
      assert.match(result.stderr, /logo\.tf/);
      assert.match(result.stdout, /in 1 file$/m);
    });

    it('named file reports its own findings', () => {
      const result = run(['scan', path.join(workspace, 'two', 'first.tf'), '--format', 'json']);
      const report = JSON.parse(result.stdout);
      assert.deepStrictEqual(report.findings.map((finding: { file: string }) => path.basename(finding.file)), ['first.tf']);
      const folder = JSON.parse(run(['scan', path.join(workspace, 'two'), '--format', 'json']).stdout);
      assert.strictEqual(folder.findings.length, 2);
    });

    it('only a too-large file gives 2', () => {
      const result = run(['scan', path.join(workspace, 'large', 'init.sh')]);
      assert.strictEqual(result.status, 2);
      assert.match(result.stderr, /init\.sh was not analysed: it is larger than the limit/);
      assert.match(result.stdout, /in 0 files$/m);
    });

    it('nothing scannable gives 2', () => {
      const result = run(['scan', path.join(workspace, 'binary')]);
      assert.strictEqual(result.status, 2);
      assert.match(result.stderr, /only\.tf/);
      assert.match(result.stderr, /no file could be scanned/);
    });
  });

  describe('help and version', () => {
    it('version prints package version', () => {
      const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
      const result = run(['--version']);
      assert.strictEqual(result.status, 0);
      assert.strictEqual(result.stdout.trim(), pkg.version);
    });

    it('help lists commands', () => {
      const result = run(['--help']);
      assert.strictEqual(result.status, 0);
      assert.match(result.stdout, /metadata-guard scan/);
      assert.match(result.stdout, /metadata-guard lsp --stdio/);
    });

    it('no command gives 2 and usage', () => {
      const result = run([]);
      assert.strictEqual(result.status, 2);
      assert.strictEqual(result.stdout, '');
      assert.match(result.stderr, /missing command/);
      assert.match(result.stderr, /metadata-guard scan/);
    });
  });
});

function findResult(sarif: any, uri: string, line: number): any {
  return sarif.runs[0].results.find(
    (result: any) =>
      result.locations[0].physicalLocation.artifactLocation.uri === uri &&
      result.locations[0].physicalLocation.region.startLine === line,
  );
}
