import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { Finding } from '../../../server/src/engine';
import { applyFileEdits, copyFixture, memoryOverlay, sharedEngine } from '../../helpers';
import { MemorySource } from '../terraform/helpers';

const ruleId = 'ecs-metadata-unrestricted';

const linuxRule = [
  '# Only root may reach the instance metadata service (added by metadata-guard).',
  'iptables -A OUTPUT -p tcp -d 169.254.169.254 -m owner ! --uid-owner root -j REJECT',
  'mkdir -p /etc/iptables',
  'iptables-save > /etc/iptables/rules.v4',
];

const windowsRule = [
  '# Only Administrator and SYSTEM may reach the instance metadata service (added by metadata-guard).',
  "$adminSid = (Get-LocalUser | Where-Object { $_.SID.Value -like 'S-1-5-21-*-500' }).SID.Value",
  '$sddl = "D:(D;;CC;;;S-1-5-18)(D;;CC;;;$adminSid)(A;;CC;;;WD)"',
  "New-NetFirewallRule -DisplayName 'Restrict instance metadata' -Direction Outbound -Action Block " +
    '-Protocol TCP -RemoteAddress 169.254.169.254 -LocalUser $sddl',
];

function indented(lines: string[], indent: string): string {
  return lines.map((line) => `${indent}${line}\n`).join('');
}

function escapedForQuotes(lines: string[]): string {
  return lines.map((line) => `\\n${line.replace(/"/g, '\\"')}`).join('');
}

/**
 * Returns the Terraform template that a tf.json fix writes for base64 user data. The HCL string
 * inside it uses \n escapes, and JSON escapes those again.
 */
function base64RuleTemplate(): string {
  const hclString = ['#!/bin/bash', ...linuxRule].map((line) => `${line}\\n`).join('');
  return '${base64encode("' + hclString + '")}';
}

interface FixOutcome {
  files: Map<string, string>;
  folder: string;
  after: Finding[];
  parseNotices: string[];
}

/** Applies the preferred fix of the only finding in a fixture copy and analyses the result. */
async function applyPreferredFix(caseName: string, preferred = true): Promise<FixOutcome> {
  const engine = await sharedEngine();
  const folder = copyFixture(path.join('rules', ruleId, caseName));
  const files = new Map<string, string>();
  const before = engine.analyzeModule(folder, memoryOverlay(files)).findings.filter((f) => f.ruleId === ruleId);
  assert.strictEqual(before.length, 1, 'one finding before the fix');
  const fix = before[0].fixes.find((candidate) => candidate.isPreferred === preferred && /firewall rule/.test(candidate.title));
  assert.ok(fix, preferred ? 'a preferred fix' : 'the firewall fix');
  assert.ok(/next apply/.test(fix.title), fix.title);
  applyFileEdits(files, fix.edits);
  const result = engine.analyzeModule(folder, memoryOverlay(files));
  return {
    files,
    folder,
    after: result.findings.filter((f) => f.ruleId === ruleId),
    parseNotices: result.notices.filter((notice) => notice.range).map((notice) => notice.message),
  };
}

function assertClean(outcome: FixOutcome): void {
  assert.deepStrictEqual(outcome.parseNotices, [], 'the fixed files parse');
  assert.deepStrictEqual(outcome.after.map((f) => f.message), [], 'the finding is gone');
}

