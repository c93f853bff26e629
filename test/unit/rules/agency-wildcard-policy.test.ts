import * as assert from 'assert';
import * as path from 'path';
import { DiskSourceProvider, type Finding } from '../../../server/src/engine';
import { actionProblem } from '../../../server/src/engine/rules/agency-wildcard-policy';
import { fixturesRoot, sharedEngine } from '../../helpers';

const ruleId = 'agency-wildcard-policy';
const casesRoot = path.join(fixturesRoot, 'rules', ruleId);

interface Expected {
  file: string;
  /** One-based line and column of the finding's start. */
  line: number;
  column: number;
  severity: Finding['severity'];
  /** The action the message must quote. */
  action: string;
}

async function findingsOf(caseName: string): Promise<Finding[]> {
  const engine = await sharedEngine();
  const result = engine.analyzeModule(path.join(casesRoot, caseName), new DiskSourceProvider());
  return result.findings.filter((finding) => finding.ruleId === ruleId);
}

const findingCases: Array<[string, Expected[]]> = [
  ['jsonencode-deny', [{ file: 'main.tf', line: 10, column: 19, severity: 'warning', action: 'ecs:*:*' }]],
  ['jsonencode-scalar', [{ file: 'main.tf', line: 6, column: 47, severity: 'warning', action: 'vpc:*' }]],
  ['heredoc-wildcard', [{ file: 'main.tf', line: 10, column: 22, severity: 'warning', action: 'obs:*:*' }]],
  ['quoted-string', [{ file: 'main.tf', line: 4, column: 83, severity: 'warning', action: 'ecs:*' }]],
  ['file-policy', [{ file: 'admin.json', line: 6, column: 18, severity: 'error', action: '*' }]],
  ['assume', [{ file: 'main.tf', line: 9, column: 21, severity: 'error', action: 'iam:agencies:assume' }]],
  ['v5-attach', [{ file: 'main.tf', line: 13, column: 19, severity: 'error', action: 'iam:*:*' }]],
  ['suppressed', [{ file: 'main.tf', line: 26, column: 19, severity: 'warning', action: 'evs:*' }]],
];

const cleanCases = ['heredoc-narrow', 'out-of-scope'];

describe('agency-wildcard-policy', () => {
  for (const [caseName, expected] of findingCases) {
    it(`reports ${caseName}`, async () => {
      const findings = await findingsOf(caseName);
      assert.strictEqual(findings.length, expected.length, JSON.stringify(findings.map((f) => f.message)));
      expected.forEach((want, index) => {
        const finding = findings[index];
        assert.strictEqual(path.basename(finding.location.file), want.file, 'file');
        assert.strictEqual(finding.location.range.start.line + 1, want.line, 'line');
        assert.strictEqual(finding.location.range.start.character + 1, want.column, 'column');
        assert.strictEqual(finding.severity, want.severity, 'severity');
        assert.ok(finding.message.includes(`allows "${want.action}"`), finding.message);
      });
    });
  }

  for (const caseName of cleanCases) {
    it(`accepts ${caseName}`, async () => {
      const findings = await findingsOf(caseName);
      assert.deepStrictEqual(findings.map((finding) => finding.message), []);
    });
  }

  it('covers the action string in the heredoc', async () => {
    const [finding] = await findingsOf('heredoc-wildcard');
    assert.deepStrictEqual(finding.location.range, { start: { line: 9, character: 21 }, end: { line: 9, character: 30 } });
  });

  it('covers the action string in jsonencode', async () => {
    const [finding] = await findingsOf('jsonencode-deny');
    assert.deepStrictEqual(finding.location.range, { start: { line: 9, character: 18 }, end: { line: 9, character: 27 } });
  });

  it('names the agency and its server', async () => {
    const [finding] = await findingsOf('jsonencode-deny');
    assert.ok(finding.message.includes('"ecs-ops" (huaweicloud_identity_agency.ops)'), finding.message);
    assert.ok(finding.message.includes('huaweicloud_compute_instance.ops'), finding.message);
  });

  it('finds a role granted by literal name', async () => {
    const [finding] = await findingsOf('jsonencode-scalar');
    assert.ok(finding.message.includes('"ops-custom" (huaweicloud_identity_role.ops)'), finding.message);
  });

  it('leaves custom roles to this rule', async () => {
    const engine = await sharedEngine();
    const result = engine.analyzeModule(path.join(casesRoot, 'jsonencode-scalar'), new DiskSourceProvider());
    assert.deepStrictEqual(result.findings.filter((finding) => finding.ruleId === 'agency-broad-role'), []);
  });
});

describe('actionProblem', () => {
  const broad: Array<[string, Finding['severity']]> = [
    ['*', 'error'],
    ['*:*:*', 'error'],
    ['iam:*', 'error'],
    ['iam:agencies:*', 'error'],
    ['sts:*:*', 'error'],
    ['iam:agencies:assume', 'error'],
    ['ecs:*:*', 'warning'],
    ['ecs:*', 'warning'],
  ];
  for (const [action, severity] of broad) {
    it(`rates ${action}`, () => {
      assert.strictEqual(actionProblem(action, undefined)?.severity, severity);
    });
  }

  const narrow = ['obs:object:Get*', 'obs:object:GetObject', 'ecs:*:get*', 'iam:*:list*', 'ecs:cloudServers:*'];
  for (const action of narrow) {
    it(`accepts ${action}`, () => {
      assert.strictEqual(actionProblem(action, undefined), undefined);
    });
  }

  it('accepts assume on a named agency', () => {
    assert.strictEqual(actionProblem('iam:agencies:assume', ['iam::123:agency:deploy']), undefined);
  });

  it('rejects assume on every agency', () => {
    assert.strictEqual(actionProblem('iam:agencies:assume', ['iam::123:agency:*'])?.severity, 'error');
  });
});
