import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { createEngine } from '../../../server/src/engine/analyze';
import { getParsers } from '../../../server/src/engine/parsing/treeSitter';
import { parseHcl, type ParsedFile } from '../../../server/src/engine/terraform/hcl';
import { findChange, HclParseCache, treeEdit } from '../../../server/src/engine/terraform/hclCache';
import { LineIndex, SourceMap } from '../../../server/src/engine/text';
import { MemorySource } from './helpers';

const repositoryRoot = path.resolve(__dirname, '../../../..');

/** Serialises a conversion with each file reference written as its path, for comparison. */
function snapshot(parsed: ParsedFile): string {
  return JSON.stringify(
    { blocks: parsed.blocks, attributes: parsed.attributes, errors: parsed.file.parseErrors, text: parsed.file.text },
    (key, value: unknown) => {
      if (key === 'file' && value && typeof value === 'object' && 'path' in value) return (value as { path: string }).path;
      if (value instanceof Map) return [...value.entries()];
      if (value instanceof SourceMap) return { segments: value.segments, start: value.fallbackStart, end: value.fallbackEnd };
      return value;
    },
  );
}

/** Returns every `.tf` file under `dir`, sorted. */
function terraformFiles(dir: string): string[] {
  const found: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...terraformFiles(full));
    else if (entry.name.endsWith('.tf')) found.push(full);
  }
  return found.sort();
}

/** A seeded generator (xorshift32), so a failing edit sequence can be replayed. */
function generator(seed: number): (limit: number) => number {
  let state = seed;
  return (limit) => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) % limit;
  };
}

const insertions = ['x', '1', ' ', '\n', '\n\n', '}', '{', '"', '#', '${', '<<EOT\n', 'é', '😀', 'resource "a" "b" {}\n', '  y = 2\n'];

/**
 * Applies one random insertion, deletion or replacement to `text`. Half of the edits start at a
 * line start or end, where top-level blocks begin and end.
 */
function randomEdit(text: string, next: (limit: number) => number): string {
  let at = next(text.length + 1);
  if (next(2) === 0) {
    const lineBreak = text.indexOf('\n', at);
    at = lineBreak < 0 ? text.length : lineBreak + next(2);
  }
  const kind = next(3);
  const removed = kind === 0 ? 0 : Math.min(next(12) + 1, text.length - at);
  const inserted = kind === 1 ? '' : insertions[next(insertions.length)];
  return text.slice(0, at) + inserted + text.slice(at + removed);
}

const threeBlocks = [
  'resource "huaweicloud_compute_instance" "first" {',
  '  name = "first"',
  '}',
  '',
  'resource "huaweicloud_compute_instance" "second" {',
  '  name      = "second"',
  '  user_data = <<-EOT',
  '    #!/bin/bash',
  '    echo "${var.greeting}"',
  '  EOT',
  '}',
  '',
  'resource "huaweicloud_compute_instance" "third" {',
  '  name = "third"',
  '  tags = { team = "platform" }',
  '}',
  '',
].join('\n');

describe('findChange', () => {
  it('finds an insertion', () => {
    assert.deepStrictEqual(findChange('abcd', 'abXcd'), { start: 2, oldEnd: 2, newEnd: 3 });
  });

  it('finds a deletion', () => {
    assert.deepStrictEqual(findChange('abXcd', 'abcd'), { start: 2, oldEnd: 3, newEnd: 2 });
  });

  it('finds a replacement', () => {
    assert.deepStrictEqual(findChange('abcd', 'aXYd'), { start: 1, oldEnd: 3, newEnd: 3 });
  });

  it('insertion into repeated characters', () => {
    assert.deepStrictEqual(findChange('aaa', 'aaaa'), { start: 3, oldEnd: 3, newEnd: 4 });
  });

  it('edit points match a full line index', () => {
    const before = 'a = 1\r\nb = "x"\nc = 2\n';
    for (const after of ['a = 1\r\nb = "xy\r\nz"\nc = 2\n', 'a = 10\nc = 2\n', 'é😀\n' + before, before + 'd = 3']) {
      const change = findChange(before, after);
      const edit = treeEdit(change, new LineIndex(before), after);
      const end = new LineIndex(after).positionAt(change.newEnd);
      assert.deepStrictEqual(edit.newEndPosition, { row: end.line, column: end.character }, JSON.stringify(after));
    }
  });

  it('equal texts give an empty change', () => {
    assert.deepStrictEqual(findChange('abc', 'abc'), { start: 3, oldEnd: 3, newEnd: 3 });
  });
});