describe('insert firewall rule fix', () => {
  it('adds a user_data heredoc', async () => {
    const outcome = await applyPreferredFix('no-boot-script');
    const expected =
      'resource "huaweicloud_compute_instance" "web" {\n' +
      '  name               = "web-01"\n' +
      '  image_id           = "a1b2c3d4-0000-4000-8000-000000000001"\n' +
      '  flavor_id          = "s6.small.1"\n' +
      '  security_group_ids = ["sg-1"]\n' +
      '  user_data          = <<-EOT\n' +
      indented(['#!/bin/bash', ...linuxRule], '    ') +
      '  EOT\n' +
      '\n' +
      '  network {\n' +
      '    uuid = "subnet-1"\n' +
      '  }\n' +
      '}\n';
    assert.strictEqual(outcome.files.get(path.join(outcome.folder, 'main.tf')), expected);
    assertClean(outcome);
  });

  it('adds user_data inside a one-line block', async () => {
    const outcome = await applyPreferredFix('one-line-block');
    const expected =
      'resource "huaweicloud_compute_instance" "inline_block" {\n' +
      '  name      = "ib"\n' +
      '  user_data = <<-EOT\n' +
      indented(['#!/bin/bash', ...linuxRule], '    ') +
      '  EOT\n' +
      '}\n';
    assert.strictEqual(outcome.files.get(path.join(outcome.folder, 'main.tf')), expected);
    assertClean(outcome);
  });

  it('realigns the attributes above', async () => {
    const outcome = await applyPreferredFix('short-names');
    const expected =
      'resource "huaweicloud_compute_instance" "c2" {\n' +
      '  name      = "c2"\n' +
      '  tags      = { team = "ops" }\n' +
      '  user_data = <<-EOT\n' +
      indented(['#!/bin/bash', ...linuxRule], '    ') +
      '  EOT\n' +
      '}\n';
    assert.strictEqual(outcome.files.get(path.join(outcome.folder, 'main.tf')), expected);
    assertClean(outcome);
  });

  it('adds a bootcmd entry to cloud-config', async () => {
    const outcome = await applyPreferredFix('cloud-config-no-rule');
    const expected =
      '  user_data = <<-EOT\n' +
      '    #cloud-config\n' +
      '    # Only root may reach the instance metadata service (added by metadata-guard).\n' +
      '    bootcmd:\n' +
      `      - ${linuxRule[1]}\n` +
      '    packages:\n';
    const text = outcome.files.get(path.join(outcome.folder, 'main.tf'))!;
    assert.ok(text.includes(expected), text);
    assertClean(outcome);
    const all = (await sharedEngine()).analyzeModule(outcome.folder, memoryOverlay(outcome.files)).findings;
    assert.deepStrictEqual(all.map((finding) => finding.ruleId), [], 'no script rule finding either');
  });

  it('fixes a heredoc that uses a local', async () => {
    const outcome = await applyPreferredFix('local-in-heredoc-open');
    const expected =
      '  boot = <<-EOT\n' +
      indented(['#!/bin/bash', ...linuxRule, '${local.rule}', 'iptables-save > /etc/iptables/rules.v4'], '    ') +
      '  EOT\n';
    const text = outcome.files.get(path.join(outcome.folder, 'main.tf'))!;
    assert.ok(text.includes(expected), text);
    assertClean(outcome);
  });

  it('no shell lines in a Python script', async () => {
    const engine = await sharedEngine();
    const file = path.join('/tmp', 'metadata-guard-python', 'main.tf');
    const text = [
      'resource "huaweicloud_compute_instance" "py" {',
      '  name      = "py"',
      '  user_data = <<-EOT',
      '    #!/usr/bin/python3',
      '    print("booted")',
      '  EOT',
      '}',
      '',
    ].join('\n');
    const result = engine.analyzeModule(path.dirname(file), new MemorySource({ [file]: text }));
    const finding = result.findings.find((candidate) => candidate.ruleId === ruleId);
    assert.ok(finding, 'the server is reported');
    const edits = finding.fixes.flatMap((fix) => fix.edits.flatMap((edit) => edit.edits));
    assert.ok(edits.every((edit) => !edit.newText.includes('iptables')), JSON.stringify(edits));
  });

  it('joins an existing bootcmd list', async () => {
    const outcome = await applyPreferredFix('cloud-config-with-bootcmd');
    const expected =
      '  user_data = <<-EOT\n' +
      '    #cloud-config\n' +
      '    bootcmd:\n' +
      '      - echo "boot started" > /dev/console\n' +
      '      - |\n' +
      '        mkdir -p /var/lib/app\n' +
      '        chmod 700 /var/lib/app\n' +
      '      # Only root may reach the instance metadata service (added by metadata-guard).\n' +
      `      - ${linuxRule[1]}\n` +
      '    packages:\n' +
      '      - nginx\n' +
      '  EOT\n';
    const text = outcome.files.get(path.join(outcome.folder, 'main.tf'))!;
    assert.ok(text.includes(expected), text);
    assertClean(outcome);
    const all = (await sharedEngine()).analyzeModule(outcome.folder, memoryOverlay(outcome.files)).findings;
    assert.deepStrictEqual(all.map((finding) => finding.ruleId), [], 'no script rule finding either');
  });

  it('joins a flow bootcmd list', async () => {
    const outcome = await applyPreferredFix('cloud-config-flow-bootcmd');
    const expected = `    bootcmd: [echo started, "mkdir -p /var/lib/app", '${linuxRule[1]}']\n`;
    const text = outcome.files.get(path.join(outcome.folder, 'main.tf'))!;
    assert.ok(text.includes(expected), text);
    assertClean(outcome);
    const all = (await sharedEngine()).analyzeModule(outcome.folder, memoryOverlay(outcome.files)).findings;
    assert.deepStrictEqual(all.map((finding) => finding.ruleId), [], 'no script rule finding either');
  });

  it('keeps a YAML document start first', async () => {
    const outcome = await applyPreferredFix('cloud-config-document-start');
    const text = outcome.files.get(path.join(outcome.folder, 'main.tf'))!;
    assert.ok(text.includes('    #cloud-config\n    ---\n    # Only root may reach'), text);
    assertClean(outcome);
  });

  it('inserts after the heredoc shebang', async () => {
    // The rule on chain FORWARD makes the rewrite of metadata-firewall-ineffective the preferred
    // fix, so this fix is offered without being preferred.
    const outcome = await applyPreferredFix('chain-forward', false);
    const expected =
      'resource "huaweicloud_compute_instance" "web" {\n' +
      '  name      = "web-01"\n' +
      '  image_id  = "a1b2c3d4-0000-4000-8000-000000000001"\n' +
      '  flavor_id = "s6.small.1"\n' +
      '  user_data = <<-EOT\n' +
      '    #!/bin/bash\n' +
      indented(linuxRule, '    ') +
      '    iptables -I FORWARD -p tcp -d 169.254.169.254 -j DROP\n' +
      '  EOT\n' +
      '}\n';
    assert.strictEqual(outcome.files.get(path.join(outcome.folder, 'main.tf')), expected);
    assertClean(outcome);
  });

  it('edits the script that file() reads', async () => {
    const outcome = await applyPreferredFix('file-without-rule');
    const script = path.join(outcome.folder, 'scripts', 'init.sh');
    const expected = '#!/bin/bash\n' + indented(linuxRule, '') + 'set -euo pipefail\napt-get update\n';
    assert.strictEqual(outcome.files.get(script), expected);
    assert.strictEqual(outcome.files.has(path.join(outcome.folder, 'main.tf')), false, 'main.tf unchanged');
    assertClean(outcome);
  });

  it('inserts escaped lines into a quoted string', async () => {
    const outcome = await applyPreferredFix('quoted-string');
    const text = outcome.files.get(path.join(outcome.folder, 'main.tf'))!;
    const expected = `  user_data = "#!/bin/bash${escapedForQuotes(linuxRule)}\\necho \\"db\\" > /etc/role\\n"\n`;
    assert.ok(text.includes(expected), text);
    assertClean(outcome);
  });

  it('keeps CRLF escapes in a quoted script', async () => {
    const outcome = await applyPreferredFix('quoted-crlf-script');
    const text = outcome.files.get(path.join(outcome.folder, 'main.tf'))!;
    const inserted = linuxRule.map((line) => `\\r\\n${line}`).join('');
    assert.ok(text.includes(`user_data = "#!/bin/bash${inserted}\\r\\necho ready\\r\\n"`), text);
    assertClean(outcome);
  });

  it('inserts into a tf.json string', async () => {
    const outcome = await applyPreferredFix('tf-json');
    const text = outcome.files.get(path.join(outcome.folder, 'main.tf.json'))!;
    const expected = `"user_data": "#!/bin/bash${escapedForQuotes(linuxRule)}\\necho ready\\n"`;
    assert.ok(text.includes(expected), text);
    assert.doesNotThrow(() => JSON.parse(text));
    assertClean(outcome);
  });

  it('adds base64 user data in tf.json', async () => {
    const outcome = await applyPreferredFix('tf-json-scaling');
    const text = outcome.files.get(path.join(outcome.folder, 'main.tf.json'))!;
    const template = base64RuleTemplate();
    const expected =
      '          "flavor": "s6.small.1",\n' +
      `          "user_data": ${JSON.stringify(template)},\n` +
      '          "disk": [\n';
    assert.ok(text.includes(expected), text);
    assert.doesNotThrow(() => JSON.parse(text));
    assertClean(outcome);
  });

  it('creates a missing nested object in tf.json', async () => {
    const outcome = await applyPreferredFix('tf-json-node-pool');
    const text = outcome.files.get(path.join(outcome.folder, 'main.tf.json'))!;
    const script = ['#!/bin/bash', ...linuxRule].map((line) => `${line.replace(/"/g, '\\"')}\\n`).join('');
    const expected =
      '        "initial_node_count": 2,\n' +
      `        "extend_params": {"postinstall": "${script}"}\n` +
      '      }\n';
    assert.ok(text.includes(expected), text);
    assert.doesNotThrow(() => JSON.parse(text));
    assertClean(outcome);
  });

  it('adds the first member before nested blocks', async () => {
    const outcome = await applyPreferredFix('tf-json-blocks-only');
    const text = outcome.files.get(path.join(outcome.folder, 'main.tf.json'))!;
    const template = base64RuleTemplate();
    const expected =
      '        "instance_config": {\n' +
      `          "user_data": ${JSON.stringify(template)},\n` +
      '          "disk": [\n';
    assert.ok(text.includes(expected), text);
    assert.doesNotThrow(() => JSON.parse(text));
    assertClean(outcome);
  });

  it('keeps a one-line tf.json on one line', async () => {
    const outcome = await applyPreferredFix('tf-json-one-line');
    const text = outcome.files.get(path.join(outcome.folder, 'main.tf.json'))!;
    assert.strictEqual(text.split('\n').length, 2, text);
    assert.ok(text.includes('"flavor_id": "s6.small.1", "user_data": "#!/bin/bash\\n'), text);
    assert.doesNotThrow(() => JSON.parse(text));
    assertClean(outcome);
  });

  it('keeps CRLF line endings', async () => {
    const outcome = await applyPreferredFix('crlf-non-ascii');
    const text = outcome.files.get(path.join(outcome.folder, 'main.tf'))!;
    assert.ok(text.includes(`user_data = "#!/bin/bash${escapedForQuotes(linuxRule)}\\necho 日本語\\n"\r\n`), text);
    assert.strictEqual(text.replace(/\r\n/g, '').includes('\n'), false, 'no bare LF');
    assertClean(outcome);
  });

  it('writes PowerShell for Windows images', async () => {
    const outcome = await applyPreferredFix('windows-no-rule');
    const text = outcome.files.get(path.join(outcome.folder, 'main.tf'))!;
    const expected =
      '  flavor_id = "s6.large.2"\n' +
      '  user_data = <<-EOT\n' +
      indented(['#ps1', ...windowsRule], '    ') +
      '  EOT\n' +
      '}\n';
    assert.ok(text.endsWith(expected), text);
    assertClean(outcome);
  });

  it('wraps scaling configuration user data in base64encode', async () => {
    const outcome = await applyPreferredFix('scaling-group-agency');
    const text = outcome.files.get(path.join(outcome.folder, 'main.tf'))!;
    const expected =
      '    key_name = "ops"\n' +
      '    user_data = base64encode(<<-EOT\n' +
      indented(['#!/bin/bash', ...linuxRule], '      ') +
      '    EOT\n' +
      '    )\n' +
      '\n' +
      '    disk {\n';
    assert.ok(text.includes(expected), text);
    assertClean(outcome);
  });

  it('re-encodes a base64 literal', async () => {
    const outcome = await applyPreferredFix('base64-literal');
    const text = outcome.files.get(path.join(outcome.folder, 'main.tf'))!;
    const script = `#!/bin/bash\n${linuxRule.join('\n')}\necho hello\n`;
    assert.ok(text.includes(`user_data = "${Buffer.from(script).toString('base64')}"`), text);
    assertClean(outcome);
  });

  it('fixes the open branch of a conditional', async () => {
    const outcome = await applyPreferredFix('conditional-one-branch-open');
    const text = outcome.files.get(path.join(outcome.folder, 'main.tf'))!;
    assert.ok(text.includes(`: "#!/bin/bash${escapedForQuotes(linuxRule)}\\necho plain\\n"`), text);
    assertClean(outcome);
  });

  it('inserts into a CCE postinstall heredoc', async () => {
    const outcome = await applyPreferredFix('cce-node-pool');
    const text = outcome.files.get(path.join(outcome.folder, 'main.tf'))!;
    assert.ok(text.includes('      #!/bin/bash\n' + indented(linuxRule, '      ') + '      echo joined\n'), text);
    assertClean(outcome);
  });

  it('leaves fixture files on disk untouched', async () => {
    const outcome = await applyPreferredFix('no-boot-script');
    const onDisk = fs.readFileSync(path.join(outcome.folder, 'main.tf'), 'utf8');
    assert.ok(!onDisk.includes('user_data'));
  });
});

