import * as assert from 'assert';
import * as os from 'os';
import * as path from 'path';
import { analysisUnitOf } from '../../../server/src/engine';
import { applyEdits, memoryOverlay, sharedEngine } from '../../helpers';
import { findSuppressions, isExpired, isSuppressed, isValidDate, suppressionProblems } from '../../../server/src/engine/suppressions';
import { MemorySource } from '../terraform/helpers';
import { LineIndex } from '../../../server/src/engine/text';

const rule = 'ecs-metadata-unrestricted';

function suppressedAt(text: string, line: number, extent: (line: number) => number = (l) => l): boolean {
  const lines = new LineIndex(text);
  return isSuppressed(findSuppressions(lines), lines, rule, line, extent);
}

describe('suppressions', () => {
  it('parses ids and reason', () => {
    const [found] = findSuppressions(new LineIndex(`# metadata-guard:ignore ${rule}, other-rule -- tested image\n`));
    assert.deepStrictEqual(found.ruleIds, [rule, 'other-rule']);
    assert.strictEqual(found.reason, 'tested image');
    assert.strictEqual(found.ownLine, true);
  });

  it('accepts every comment syntax', () => {
    for (const opener of ['#', '//', '/*', '<#', 'rem']) {
      const text = `${opener} metadata-guard:ignore ${rule}\nresource {}\n`;
      assert.ok(suppressedAt(text, 1), opener);
    }
  });

  it('covers the whole block below', () => {
    const text = `# metadata-guard:ignore ${rule}\nresource "a" "b" {\n  x = 1\n}\n`;
    assert.ok(suppressedAt(text, 2, (line) => (line === 1 ? 3 : line)));
  });

  it('skips further comment lines', () => {
    const text = `# metadata-guard:ignore ${rule} -- reason\n# continued\nresource "a" "b" {}\n`;
    assert.ok(suppressedAt(text, 2));
  });

  it('covers its own line at the end of a line', () => {
    const text = `resource "a" "b" { # metadata-guard:ignore ${rule}\n}\nresource "c" "d" {}\n`;
    assert.ok(suppressedAt(text, 0));
    assert.ok(!suppressedAt(text, 2));
  });

  it('ignores other rule ids', () => {
    const text = '# metadata-guard:ignore other-rule\nresource "a" "b" {}\n';
    assert.ok(!suppressedAt(text, 1));
  });

  it('does not reach past the next statement', () => {
    const text = `# metadata-guard:ignore ${rule}\nresource "a" "b" {}\nresource "c" "d" {}\n`;
    assert.ok(!suppressedAt(text, 2));
  });
});

describe('suppressed findings in shared fixes', () => {
  it('token fix leaves a suppressed request', async () => {
    const engine = await sharedEngine();
    const script = [
      '#!/bin/bash',
      '# metadata-guard:ignore metadata-request-without-token -- reads a public field',
      'curl -s http://169.254.169.254/openstack/latest/meta_data.json',
      'curl -s http://169.254.169.254/openstack/latest/user_data',
      '',
    ].join('\n');
    const file = path.join(os.tmpdir(), 'metadata-guard-suppressed', 'init.sh');
    const source = memoryOverlay(new Map([[file, script]]));
    const unit = analysisUnitOf(file, source)!;
    const findings = engine.analyzeUnit(unit, source).findings.filter((finding) => finding.ruleId === 'metadata-request-without-token');
    assert.deepStrictEqual(findings.map((finding) => finding.location.range.start.line), [3]);
    const fix = findings[0].fixes.find((candidate) => candidate.isPreferred)!;
    const fixed = applyEdits(script, fix.edits[0].edits);
    const expected = [
      '#!/bin/bash',
      'METADATA_TOKEN=$(curl -s -X PUT http://169.254.169.254/meta-data/latest/api/token -H "X-Metadata-Token-Ttl-Seconds: 21600")',
      '# metadata-guard:ignore metadata-request-without-token -- reads a public field',
      'curl -s http://169.254.169.254/openstack/latest/meta_data.json',
      'curl -H "X-Metadata-Token: $METADATA_TOKEN" -s http://169.254.169.254/openstack/latest/user_data',
      '',
    ].join('\n');
    assert.strictEqual(fixed, expected);
    const fixedSource = memoryOverlay(new Map([[file, fixed]]));
    assert.deepStrictEqual(engine.analyzeUnit(unit, fixedSource).findings, []);
  });
});

