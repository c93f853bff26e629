import * as assert from 'assert';
import * as path from 'path';
import { DiskSourceProvider, type Finding } from '../../../server/src/engine';
import { fixturesRoot, sharedEngine } from '../../helpers';

const ruleId = 'ecs-metadata-unrestricted';
const casesRoot = path.join(fixturesRoot, 'rules', ruleId);

interface Expected {
  /** One-based line and column of the finding's start. */
  line: number;
  column: number;
  severity: Finding['severity'];
  /** Text the message must contain. */
  mentions?: string;
}

async function findingsOf(caseName: string): Promise<Finding[]> {
  const engine = await sharedEngine();
  const result = engine.analyzeModule(path.join(casesRoot, caseName), new DiskSourceProvider());
  return result.findings.filter((finding) => finding.ruleId === ruleId);
}

const findingCases: Array<[string, Expected[]]> = [
  ['no-boot-script', [{ line: 1, column: 10, severity: 'warning', mentions: 'no boot script' }]],
  ['chain-forward', [{ line: 1, column: 10, severity: 'warning', mentions: 'chain FORWARD' }]],
  ['file-without-rule', [{ line: 1, column: 10, severity: 'warning' }]],
  ['agency-attached', [{ line: 6, column: 10, severity: 'error', mentions: 'Agency "ecs-ops" is attached' }]],
  ['var-without-value', [{ line: 5, column: 10, severity: 'info', mentions: 'var.boot_script' }]],
  ['var-empty-default', [{ line: 7, column: 10, severity: 'info', mentions: 'defaults to an empty value' }]],
  ['local-in-heredoc-open', [{ line: 10, column: 10, severity: 'warning', mentions: 'no guest firewall rule' }]],
  ['tf-json', [{ line: 4, column: 7, severity: 'warning' }]],
  ['tf-json-agency', [{ line: 11, column: 7, severity: 'error', mentions: 'Agency "ops-admin" is attached' }]],
  ['crlf-non-ascii', [{ line: 6, column: 10, severity: 'warning' }]],
  ['conditional-one-branch-open', [{ line: 6, column: 10, severity: 'warning', mentions: 'while another value has one' }]],
  ['suppressed', [{ line: 15, column: 10, severity: 'warning' }]],
  ['scaling-group-agency', [{ line: 1, column: 10, severity: 'error', mentions: 'Agency "as-ops" is attached' }]],
  ['windows-no-rule', [{ line: 6, column: 10, severity: 'warning' }]],
  ['quoted-string', [{ line: 1, column: 10, severity: 'warning' }]],
  ['cce-node-pool', [{ line: 1, column: 10, severity: 'error', mentions: 'cce-node-agency' }]],
  ['base64-literal', [{ line: 1, column: 10, severity: 'warning' }]],
  ['templatefile-whole-line-hole', [{ line: 5, column: 10, severity: 'info', mentions: '${setup}' }]],
  ['templatefile-inline-hole', [{ line: 1, column: 10, severity: 'warning' }]],
  // A device never ends: it is not read, and the boot script is reported as unknown.
  ['file-device', [{ line: 1, column: 10, severity: 'info', mentions: 'regular file' }]],
];

const cleanCases = ['heredoc-with-rule', 'file-with-rule', 'fgs-function', 'metadata-options-step', 'tfvars-value', 'local-in-heredoc'];

describe('ecs-metadata-unrestricted', () => {
  for (const [caseName, expected] of findingCases) {
    it(`reports ${caseName}`, async () => {
      const findings = await findingsOf(caseName);
      assert.strictEqual(findings.length, expected.length, JSON.stringify(findings.map((f) => f.message)));
      expected.forEach((want, index) => {
        const finding = findings[index];
        assert.strictEqual(finding.location.range.start.line + 1, want.line, 'line');
        assert.strictEqual(finding.location.range.start.character + 1, want.column, 'column');
        assert.strictEqual(finding.severity, want.severity, 'severity');
        if (want.mentions) assert.ok(finding.message.includes(want.mentions), finding.message);
      });
    });
  }

  for (const caseName of cleanCases) {
    it(`accepts ${caseName}`, async () => {
      const findings = await findingsOf(caseName);
      assert.deepStrictEqual(findings.map((finding) => finding.message), []);
    });
  }

  it('covers the labels on the header line', async () => {
    const [finding] = await findingsOf('crlf-non-ascii');
    assert.deepStrictEqual(finding.location.range, { start: { line: 5, character: 9 }, end: { line: 5, character: 45 } });
  });

  it('points related information at the boot script', async () => {
    const [finding] = await findingsOf('file-without-rule');
    const files = finding.related.map((related) => path.basename(related.location.file));
    assert.ok(files.includes('main.tf'), files.join());
    assert.ok(files.includes('init.sh'), files.join());
  });

  it('names the ineffective rule in related information', async () => {
    const [finding] = await findingsOf('chain-forward');
    const rule = finding.related.find((related) => related.message.includes('FORWARD'));
    assert.ok(rule, JSON.stringify(finding.related));
    assert.strictEqual(rule.location.range.start.line, 6);
    assert.strictEqual(rule.location.range.start.character, 4);
  });

  it('reports the tf.json resource name range', async () => {
    const [finding] = await findingsOf('tf-json');
    assert.strictEqual(finding.location.range.end.line, 3);
  });

  it('lists the script read by file() as a dependency', async () => {
    const engine = await sharedEngine();
    const result = engine.analyzeModule(path.join(casesRoot, 'file-with-rule'), new DiskSourceProvider());
    assert.ok(result.dependencies.some((file) => file.endsWith(path.join('scripts', 'init.sh'))), result.dependencies.join());
  });
});