describe('ignore comment fix', () => {
  it('inserts a suppression above the resource', async () => {
    const engine = await sharedEngine();
    const folder = copyFixture(path.join('rules', ruleId, 'no-boot-script'));
    const files = new Map<string, string>();
    const [finding] = engine.analyzeModule(folder, memoryOverlay(files)).findings;
    const ignore = finding.fixes.find((fix) => !fix.isPreferred);
    assert.ok(ignore);
    applyFileEdits(files, ignore.edits);
    const text = files.get(path.join(folder, 'main.tf'))!;
    assert.ok(text.startsWith(`# metadata-guard:ignore ${ruleId} -- reason\nresource "huaweicloud_compute_instance" "web" {\n`), text);
    const after = engine.analyzeModule(folder, memoryOverlay(files)).findings;
    assert.deepStrictEqual(after, []);
  });

  it('keeps a byte-order mark first', async () => {
    const engine = await sharedEngine();
    const folder = copyFixture(path.join('rules', ruleId, 'no-boot-script'));
    const file = path.join(folder, 'main.tf');
    const files = new Map([[file, `\ufeff${fs.readFileSync(file, 'utf8')}`]]);
    const [finding] = engine.analyzeModule(folder, memoryOverlay(files)).findings;
    const ignore = finding.fixes.find((fix) => !fix.isPreferred);
    assert.ok(ignore);
    applyFileEdits(files, ignore.edits);
    assert.ok(files.get(file)!.startsWith(`\ufeff# metadata-guard:ignore ${ruleId}`), files.get(file));
    const after = engine.analyzeModule(folder, memoryOverlay(files));
    assert.deepStrictEqual(after.notices, []);
    assert.deepStrictEqual(after.findings, []);
  });

  it('is not offered in tf.json', async () => {
    const engine = await sharedEngine();
    const folder = copyFixture(path.join('rules', ruleId, 'tf-json'));
    const [finding] = engine.analyzeModule(folder, memoryOverlay(new Map())).findings;
    assert.strictEqual(finding.fixes.filter((fix) => !fix.isPreferred).length, 0);
  });

  it('is not offered in a JSON policy file', async () => {
    const engine = await sharedEngine();
    const folder = copyFixture(path.join('rules', 'agency-wildcard-policy', 'file-policy'));
    const findings = engine.analyzeModule(folder, memoryOverlay(new Map())).findings;
    const inJson = findings.filter((finding) => finding.location.file.endsWith('.json'));
    assert.ok(inJson.length > 0, 'a finding in the policy file');
    for (const finding of inJson) assert.strictEqual(finding.fixes.filter((fix) => !fix.isPreferred && /Ignore/.test(fix.title)).length, 0);
  });
});
