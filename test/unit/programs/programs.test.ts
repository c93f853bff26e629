import * as assert from 'assert';
import * as path from 'path';
import { parse } from '@typescript-eslint/typescript-estree';
import { parseDocument } from 'yaml';
import { DiskSourceProvider, type Finding, type Fix } from '../../../server/src/engine';
import { getParsers } from '../../../server/src/engine/parsing/treeSitter';
import { pulumiYamlKind, typeScriptProgramKind } from '../../../server/src/engine/programs/analyze';
import { analysisUnitOf } from '../../../server/src/engine/units';
import { applyFileEdits, fixturesRoot, memoryOverlay, sharedEngine } from '../../helpers';

const casesRoot = path.join(fixturesRoot, 'programs');

async function scan(relative: string, files = new Map<string, string>()) {
  const engine = await sharedEngine();
  return engine.scan([path.join(casesRoot, relative)], memoryOverlay(files));
}

/** Returns one-based line and column of a finding, with its rule and severity. */
function summary(finding: Finding): string {
  const { line, character } = finding.location.range.start;
  return `${path.basename(finding.location.file)}:${line + 1}:${character + 1} ${finding.ruleId} ${finding.severity}`;
}

function preferred(finding: Finding): Fix {
  const fix = finding.fixes.find((candidate) => candidate.isPreferred);
  assert.ok(fix, `no preferred fix on ${summary(finding)}`);
  return fix;
}

describe('programs: cases', () => {
  it('pulumi instance and broad agency', async () => {
    const result = await scan('pulumi-open');
    assert.deepStrictEqual(result.findings.map(summary), [
      'index.ts:10:49 ecs-metadata-unrestricted error',
      'index.ts:7:23 agency-broad-role error',
    ]);
    assert.match(result.findings[0].message, /Agency "ops-agency" is attached with role "Tenant Administrator"/);
    assert.match(result.findings[1].message, /in all_resources_roles, which applies the role to every project/);
  });

  it('agency imported from another file', async () => {
    const result = await scan('pulumi-imported');
    assert.deepStrictEqual(result.findings.map(summary), [
      'iam.ts:6:23 agency-broad-role error',
      'index.ts:4:51 ecs-metadata-unrestricted error',
    ]);
    assert.match(result.findings[1].message, /Agency "ops" is attached with role "Tenant Administrator"/);
    assert.ok(result.dependencies.includes(path.join(casesRoot, 'pulumi-imported', 'iam.ts')));
  });

  it('cdktf boot script from file is clean', async () => {
    const result = await scan('cdktf-clean/main.ts');
    assert.deepStrictEqual(result.findings.map(summary), []);
    assert.ok(result.dependencies.includes(path.join(casesRoot, 'cdktf-clean', 'boot.sh')));
  });

  it('unknown template hole is information', async () => {
    const result = await scan('template-unknown');
    assert.deepStrictEqual(result.findings.map(summary), ['index.ts:7:18 ecs-metadata-unrestricted info']);
    assert.match(result.findings[0].message, /"\$\{setup\}" fills a whole line/);
  });

  it('pulumi yaml finding on key line', async () => {
    const result = await scan('yaml-open');
    assert.deepStrictEqual(result.findings.map(summary), ['Pulumi.yaml:4:3 ecs-metadata-unrestricted warning']);
  });

  it('cdk.tf.json read as terraform json', async () => {
    const result = await scan('cdktf-synth');
    assert.deepStrictEqual(result.findings.map(summary), ['cdk.tf.json:11:7 ecs-metadata-unrestricted warning']);
  });

  it('non-infrastructure typescript skipped', async () => {
    const result = await scan('not-infra');
    assert.deepStrictEqual(result.findings, []);
    assert.deepStrictEqual(result.notices, []);
  });

  it('non-infrastructure typescript not parsed', async () => {
    const context = { source: new DiskSourceProvider(), parsers: await getParsers() };
    const analysis = typeScriptProgramKind.analyze('/w/broken.ts', 'const x = ;\n', context);
    assert.deepStrictEqual(analysis.notices, []);
    assert.deepStrictEqual(analysis.findings, []);
  });

  it('broken program gives a notice', async () => {
    const context = { source: new DiskSourceProvider(), parsers: await getParsers() };
    const text = "import * as hw from '@huaweicloudos/pulumi';\nconst x = ;\n";
    const analysis = typeScriptProgramKind.analyze('/w/broken.ts', text, context);
    assert.strictEqual(analysis.notices.length, 1);
    assert.match(analysis.notices[0].message, /line 2, column 11/);
  });

  it('kinds match by file name', () => {
    const source = new DiskSourceProvider();
    assert.strictEqual(analysisUnitOf('/w/index.ts', source)?.kind, 'document');
    assert.strictEqual(typeScriptProgramKind.matches('/w/types.d.ts', ''), false);
    assert.strictEqual(pulumiYamlKind.matches('/w/Pulumi.yaml', 'name: web'), true);
    assert.strictEqual(pulumiYamlKind.matches('/w/Pulumi.dev.yaml', 'config:'), false);
  });
});

