import * as assert from 'assert';
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
