import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { describeFileError, DiskSourceProvider, FileTooLargeError, OverlaySourceProvider } from '../../../server/src/engine/source';
import { LineIndex, SourceMap, SourceMapBuilder } from '../../../server/src/engine/text';

describe('LineIndex', () => {
  it('counts CRLF, CR and LF as line breaks', () => {
    const lines = new LineIndex('a\r\nb\rc\nd');
    assert.strictEqual(lines.lineCount, 4);
    assert.deepStrictEqual(lines.positionAt(3), { line: 1, character: 0 });
    assert.deepStrictEqual(lines.positionAt(5), { line: 2, character: 0 });
    assert.deepStrictEqual(lines.positionAt(7), { line: 3, character: 0 });
  });

  it('counts UTF-16 code units', () => {
    const lines = new LineIndex('😀é x');
    assert.deepStrictEqual(lines.positionAt(4), { line: 0, character: 4 });
  });

  it('round-trips offsets', () => {
    const text = 'one\r\ntwo\nthree';
    const lines = new LineIndex(text);
    for (let offset = 0; offset <= text.length; offset++) {
      const position = lines.positionAt(offset);
      if (text[offset - 1] === '\r' && text[offset] === '\n') continue;
      assert.strictEqual(lines.offsetAt(position), offset, `offset ${offset}`);
    }
  });

  it('ends a line before its break', () => {
    const lines = new LineIndex('ab\r\ncd');
    assert.strictEqual(lines.lineEnd(0), 2);
    assert.strictEqual(lines.lineEnd(1), 6);
  });

  it('reports the main line break style', () => {
    assert.strictEqual(new LineIndex('a\r\nb\r\nc\n').eol, '\r\n');
    assert.strictEqual(new LineIndex('\ra\nb\nc\n').eol, '\n');
    assert.strictEqual(new LineIndex('a\rb\r').eol, '\r');
    assert.strictEqual(new LineIndex('ab').eol, '\n');
  });

  it('clamps positions past the end', () => {
    const lines = new LineIndex('ab\ncd');
    assert.strictEqual(lines.offsetAt({ line: 9, character: 0 }), 5);
    assert.strictEqual(lines.offsetAt({ line: 0, character: 99 }), 2);
  });
});

describe('SourceMap', () => {
  it('maps decoded escapes to the escape start', () => {
    // The host text is "a\nb", where the two characters \ and n decode to one line break.
    const builder = new SourceMapBuilder('/host.tf');
    builder.appendVerbatim('a', 5);
    builder.appendSynthetic('\n');
    builder.appendVerbatim('b', 8);
    const { text, map } = builder.build(4, 10);
    assert.strictEqual(text, 'a\nb');
    assert.strictEqual(map.toHost(0), 5);
    assert.strictEqual(map.toHost(1), 6);
    assert.strictEqual(map.toHost(2), 8);
  });

  it('merges adjacent verbatim runs', () => {
    const builder = new SourceMapBuilder('/host.tf');
    builder.appendVerbatim('ab', 0);
    builder.appendVerbatim('cd', 2);
    assert.strictEqual(builder.build(0, 4).map.segments.length, 1);
  });

  it('widens opaque maps to the fallback range', () => {
    const map = SourceMap.opaque('/host.tf', 10, 30);
    assert.deepStrictEqual(map.rangeToHost(3, 7), { start: 10, end: 30 });
    assert.strictEqual(map.isVerbatim, false);
  });

  it('shifts a slice', () => {
    const map = SourceMap.identity('/host.tf', 100, 20).slice(5);
    assert.strictEqual(map.toHost(0), 105);
  });
});

describe('DiskSourceProvider.readHead', () => {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'metadata-guard-head-'));
  const disk = new DiskSourceProvider();

  after(() => fs.rmSync(folder, { recursive: true, force: true }));

  it('reads past the size limit', () => {
    const file = path.join(folder, 'big.yaml');
    fs.writeFileSync(file, `#cloud-config\n${'x'.repeat(3 * 1024 * 1024)}`);
    assert.strictEqual(disk.readHead(file, 13), '#cloud-config');
    assert.throws(() => disk.readText(file), FileTooLargeError);
  });

  it('drops a UTF-8 byte-order mark', () => {
    const file = path.join(folder, 'bom.sh');
    fs.writeFileSync(file, '\ufeff#!/bin/bash\necho hi\n');
    assert.strictEqual(disk.readHead(file, 11), '#!/bin/bash');
  });

  it('decodes UTF-16 little endian', () => {
    const file = path.join(folder, 'wide.ps1');
    fs.writeFileSync(file, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('#ps1\r\nWrite-Output 1', 'utf16le')]));
    assert.strictEqual(disk.readHead(file, 4), '#ps1');
  });

  it('named pipe is refused at once', function () {
    const pipe = path.join(folder, 'boot.fifo');
    if (spawnSync('mkfifo', [pipe]).status !== 0) this.skip();
    assert.throws(() => disk.readText(pipe), /not a regular file/);
  });

  it('overlay text comes first', () => {
    const overlay = new OverlaySourceProvider(disk, (file) => (file.endsWith('open.sh') ? '#!/bin/sh\nls' : undefined));
    assert.strictEqual(overlay.readHead(path.join(folder, 'open.sh'), 9), '#!/bin/sh');
  });
});

describe('describeFileError', () => {
  it('names common codes in words', () => {
    const missing = Object.assign(new Error("ENOENT: no such file or directory, open '/x'"), { code: 'ENOENT' });
    assert.strictEqual(describeFileError(missing), 'the file was not found');
    assert.strictEqual(describeFileError(Object.assign(new Error('EACCES'), { code: 'EACCES' })), 'permission denied');
  });

  it('keeps other messages', () => {
    assert.strictEqual(describeFileError(new Error('file looks binary')), 'file looks binary');
  });
});