describe('programs: typescript fixes', () => {
  const file = path.join(casesRoot, 'pulumi-fixes', 'index.ts');
  const ruleLines =
    '# Only root may reach the instance metadata service (added by metadata-guard).\\n' +
    'iptables -A OUTPUT -p tcp -d 169.254.169.254 -m owner ! --uid-owner root -j REJECT\\n' +
    'mkdir -p /etc/iptables\\niptables-save > /etc/iptables/rules.v4';

  /** Applies the preferred fix of the finding on `line` and returns the fixed text. */
  async function fixed(line: number, ruleId: string, choose = preferred): Promise<{ text: string; files: Map<string, string> }> {
    const result = await scan('pulumi-fixes');
    const finding = result.findings.find((f) => f.ruleId === ruleId && f.location.range.start.line + 1 === line);
    assert.ok(finding, `no ${ruleId} finding on line ${line}`);
    const files = new Map<string, string>();
    applyFileEdits(files, choose(finding).edits);
    const text = files.get(file)!;
    assert.doesNotThrow(() => parse(text, { range: true }));
    return { text, files };
  }

  async function findingLines(files: Map<string, string>, ruleId: string): Promise<number[]> {
    const result = await scan('pulumi-fixes', files);
    return result.findings.filter((f) => f.ruleId === ruleId).map((f) => f.location.range.start.line + 1);
  }

  it('double-quoted user data', async () => {
    const { text, files } = await fixed(17, 'ecs-metadata-unrestricted');
    assert.ok(text.includes(`  userData: "#!/bin/bash\\n${ruleLines}\\necho \\"ready\\"\\n",\n`));
    assert.ok(!(await findingLines(files, 'ecs-metadata-unrestricted')).includes(17));
  });

  it('single-quoted user data', async () => {
    const { text, files } = await fixed(22, 'ecs-metadata-unrestricted');
    assert.ok(text.includes(`  userData: '#!/bin/bash\\n${ruleLines}\\necho ready\\n',\n`));
    assert.ok(!(await findingLines(files, 'ecs-metadata-unrestricted')).includes(22));
  });

  it('template literal user data', async () => {
    const { text, files } = await fixed(27, 'ecs-metadata-unrestricted');
    assert.ok(text.includes(`  userData: \`#!/bin/bash\n${ruleLines.replace(/\\n/g, '\n')}\necho \${`));
    assert.ok(!(await findingLines(files, 'ecs-metadata-unrestricted')).includes(27));
  });

  it('new user data property', async () => {
    const { text, files } = await fixed(35, 'ecs-metadata-unrestricted');
    // The file writes its strings in single quotes, so the new userData does too.
    assert.ok(text.includes(`new hw.ecs.Instance('empty', { imageId: 'image-id', userData: '#!/bin/bash\\n${ruleLines}\\n' });`), text);
    assert.ok(!(await findingLines(files, 'ecs-metadata-unrestricted')).includes(35));
  });

  it('broad role removed', async () => {
    const { text, files } = await fixed(14, 'agency-broad-role');
    assert.ok(text.includes("projectRoles: [{ project: 'cn-north-4', roles: [role.name] }],"));
    assert.deepStrictEqual(await findingLines(files, 'agency-broad-role'), []);
  });

  it('broad role made read-only', async () => {
    const choose = (finding: Finding) => finding.fixes.find((fix) => fix.title.startsWith('Replace role'))!;
    const { text } = await fixed(14, 'agency-broad-role', choose);
    assert.ok(text.includes("roles: ['ECS ReadOnlyAccess', role.name]"));
  });

  it('wildcard action narrowed', async () => {
    const { text, files } = await fixed(6, 'agency-wildcard-policy');
    assert.ok(text.includes("Action: ['ecs:*:get*', 'ecs:*:list*', 'obs:object:Get*']"));
    assert.deepStrictEqual(await findingLines(files, 'agency-wildcard-policy'), []);
  });
});

describe('programs: yaml fixes', () => {
  const file = path.join(casesRoot, 'yaml-fixes', 'Pulumi.yaml');

  async function fixed(line: number, ruleId: string): Promise<{ text: string; files: Map<string, string> }> {
    const result = await scan('yaml-fixes');
    const finding = result.findings.find((f) => f.ruleId === ruleId && f.location.range.start.line + 1 === line);
    assert.ok(finding, `no ${ruleId} finding on line ${line}`);
    const files = new Map<string, string>();
    applyFileEdits(files, preferred(finding).edits);
    const text = files.get(file)!;
    assert.deepStrictEqual(parseDocument(text).errors, []);
    return { text, files };
  }

  async function findingLines(files: Map<string, string>, ruleId: string): Promise<number[]> {
    const result = await scan('yaml-fixes', files);
    return result.findings.filter((f) => f.ruleId === ruleId).map((f) => f.location.range.start.line + 1);
  }

  it('literal block user data', async () => {
    const { text, files } = await fixed(12, 'ecs-metadata-unrestricted');
    assert.ok(text.includes('      userData: |\n        #!/bin/bash\n        # Only root may reach'));
    assert.ok(text.includes('rules.v4\n        echo ready\n'));
    assert.ok(!(await findingLines(files, 'ecs-metadata-unrestricted')).includes(12));
  });

  it('new properties map', async () => {
    const { text, files } = await fixed(20, 'ecs-metadata-unrestricted');
    assert.ok(text.endsWith('    type: huaweicloud:Ecs/instance:Instance\n    properties:\n      userData: |\n        #!/bin/bash\n' +
      '        # Only root may reach the instance metadata service (added by metadata-guard).\n' +
      '        iptables -A OUTPUT -p tcp -d 169.254.169.254 -m owner ! --uid-owner root -j REJECT\n' +
      '        mkdir -p /etc/iptables\n        iptables-save > /etc/iptables/rules.v4\n'));
    assert.deepStrictEqual(await findingLines(files, 'ecs-metadata-unrestricted'), [12]);
  });

  it('broad role removed', async () => {
    const { text, files } = await fixed(10, 'agency-broad-role');
    assert.ok(text.includes('      domainRoles:\n        - Tenant Guest\n'));
    assert.deepStrictEqual(await findingLines(files, 'agency-broad-role'), []);
  });
});
