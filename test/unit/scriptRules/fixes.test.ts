import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { parseDocument } from 'yaml';
import { type Finding } from '../../../server/src/engine';
import { getParsers } from '../../../server/src/engine/parsing/treeSitter';
import { applyEdits, memoryOverlay, sharedEngine } from '../../helpers';
import { caseFindings, caseFolder } from './ruleCases';

interface FixCase {
  ruleId: string;
  caseName: string;
  file: string;
  syntax: 'bash' | 'powershell' | 'yaml' | 'hcl';
  /** The whole file after the preferred fix. */
  expected: string;
}

/** Applies the preferred fix of the first finding of a case and returns the file's new text. */
async function fixCase(fix: FixCase): Promise<{ file: string; after: string }> {
  const [finding] = await caseFindings(fix.ruleId, fix.caseName);
  assert.ok(finding, `no ${fix.ruleId} finding in ${fix.caseName}`);
  const preferred = finding.fixes.find((candidate) => candidate.isPreferred);
  assert.ok(preferred, 'no preferred fix');
  assert.strictEqual(preferred.edits.length, 1, 'files edited');
  const file = preferred.edits[0].file;
  return { file, after: applyEdits(fs.readFileSync(file, 'utf8'), preferred.edits[0].edits) };
}

/** Returns the syntax errors a parser finds in a text, as node types and offsets. */
async function syntaxErrors(syntax: FixCase['syntax'], text: string): Promise<string[]> {
  if (syntax === 'yaml') return parseDocument(text).errors.map((error) => error.message);
  const parsers = await getParsers();
  const tree = parsers[syntax].parse(text);
  assert.ok(tree, 'no syntax tree');
  const errors: string[] = [];
  const cursor = tree.walk();
  const visit = (): void => {
    const node = cursor.currentNode;
    if (node.isError || node.isMissing) errors.push(`${node.type} at ${node.startIndex}`);
    if (cursor.gotoFirstChild()) {
      do visit(); while (cursor.gotoNextSibling());
      cursor.gotoParent();
    }
  };
  visit();
  tree.delete();
  return errors;
}

async function rescan(fix: FixCase, file: string, after: string): Promise<Finding[]> {
  const engine = await sharedEngine();
  const source = memoryOverlay(new Map([[file, after]]));
  const result = engine.scan([caseFolder(fix.ruleId, fix.caseName)], source);
  return result.findings.filter((finding) => finding.ruleId === fix.ruleId);
}

const rejectRule = 'iptables -A OUTPUT -p tcp -d 169.254.169.254 -m owner ! --uid-owner root -j REJECT';

