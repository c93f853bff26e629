import * as assert from 'assert';
import * as os from 'os';
import * as path from 'path';
import { analysisUnitOf } from '../../../server/src/engine';
import { applyEdits, memoryOverlay, sharedEngine } from '../../helpers';
import { findSuppressions, isSuppressed } from '../../../server/src/engine/suppressions';
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