describe('HCL parse cache', () => {
  it('unchanged text returns earlier result', async () => {
    const { hcl } = await getParsers();
    const cache = new HclParseCache(4);
    const first = cache.parse('/m/main.tf', threeBlocks, hcl);
    assert.strictEqual(cache.parse('/m/main.tf', threeBlocks, hcl), first);
    assert.strictEqual(cache.stats.unchangedTexts, 1);
    cache.clear();
  });

  it('edit reuses the other blocks', async () => {
    const { hcl } = await getParsers();
    const cache = new HclParseCache(4);
    cache.parse('/m/main.tf', threeBlocks, hcl);
    const edited = threeBlocks.replace('"second"\n', '"second-server"\n');
    const parsed = cache.parse('/m/main.tf', edited, hcl);
    assert.strictEqual(cache.stats.incrementalParses, 1);
    assert.strictEqual(cache.stats.reusedTopLevel, 2);
    assert.strictEqual(snapshot(parsed), snapshot(parseHcl('/m/main.tf', edited, hcl)));
    assert.strictEqual(parsed.blocks[2].file, parsed.file);
    cache.clear();
  });

  it('edit on the first line', async () => {
    const { hcl } = await getParsers();
    const cache = new HclParseCache(4);
    cache.parse('/m/main.tf', threeBlocks, hcl);
    const edited = `# owned by platform\n${threeBlocks}`;
    const parsed = cache.parse('/m/main.tf', edited, hcl);
    assert.strictEqual(cache.stats.reusedTopLevel, 3);
    assert.strictEqual(snapshot(parsed), snapshot(parseHcl('/m/main.tf', edited, hcl)));
  });

  it('no reuse in a tree with errors', async () => {
    const { hcl } = await getParsers();
    const cache = new HclParseCache(4);
    cache.parse('/m/main.tf', threeBlocks, hcl);
    const broken = threeBlocks.replace('"first"\n}', '"first"\n');
    const parsed = cache.parse('/m/main.tf', broken, hcl);
    assert.strictEqual(cache.stats.reusedTopLevel, 0);
    assert.ok(parsed.file.parseErrors.length > 0);
    assert.strictEqual(snapshot(parsed), snapshot(parseHcl('/m/main.tf', broken, hcl)));
  });

  it('full cache drops the oldest file', async () => {
    const { hcl } = await getParsers();
    const cache = new HclParseCache(2);
    for (const name of ['a', 'b', 'c']) cache.parse(`/m/${name}.tf`, threeBlocks, hcl);
    cache.parse('/m/a.tf', threeBlocks, hcl);
    assert.strictEqual(cache.stats.unchangedTexts, 0);
    cache.parse('/m/c.tf', threeBlocks, hcl);
    assert.strictEqual(cache.stats.unchangedTexts, 1);
    cache.clear();
  });

  it('text length limit drops files', async () => {
    const { hcl } = await getParsers();
    const cache = new HclParseCache(8, threeBlocks.length * 2);
    for (const name of ['a', 'b', 'c']) cache.parse(`/m/${name}.tf`, threeBlocks, hcl);
    cache.parse('/m/a.tf', threeBlocks, hcl);
    assert.strictEqual(cache.stats.unchangedTexts, 0);
    cache.parse('/m/c.tf', threeBlocks, hcl);
    assert.strictEqual(cache.stats.unchangedTexts, 1);
    cache.clear();
  });

  it('random edits match a fresh parse', async function () {
    this.timeout(60_000);
    const { hcl } = await getParsers();
    const files = [
      ...terraformFiles(path.join(repositoryRoot, 'examples')),
      ...terraformFiles(path.join(repositoryRoot, 'test', 'fixtures')),
    ];
    assert.ok(files.length >= 20, `only ${files.length} fixture files found`);
    const next = generator(7211);
    const cache = new HclParseCache(8);
    for (const file of files) {
      let text = fs.readFileSync(file, 'utf8');
      cache.parse(file, text, hcl);
      for (let step = 0; step < 12; step++) {
        text = randomEdit(text, next);
        const cached = cache.parse(file, text, hcl);
        const fresh = parseHcl(file, text, hcl);
        assert.strictEqual(snapshot(cached), snapshot(fresh), `${file}, edit ${step}`);
      }
    }
    assert.ok(cache.stats.reusedTopLevel > 0, 'no block was reused');
    cache.clear();
  });
});

describe('quoted string line breaks', () => {
  const multiLine = 'resource "huaweicloud_compute_instance" "web" {\n  user_data = "#!/\nbin/bash"\n}\n';

  it('line break is a syntax error', async () => {
    const { hcl } = await getParsers();
    const parsed = parseHcl('/m/main.tf', multiLine, hcl);
    assert.strictEqual(parsed.file.parseErrors.length, 1);
    assert.strictEqual(parsed.file.parseErrors[0].start, multiLine.indexOf('#!/') + 3);
    assert.match(parsed.file.parseErrors[0].message, /cannot contain a line break/);
  });

  it('line break inside an interpolation', async () => {
    const { hcl } = await getParsers();
    const text = 'x = "a${\n  var.b\n}c"\n';
    assert.deepStrictEqual(parseHcl('/m/main.tf', text, hcl).file.parseErrors, []);
  });

  it('error survives an edit elsewhere', async () => {
    const { hcl } = await getParsers();
    const cache = new HclParseCache(4);
    const text = `${threeBlocks}${multiLine}`;
    cache.parse('/m/main.tf', text, hcl);
    const parsed = cache.parse('/m/main.tf', text.replace('"first"', '"primary"'), hcl);
    assert.strictEqual(parsed.file.parseErrors.length, 1);
    cache.clear();
  });
});

describe('engine with a parse cache', () => {
  it('findings match after edits', async () => {
    const servers = fs.readFileSync(path.join(repositoryRoot, 'examples', 'servers.tf'), 'utf8');
    const cached = await createEngine({ parseCacheSize: 4 });
    const uncached = await createEngine();
    const edits = [
      servers,
      `# note\n${servers}`,
      servers.replace('resource', '\n\nresource'),
      servers.replace(/\n}\n/, '\n  description = "x"\n}\n'),
      servers,
    ];
    for (const [index, text] of edits.entries()) {
      const source = new MemorySource({ '/m/servers.tf': text });
      const expected = uncached.analyzeModule('/m', source);
      const actual = cached.analyzeModule('/m', source);
      assert.deepStrictEqual(actual.findings, expected.findings, `edit ${index}`);
      assert.ok(expected.findings.length > 0, `edit ${index} has no findings`);
    }
  });
});
