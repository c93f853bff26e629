import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DiskSourceProvider, type Finding } from '../../../server/src/engine';
import { applyEdits, memoryOverlay, sharedEngine } from '../../helpers';

let workspace: string;

/** Writes a file into the test workspace and returns its path. */
function write(name: string, text: string): string {
  const file = path.join(workspace, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
}

async function scan(target: string, files?: Map<string, string>): Promise<Finding[]> {
  const engine = await sharedEngine();
  const source = files ? memoryOverlay(files) : new DiskSourceProvider();
  return engine.scan([target], source).findings;
}

function only(findings: Finding[], ruleId: string): Finding[] {
  return findings.filter((finding) => finding.ruleId === ruleId);
}

/** Applies a finding's preferred fix to its file and returns the new text. */
function fixed(finding: Finding, text: string): string {
  const fix = finding.fixes.find((candidate) => candidate.isPreferred);
  assert.ok(fix, `no preferred fix on ${finding.ruleId}`);
  return applyEdits(text, fix.edits[0].edits);
}

const cleanRule = 'iptables -I OUTPUT 1 -p tcp -d 169.254.169.254/32 -m owner ! --uid-owner 0 -j DROP';

describe('script rules', () => {
  before(() => {
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'metadata-guard-scripts-'));
  });

  after(() => {
    fs.rmSync(workspace, { recursive: true, force: true });
  });

  it('rule in function in if, saved: clean', async () => {
    const file = write('nested/init.sh', `#!/bin/bash\nsetup() {\n  if true; then\n    ${cleanRule}\n  fi\n}\nsetup\nnetfilter-persistent save\n`);
    assert.deepStrictEqual(await scan(file), []);
  });

  it('continued rule spans its five lines', async () => {
    const file = write('continued.sh', '#!/bin/bash\niptables -A OUTPUT \\\n  -p tcp \\\n  -d 169.254.169.254 \\\n  -m owner ! --uid-owner root \\\n  -j REJECT\n');
    const [finding] = only(await scan(file), 'metadata-firewall-not-persistent');
    assert.strictEqual(finding.location.range.start.line, 1);
    assert.strictEqual(finding.location.range.end.line, 5);
  });

  it('not persistent fix saves rules', async () => {
    const text = '#!/bin/bash\nif true; then\n  iptables -A OUTPUT -p tcp -d 169.254.169.254 -m owner ! --uid-owner root -j REJECT\nfi\n';
    const file = write('fix-save.sh', text);
    const [finding] = only(await scan(file), 'metadata-firewall-not-persistent');
    const after = fixed(finding, text);
    assert.strictEqual(
      after,
      '#!/bin/bash\nif true; then\n  iptables -A OUTPUT -p tcp -d 169.254.169.254 -m owner ! --uid-owner root -j REJECT\n' +
        '  mkdir -p /etc/iptables\n  iptables-save > /etc/iptables/rules.v4\nfi\n',
    );
    assert.deepStrictEqual(await scan(file, new Map([[file, after]])), []);
  });

  it('accept root then reject all: clean', async () => {
    const file = write('pair.sh', '#!/bin/bash\niptables -A OUTPUT -p tcp -d 169.254.169.254 -m owner --uid-owner 0 -j ACCEPT\niptables -A OUTPUT -p tcp -d 169.254.169.254 -j REJECT\niptables-save > /etc/iptables/rules.v4\n');
    assert.deepStrictEqual(await scan(file), []);
  });

  it('splat inbound allow: ineffective', async () => {
    const text = "$rule = @{\n  Direction = 'Inbound'\n  Action = 'Allow'\n  RemoteAddress = '169.254.169.254'\n}\nNew-NetFirewallRule @rule\n";
    const file = write('splat.ps1', text);
    const findings = only(await scan(file), 'metadata-firewall-ineffective');
    assert.strictEqual(findings.length, 1);
    assert.strictEqual(findings[0].location.range.start.line, 5);
    const after = fixed(findings[0], text);
    assert.ok(after.includes('-Direction Outbound -Action Block -Protocol TCP'), after);
    assert.deepStrictEqual(only(await scan(file, new Map([[file, after]])), 'metadata-firewall-ineffective'), []);
  });

  it('chain INPUT is ineffective', async () => {
    const text = '#!/bin/bash\niptables -A INPUT -p tcp -d 169.254.169.254 -j DROP\n';
    const file = write('input.sh', text);
    const [finding] = only(await scan(file), 'metadata-firewall-ineffective');
    assert.strictEqual(finding.severity, 'warning');
    assert.ok(finding.message.includes('chain INPUT'), finding.message);
    const after = fixed(finding, text);
    const rewritten =
      '#!/bin/bash\niptables -A OUTPUT -p tcp -d 169.254.169.254 -m owner ! --uid-owner root -j REJECT\n' +
      'mkdir -p /etc/iptables\niptables-save > /etc/iptables/rules.v4\n';
    assert.strictEqual(after, rewritten);
  });

  it('container rule keeps its place', async () => {
    const text = '#!/bin/bash\niptables -I FORWARD -p tcp -d 169.254.169.254 -j REJECT\n';
    const file = write('forward.sh', text);
    const [finding] = only(await scan(file), 'metadata-firewall-ineffective');
    const after = fixed(finding, text);
    const expected =
      '#!/bin/bash\niptables -I FORWARD -p tcp -d 169.254.169.254 -j REJECT\n' +
      'iptables -A OUTPUT -p tcp -d 169.254.169.254 -m owner ! --uid-owner root -j REJECT\n' +
      'mkdir -p /etc/iptables\niptables-save > /etc/iptables/rules.v4\n';
    assert.strictEqual(after, expected);
    assert.deepStrictEqual(await scan(write('forward-fixed.sh', after)), []);
  });

  it('rewrite keeps a later save', async () => {
    const text = '#!/bin/bash\niptables -A INPUT -p tcp -d 169.254.169.254 -j DROP\nnetfilter-persistent save\n';
    const file = write('input-saved.sh', text);
    const [finding] = only(await scan(file), 'metadata-firewall-ineffective');
    const after = fixed(finding, text);
    const rewritten =
      '#!/bin/bash\niptables -A OUTPUT -p tcp -d 169.254.169.254 -m owner ! --uid-owner root -j REJECT\n' +
      'netfilter-persistent save\n';
    assert.strictEqual(after, rewritten);
  });

  it('rule blocking root is info', async () => {
    const file = write('all.sh', '#!/bin/bash\niptables -A OUTPUT -p tcp -d 169.254.169.254 -j REJECT\niptables-save > /etc/iptables/rules.v4\n');
    const [finding] = only(await scan(file), 'metadata-firewall-ineffective');
    assert.strictEqual(finding.severity, 'info');
  });

  it('runcmd list rule: not persistent', async () => {
    const text = '#cloud-config\nruncmd:\n  - [iptables, -A, OUTPUT, -p, tcp, -d, 169.254.169.254, -m, owner, "!", --uid-owner, root, -j, REJECT]\n  - echo done\n';
    const file = write('runcmd.yaml', text);
    const [finding] = only(await scan(file), 'metadata-firewall-not-persistent');
    assert.strictEqual(finding.location.range.start.line, 2);
    assert.strictEqual(finding.location.range.start.character, 5);
    const after = fixed(finding, text);
    assert.strictEqual(
      after,
      '#cloud-config\nbootcmd:\n  - [iptables, -A, OUTPUT, -p, tcp, -d, 169.254.169.254, -m, owner, "!", --uid-owner, root, -j, REJECT]\nruncmd:\n  - echo done\n',
    );
    assert.deepStrictEqual(await scan(file, new Map([[file, after]])), []);
  });

  it('same command under bootcmd: clean', async () => {
    const file = write('bootcmd.yaml', '#cloud-config\nbootcmd:\n  - [iptables, -A, OUTPUT, -p, tcp, -d, 169.254.169.254, -m, owner, "!", --uid-owner, root, -j, REJECT]\n');
    assert.deepStrictEqual(await scan(file), []);
  });

  it('plain curl to securitykey: finding', async () => {
    const text = '#!/bin/bash\nset -e\ncurl -s http://169.254.169.254/openstack/latest/securitykey\n';
    const file = write('plain.sh', text);
    const [finding] = only(await scan(file), 'metadata-request-without-token');
    assert.strictEqual(finding.location.range.start.line, 2);
    const after = fixed(finding, text);
    assert.strictEqual(
      after,
      '#!/bin/bash\nset -e\nMETADATA_TOKEN=$(curl -s -X PUT http://169.254.169.254/meta-data/latest/api/token -H "X-Metadata-Token-Ttl-Seconds: 21600")\n' +
        'curl -H "X-Metadata-Token: $METADATA_TOKEN" -s http://169.254.169.254/openstack/latest/securitykey\n',
    );
    assert.deepStrictEqual(await scan(file, new Map([[file, after]])), []);
  });

  it('token then header: clean', async () => {
    const file = write('token.sh', '#!/bin/bash\nT=$(curl -s -X PUT http://169.254.169.254/meta-data/latest/api/token -H "X-Metadata-Token-Ttl-Seconds: 300")\ncurl -H "X-Metadata-Token: $T" http://169.254.169.254/openstack/latest/securitykey\n');
    assert.deepStrictEqual(await scan(file), []);
  });

  it('optional tokens in loop: finding', async () => {
    const text = '#!/bin/bash\nfor id in a b; do\n  hcloud ECS UpdateServerMetadataOptions --server_id=$id --http_tokens=optional\ndone\n';
    const file = write('loop.sh', text);
    const [finding] = only(await scan(file), 'metadata-v1-enabled');
    assert.strictEqual(finding.location.range.start.line, 2);
    const after = fixed(finding, text);
    assert.strictEqual(after, text.replace('=optional', '=required'));
    assert.deepStrictEqual(await scan(file, new Map([[file, after]])), []);
  });

  it('mentions of the address: clean', async () => {
    const file = write('mentions.sh', '#!/bin/bash\n# curl http://169.254.169.254/\necho "iptables -A INPUT -d 169.254.169.254 -j ACCEPT"\nADDR=169.254.169.254\n');
    assert.deepStrictEqual(await scan(file), []);
  });

  it('heredoc fix keeps indentation', async () => {
    const dir = path.join(workspace, 'tf-heredoc');
    const text =
      'resource "huaweicloud_compute_instance" "web" {\n  name = "web"\n  user_data = <<-EOT\n    #!/bin/bash\n' +
      '    iptables -A OUTPUT -p tcp -d 169.254.169.254 -m owner ! --uid-owner root -j REJECT\n  EOT\n}\n';
    const file = write('tf-heredoc/main.tf', text);
    const [finding] = only(await scan(dir), 'metadata-firewall-not-persistent');
    assert.strictEqual(finding.location.file, file);
    assert.strictEqual(finding.location.range.start.line, 4);
    const after = fixed(finding, text);
    assert.ok(after.includes('REJECT\n    mkdir -p /etc/iptables\n    iptables-save > /etc/iptables/rules.v4\n  EOT'), after);
    assert.deepStrictEqual(await scan(dir, new Map([[file, after]])), []);
  });

  it('templatefile script reported in place', async () => {
    const dir = path.join(workspace, 'tf-template');
    write('tf-template/templates/init.sh.tpl', '#!/bin/bash\ncurl http://169.254.169.254/openstack/latest/securitykey\n');
    write('tf-template/main.tf', 'resource "huaweicloud_compute_instance" "web" {\n  user_data = templatefile("${path.module}/templates/init.sh.tpl", {})\n}\n');
    const engine = await sharedEngine();
    const result = engine.analyzeModule(dir, new DiskSourceProvider());
    const [finding] = only(result.findings, 'metadata-request-without-token');
    assert.strictEqual(path.basename(finding.location.file), 'init.sh.tpl');
    assert.strictEqual(finding.location.range.start.line, 1);
    assert.ok(result.analyzedFiles.includes(finding.location.file));
  });

  it('cloud-config user data restricts server', async () => {
    const dir = path.join(workspace, 'tf-cloud-config');
    write(
      'tf-cloud-config/main.tf',
      'resource "huaweicloud_compute_instance" "web" {\n  user_data = <<-EOT\n    #cloud-config\n    bootcmd:\n' +
        '      - iptables -A OUTPUT -p tcp -d 169.254.169.254 -m owner ! --uid-owner root -j REJECT\n  EOT\n}\n',
    );
    assert.deepStrictEqual(await scan(dir), []);
  });

  it('ansible server without rule: error with agency', async () => {
    const script = Buffer.from('#!/bin/bash\necho hi\n').toString('base64');
    const file = write(
      'ansible/site.yml',
      `---\n- hosts: localhost\n  tasks:\n    - name: web\n      community.general.hwc_ecs_instance:\n        name: web\n        user_data: "${script}"\n        server_metadata:\n          agency_name: ecs-ops\n`,
    );
    const [finding] = only(await scan(file), 'ecs-metadata-unrestricted');
    assert.strictEqual(finding.severity, 'error');
    assert.strictEqual(finding.location.range.start.line, 4);
    assert.ok(finding.message.includes('Agency "ecs-ops"'), finding.message);
  });
});
