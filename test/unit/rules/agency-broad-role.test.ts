import * as assert from 'assert';
import * as path from 'path';
import { DiskSourceProvider, type Finding } from '../../../server/src/engine';
import { ModuleAnalysis } from '../../../server/src/engine/moduleContext';
import { getParsers } from '../../../server/src/engine/parsing/treeSitter';
import { attachedAgency, broadestRole } from '../../../server/src/engine/rules/agencies';
import { loadModule } from '../../../server/src/engine/terraform/module';
import { fixturesRoot, sharedEngine } from '../../helpers';

const ruleId = 'agency-broad-role';
const casesRoot = path.join(fixturesRoot, 'rules', ruleId);

interface Expected {
  file: string;
  /** One-based line and column of the finding's start. */
  line: number;
  column: number;
  severity: Finding['severity'];
  /** Texts the message must contain. */
  mentions: string[];
}

async function findingsOf(caseName: string, rule = ruleId): Promise<Finding[]> {
  const engine = await sharedEngine();
  const result = engine.analyzeModule(path.join(casesRoot, caseName), new DiskSourceProvider());
  return result.findings.filter((finding) => finding.ruleId === rule);
}

const findingCases: Array<[string, Expected[]]> = [
  [
    'tenant-admin-split',
    [
      {
        file: 'iam.tf',
        line: 4,
        column: 29,
        severity: 'error',
        mentions: ['"Tenant Administrator"', 'all_resources_roles', 'every project', 'huaweicloud_compute_instance.app'],
      },
    ],
  ],
  [
    'service-full-access',
    [{ file: 'main.tf', line: 7, column: 16, severity: 'warning', mentions: ['"ECS FullAccess"', 'project_role.roles'] }],
  ],
  [
    'enterprise-project',
    [
      { file: 'main.tf', line: 7, column: 27, severity: 'error', mentions: ['"Security Administrator"', 'trusts ECS'] },
      { file: 'main.tf', line: 7, column: 53, severity: 'error', mentions: ['"Agent Operator"', 'enterprise_project_roles.roles'] },
    ],
  ],
  ['only-role', [{ file: 'main.tf', line: 4, column: 28, severity: 'warning', mentions: ['"OBS Administrator"'] }]],
  ['multiline-last', [{ file: 'main.tf', line: 6, column: 5, severity: 'warning', mentions: ['"Server Administrator"'] }]],
  ['sister-literal-name', [{ file: 'main.tf', line: 4, column: 28, severity: 'warning', mentions: ['sbercloud_compute_instance.web'] }]],
  ['var-without-value', [{ file: 'main.tf', line: 11, column: 16, severity: 'info', mentions: ['var.agency_roles', 'no default'] }]],
  ['var-list-default', [{ file: 'variables.tf', line: 3, column: 14, severity: 'error', mentions: ['"FullAccess"'] }]],
  ['tf-json-object', [{ file: 'main.tf.json', line: 10, column: 13, severity: 'error', mentions: ['"Tenant Administrator"'] }]],
  ['tf-json-list', [{ file: 'main.tf.json', line: 11, column: 15, severity: 'warning', mentions: ['"ECS FullAccess"'] }]],
  ['suppressed', [{ file: 'main.tf', line: 6, column: 26, severity: 'error', mentions: ['"FullAccess"'] }]],
];

const cleanCases = ['cff-agency-fgs', 'not-trusted-not-attached', 'read-only-roles'];

describe('agency-broad-role', () => {
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
        for (const text of want.mentions) assert.ok(finding.message.includes(text), finding.message);
      });
    });
  }

  for (const caseName of cleanCases) {
    it(`accepts ${caseName}`, async () => {
      const findings = await findingsOf(caseName);
      assert.deepStrictEqual(findings.map((finding) => finding.message), []);
    });
  }

  it('covers the role string with its quotes', async () => {
    const [finding] = await findingsOf('tenant-admin-split');
    assert.deepStrictEqual(finding.location.range, { start: { line: 3, character: 28 }, end: { line: 3, character: 50 } });
  });

  it('keeps the server finding an error', async () => {
    const [finding] = await findingsOf('tenant-admin-split', 'ecs-metadata-unrestricted');
    assert.strictEqual(finding.severity, 'error');
    assert.ok(finding.message.includes('"ecs-admin"'), finding.message);
  });

  it('names the broadest role in the server finding', async () => {
    const [finding] = await findingsOf('tenant-admin-split', 'ecs-metadata-unrestricted');
    assert.ok(finding.message.includes('role "Tenant Administrator" in all_resources_roles'), finding.message);
  });

  it('points related information at the agency', async () => {
    const [finding] = await findingsOf('service-full-access');
    assert.strictEqual(finding.related.length, 1);
    assert.strictEqual(finding.related[0].location.range.start.line, 0);
  });

  it('offers removal first when other roles remain', async () => {
    const [finding] = await findingsOf('service-full-access');
    const titles = finding.fixes.map((fix) => `${fix.isPreferred ? '*' : ''}${fix.title}`);
    assert.strictEqual(titles[0], '*Remove role "ECS FullAccess" from project_role.roles');
    assert.strictEqual(titles[1], 'Replace role "ECS FullAccess" with "ECS ReadOnlyAccess"');
  });

  it('offers no removal for the only role', async () => {
    const [finding] = await findingsOf('tenant-admin-split');
    const ownFixes = finding.fixes.filter((fix) => !fix.title.startsWith('Ignore'));
    assert.deepStrictEqual(ownFixes, []);
  });

  it('gives no fix for a variable default', async () => {
    const [finding] = await findingsOf('var-list-default');
    const ownFixes = finding.fixes.filter((fix) => !fix.title.startsWith('Ignore'));
    assert.deepStrictEqual(ownFixes, []);
  });
});

describe('broadestRole', () => {
  async function roleOf(caseName: string, agencyKey: string) {
    const parsers = await getParsers();
    const source = new DiskSourceProvider();
    const { module } = loadModule(path.join(casesRoot, caseName), source, parsers);
    const agency = module.resources.get(agencyKey);
    assert.ok(agency, agencyKey);
    return broadestRole(new ModuleAnalysis(module, source, parsers), agency);
  }

  it('names an account-wide role', async () => {
    const role = await roleOf('tenant-admin-split', 'huaweicloud_identity_agency.ecs_admin');
    assert.deepStrictEqual(role, { role: 'Tenant Administrator', list: 'all_resources_roles' });
  });

  it('names a service role', async () => {
    const role = await roleOf('service-full-access', 'huaweicloud_identity_agency.ops');
    assert.deepStrictEqual(role, { role: 'ECS FullAccess', list: 'project_role.roles' });
  });

  it('finds the agency a server carries', async () => {
    const parsers = await getParsers();
    const source = new DiskSourceProvider();
    const { module } = loadModule(path.join(casesRoot, 'tenant-admin-split'), source, parsers);
    const agency = attachedAgency(new ModuleAnalysis(module, source, parsers), 'huaweicloud_compute_instance.app');
    assert.strictEqual(agency?.key, 'huaweicloud_identity_agency.ecs_admin');
  });

  it('returns undefined for read-only roles', async () => {
    const role = await roleOf('read-only-roles', 'huaweicloud_identity_agency.ops');
    assert.strictEqual(role, undefined);
  });
});