describe('suppression comment mistakes', () => {
  const known = new Set(['ecs-metadata-unrestricted', 'agency-broad-role']);

  it('unknown rule id is reported', () => {
    const lines = new LineIndex('# metadata-guard:ignore ecs-metadata-unrestrcted -- typo\nresource "a" "b" {}\n');
    const problems = suppressionProblems(findSuppressions(lines), known);
    assert.strictEqual(problems.length, 1);
    assert.strictEqual(problems[0].line, 0);
    assert.match(problems[0].message, /unknown rule "ecs-metadata-unrestrcted"/);
  });

  it('impossible expiry date is reported', () => {
    const lines = new LineIndex('# metadata-guard:ignore ecs-metadata-unrestricted exp:2020-13-45\n');
    const problems = suppressionProblems(findSuppressions(lines), known);
    assert.deepStrictEqual(problems.map((problem) => problem.line), [0]);
    assert.match(problems[0].message, /invalid expiry date "2020-13-45"/);
  });

  it('valid comment has no problems', () => {
    const lines = new LineIndex('# metadata-guard:ignore ecs-metadata-unrestricted, agency-broad-role exp:2028-02-29\n');
    assert.deepStrictEqual(suppressionProblems(findSuppressions(lines), known), []);
  });

  it('impossible future date has expired', () => {
    const [found] = findSuppressions(new LineIndex('# metadata-guard:ignore ecs-metadata-unrestricted exp:2099-13-01\n'));
    assert.strictEqual(found.expires, '2099-13-01');
    assert.strictEqual(isExpired(found, new Date(2026, 11, 4)), true);
  });

  it('short date is reported', () => {
    const lines = new LineIndex('# metadata-guard:ignore ecs-metadata-unrestricted exp:2099-1-5 -- short\n');
    const problems = suppressionProblems(findSuppressions(lines), known, lines);
    assert.deepStrictEqual(problems.map((problem) => problem.line), [0]);
    assert.match(problems[0].message, /invalid expiry date "2099-1-5"/);
  });

  it('comment without a rule id is reported', () => {
    const lines = new LineIndex('x = 1\n# metadata-guard:ignore  -- no id\n');
    const problems = suppressionProblems(findSuppressions(lines), known, lines);
    assert.deepStrictEqual(problems.map((problem) => problem.line), [1]);
    assert.match(problems[0].message, /cannot be read/);
  });

  it('calendar check of dates', () => {
    assert.strictEqual(isValidDate('2028-02-29'), true);
    assert.strictEqual(isValidDate('2027-02-29'), false);
    assert.strictEqual(isValidDate('2026-04-31'), false);
  });

  it('typo appears as a module notice', async () => {
    const engine = await sharedEngine();
    const file = path.join(os.tmpdir(), 'metadata-guard-typo', 'main.tf');
    const text = '# metadata-guard:ignore ecs-metadata-unrestrcted\nresource "huaweicloud_compute_instance" "web" {\n  name = "web"\n}\n';
    const result = engine.analyzeModule(path.dirname(file), new MemorySource({ [file]: text }));
    const notice = result.notices.find((entry) => /unknown rule/.test(entry.message));
    assert.ok(notice, JSON.stringify(result.notices));
    assert.strictEqual(notice.range?.start.line, 0);
    assert.strictEqual(result.findings.filter((finding) => finding.ruleId === 'ecs-metadata-unrestricted').length, 1);
  });
});