const fixCases: FixCase[] = [
  {
    ruleId: 'metadata-firewall-ineffective', caseName: 'chain-input', file: 'init.sh', syntax: 'bash',
    expected: `#!/bin/bash\n${rejectRule}\niptables-save > /etc/iptables/rules.v4\n`,
  },
  {
    ruleId: 'metadata-firewall-ineffective', caseName: 'near-miss-owner', file: 'init.sh', syntax: 'bash',
    // Nothing saves the rule, so the rewrite saves it too.
    expected: `#!/bin/bash\n${rejectRule}\nmkdir -p /etc/iptables\niptables-save > /etc/iptables/rules.v4\n`,
  },
  {
    ruleId: 'metadata-firewall-ineffective', caseName: 'splat-inbound-allow', file: 'rule.ps1', syntax: 'powershell',
    // The hashtable stays in place, unused: only the command that splats it is rewritten.
    expected:
      "$rule = @{\n  Direction = 'Inbound'\n  Action = 'Allow'\n  RemoteAddress = '169.254.169.254'\n}\n" +
      "$adminSid = (Get-LocalUser | Where-Object { $_.SID.Value -like 'S-1-5-21-*-500' }).SID.Value\n" +
      '$sddl = "D:(D;;CC;;;S-1-5-18)(D;;CC;;;$adminSid)(A;;CC;;;WD)"\n' +
      "New-NetFirewallRule -DisplayName 'Restrict instance metadata' -Direction Outbound -Action Block " +
      '-Protocol TCP -RemoteAddress 169.254.169.254 -LocalUser $sddl\n',
  },
  {
    ruleId: 'metadata-firewall-not-persistent', caseName: 'script-no-save', file: 'init.sh', syntax: 'bash',
    expected: `#!/bin/bash\n${rejectRule}\nmkdir -p /etc/iptables\niptables-save > /etc/iptables/rules.v4\n`,
  },
  {
    ruleId: 'metadata-firewall-not-persistent', caseName: 'runcmd-string', file: 'user-data.yaml', syntax: 'yaml',
    // The only runcmd item moves by renaming the key, so no empty runcmd stays behind.
    expected: `#cloud-config\nbootcmd:\n  - ${rejectRule}\n`,
  },
  {
    ruleId: 'metadata-firewall-not-persistent', caseName: 'runcmd-last-item', file: 'user-data.yaml', syntax: 'yaml',
    // The last runcmd item joins bootcmd and takes the emptied runcmd key with it.
    expected: `#cloud-config\nbootcmd:\n  - echo booting\n  - ${rejectRule}\npackages:\n  - nginx\n`,
  },
  {
    ruleId: 'metadata-firewall-not-persistent', caseName: 'runcmd-block-with-others', file: 'user-data.yaml', syntax: 'yaml',
    // Only the rule's line moves, so the other commands of the block keep running once.
    expected:
      `#cloud-config\nbootcmd:\n  - ${rejectRule}\nruncmd:\n  - |\n    apt-get update\n` +
      '    systemctl enable --now nginx\n  - echo done\n',
  },
  {
    ruleId: 'metadata-firewall-not-persistent', caseName: 'runcmd-block-with-if', file: 'user-data.yaml', syntax: 'yaml',
    // A block with shell structure moves whole, since taking a line out could change the rest.
    expected:
      '#cloud-config\nbootcmd:\n  - |\n    if ! command -v nginx; then apt-get install -y nginx; fi\n' +
      `    ${rejectRule}\nruncmd:\n  - echo done\n`,
  },
  {
    ruleId: 'metadata-firewall-not-persistent', caseName: 'heredoc', file: 'main.tf', syntax: 'hcl',
    expected:
      'resource "huaweicloud_compute_instance" "web" {\n  name      = "web"\n  user_data = <<-EOT\n    #!/bin/bash\n' +
      `    ${rejectRule}\n    mkdir -p /etc/iptables\n    iptables-save > /etc/iptables/rules.v4\n  EOT\n}\n`,
  },
  {
    ruleId: 'metadata-request-without-token', caseName: 'wget-in-function', file: 'init.sh', syntax: 'bash',
    expected:
      '#!/bin/bash\nfetch() {\n  METADATA_TOKEN=$(curl -s -X PUT http://169.254.169.254/meta-data/latest/api/token ' +
      '-H "X-Metadata-Token-Ttl-Seconds: 21600")\n  wget --header="X-Metadata-Token: $METADATA_TOKEN" -qO- ' +
      'http://169.254.169.254/openstack/latest/meta_data.json\n}\nfetch\n',
  },
  {
    ruleId: 'metadata-request-without-token', caseName: 'existing-token', file: 'init.sh', syntax: 'bash',
    // The script already stores a token in TOKEN, so the fix sends it instead of fetching another.
    expected:
      '#!/bin/bash\nTOKEN=$(curl -s -X PUT "http://169.254.169.254/meta-data/latest/api/token" ' +
      '-H "X-Metadata-Token-Ttl-Seconds: 300")\n' +
      'curl -s -H "X-Metadata-Token: $TOKEN" http://169.254.169.254/openstack/latest/meta_data.json\n' +
      'curl -H "X-Metadata-Token: $TOKEN" -s http://169.254.169.254/openstack/latest/user_data\n',
  },
  {
    ruleId: 'metadata-request-without-token', caseName: 'existing-token-powershell', file: 'init.ps1', syntax: 'powershell',
    expected:
      '#ps1\n$tok = Invoke-RestMethod -Method Put -Uri http://169.254.169.254/meta-data/latest/api/token ' +
      '-Headers @{"X-Metadata-Token-Ttl-Seconds" = "300"}\n' +
      "$data = Invoke-RestMethod -Headers @{'X-Metadata-Token' = $tok} -Uri http://169.254.169.254/openstack/latest/meta_data.json\n",
  },
  {
    ruleId: 'metadata-request-without-token', caseName: 'powershell-irm', file: 'init.ps1', syntax: 'powershell',
    expected:
      '$metadataToken = Invoke-RestMethod -Method Put -Uri http://169.254.169.254/meta-data/latest/api/token ' +
      "-Headers @{'X-Metadata-Token-Ttl-Seconds' = '21600'}\n" +
      "$key = Invoke-RestMethod -Headers @{'X-Metadata-Token' = $metadataToken} " +
      '-Uri http://169.254.169.254/openstack/latest/securitykey\n',
  },
  {
    ruleId: 'metadata-v1-enabled', caseName: 'optional-in-loop', file: 'update.sh', syntax: 'bash',
    expected:
      '#!/bin/bash\nfor id in a b; do\n  hcloud ECS UpdateServerMetadataOptions --server_id=$id --http_tokens=required\ndone\n',
  },
  {
    ruleId: 'metadata-v1-enabled', caseName: 'powershell-optional', file: 'update.ps1', syntax: 'powershell',
    expected: 'foreach ($id in $ids) {\n  hcloud ECS UpdateServerMetadataOptions --server_id=$id --http_tokens=required\n}\n',
  },
];

describe('script rule fixes', () => {
  for (const fix of fixCases) {
    describe(`${fix.ruleId} ${fix.caseName}`, () => {
      it('writes the expected text', async () => {
        const { file, after } = await fixCase(fix);
        assert.strictEqual(path.basename(file), fix.file);
        assert.strictEqual(after, fix.expected);
      });

      it('re-parses without new errors', async () => {
        const { file, after } = await fixCase(fix);
        const before = await syntaxErrors(fix.syntax, fs.readFileSync(file, 'utf8'));
        assert.deepStrictEqual(await syntaxErrors(fix.syntax, after), before);
      });

      it('re-analyses clean', async () => {
        const { file, after } = await fixCase(fix);
        assert.deepStrictEqual((await rescan(fix, file, after)).map((finding) => finding.message), []);
      });
    });
  }
});
