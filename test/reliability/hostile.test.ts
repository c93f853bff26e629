import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { DiskSourceProvider, type Engine, type SourceProvider } from '../../server/src/engine';
import { sharedEngine } from '../helpers';
import { assertContained, hostileWorkspace, measure, noticesOf, writeFile } from './helpers';

const disk = new DiskSourceProvider();
const mib = 1024 * 1024;

/** A server whose boot script is given inline; `script` is placed in a heredoc. */
function serverWithScript(script: string): string {
  return [
    'resource "huaweicloud_compute_instance" "hostile" {',
    '  name      = "hostile"',
    '  image_id  = "a1b2c3d4-0000-4000-8000-000000000001"',
    '  flavor_id = "s6.small.1"',
    '  user_data = <<-EOT',
    script,
    '  EOT',
    '}',
    '',
  ].join('\n');
}

/** Scans a workspace holding the healthy module and one hostile file, and checks the promises. */
function scanWith(engine: Engine, relative: string, content: string | Buffer, source: SourceProvider = disk) {
  const root = hostileWorkspace();
  const file = writeFile(root, relative, content);
  const measured = measure(() => engine.scan([root], source));
  assertContained(measured, file, root);
  return { root, file, result: measured.value, elapsedMs: measured.elapsedMs };
}

describe('hostile inputs', () => {
  let engine: Engine;
  before(async () => {
    engine = await sharedEngine();
  });

  it('50 MiB file is skipped', () => {
    const { file, result } = scanWith(engine, 'big/main.tf', Buffer.alloc(50 * mib, '# filler line\n'));
    assert.match(noticesOf(result, file).join(), /larger than/);
  });

  it('large cloud-config is named', () => {
    const text = `#cloud-config\nruncmd:\n  - curl http://169.254.169.254/x\n${'# filler line\n'.repeat(200_000)}`;
    const { file, result } = scanWith(engine, 'init/user-data.yaml', text);
    assert.match(noticesOf(result, file).join(), /larger than/);
    assert.deepStrictEqual(result.skippedFiles, [file]);
  });

  it('10 MiB line is skipped', () => {
    const { file, result } = scanWith(engine, 'line/main.tf', `x = "${'a'.repeat(10 * mib)}"\n`);
    assert.match(noticesOf(result, file).join(), /larger than/);
  });

  it('1 MiB line under the limit', () => {
    scanWith(engine, 'line/main.tf', serverWithScript(`echo ${'a'.repeat(mib)}`));
  });

  it('100,000 nested braces', () => {
    const { file, result } = scanWith(engine, 'braces/main.tf', `locals {\n  x = ${'{'.repeat(100_000)}\n}\n`);
    assert.match(noticesOf(result, file).join(), /parsing failed/);
  });

  it('100,000 nested brackets in JSON', () => {
    scanWith(engine, 'json/main.tf.json', `{"locals": {"x": ${'['.repeat(100_000)}}}`);
  });

  it('100,000 balanced brackets in HCL', () => {
    scanWith(engine, 'deep/main.tf', `locals {\n  x = ${'['.repeat(100_000)}${']'.repeat(100_000)}\n}\n`);
  });

  it('100,000 balanced brackets in JSON', () => {
    const { file, result } = scanWith(engine, 'deep/main.tf.json', `{"locals": {"x": ${'['.repeat(100_000)}${']'.repeat(100_000)}}}`);
    assert.match(noticesOf(result, file).join(), /nested too deeply/);
  });

  it('YAML alias bomb', () => {
    const lines = ['#cloud-config', 'a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 10; i++) lines.push(`a${i}: &a${i} [${Array(9).fill(`*a${i - 1}`).join(',')}]`);
    lines.push('runcmd: *a9', '');
    scanWith(engine, 'yaml/cloud-init.yaml', lines.join('\n'));
    scanWith(engine, 'yaml-inline/main.tf', serverWithScript(lines.join('\n')));
  });

  it('YAML with 10,000 documents', () => {
    const documents = Array.from({ length: 10_000 }, (_, i) => `#cloud-config\nruncmd:\n  - echo ${i}\n`);
    scanWith(engine, 'yaml/cloud-init.yaml', documents.join('---\n'));
  });

  it('invalid UTF-8', () => {
    const bytes = Buffer.concat([Buffer.from(serverWithScript('echo hi')), Buffer.from([0xc3, 0x28, 0xff, 0xfe, 0x80])]);
    scanWith(engine, 'utf8/main.tf', bytes);
  });

  it('UTF-16 LE with byte-order mark', () => {
    const text = serverWithScript('echo hi');
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const { file, result } = scanWith(engine, 'utf16le/main.tf', bytes);
    assert.ok(result.findings.some((finding) => finding.location.file === file));
  });

  it('UTF-16 BE with byte-order mark', () => {
    const text = serverWithScript('echo hi');
    const bytes = Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()]);
    const { file, result } = scanWith(engine, 'utf16be/main.tf', bytes);
    assert.ok(result.findings.some((finding) => finding.location.file === file));
  });

  it('NUL bytes', () => {
    const { file, result } = scanWith(engine, 'nul/main.tf', `${serverWithScript('echo hi')}\0\0\0`);
    assert.match(noticesOf(result, file).join(), /binary/);
  });

  for (const [name, lineBreak] of [['CRLF', '\r\n'], ['CR-only', '\r'], ['mixed', 'mixed']] as const) {
    it(`${name} line endings`, () => {
      const lines = serverWithScript('echo hi').split('\n');
      const text = lineBreak === 'mixed'
        ? lines.map((line, i) => line + ['\n', '\r\n', '\r'][i % 3]).join('')
        : lines.join(lineBreak);
      scanWith(engine, 'endings/main.tf', text);
    });
  }

  it('CRLF keeps the finding', () => {
    const { file, result } = scanWith(engine, 'crlf/main.tf', serverWithScript('echo hi').replace(/\n/g, '\r\n'));
    assert.ok(result.findings.some((finding) => finding.location.file === file));
  });

  it('roles list with 10,000 entries', () => {
    const roles = Array.from({ length: 10_000 }, (_, i) => `"Role ${i}"`).join(', ');
    const agency = [
      'resource "huaweicloud_identity_agency" "wide" {',
      '  name                   = "wide"',
      '  delegated_service_name = "op_svc_ecs"',
      '  project_role {',
      '    project = "cn-north-4"',
      `    roles   = [${roles}, "Tenant Administrator"]`,
      '  }',
      '}',
      '',
    ].join('\n');
    scanWith(engine, 'roles/main.tf', agency);
  });

  it('policy JSON nested 1,000 levels', () => {
    const nested = `${'{"a":'.repeat(1000)}1${'}'.repeat(1000)}`;
    const policy = `{"Version":"1.1","Statement":[{"Effect":"Allow","Action":["*"],"Condition":${nested}}]}`;
    const role = ['resource "huaweicloud_identity_role" "deep" {', '  name = "deep"', '  type = "AX"', `  policy = <<-EOT\n${policy}\nEOT`, '}', ''];
    scanWith(engine, 'policy/main.tf', role.join('\n'));
    const encoded = `${'{a = '.repeat(1000)}1${' }'.repeat(1000)}`;
    scanWith(engine, 'policy-hcl/main.tf', `resource "huaweicloud_identity_role" "deep" {\n  policy = jsonencode(${encoded})\n}\n`);
  });
});

describe('hostile file system', () => {
  let engine: Engine;
  before(async () => {
    engine = await sharedEngine();
  });

  it('symbolic-link loop', () => {
    const root = hostileWorkspace();
    fs.mkdirSync(path.join(root, 'loop'));
    fs.symlinkSync(path.join(root, 'loop'), path.join(root, 'loop', 'again'));
    fs.symlinkSync(root, path.join(root, 'loop', 'up'));
    const measured = measure(() => engine.scan([root], disk));
    assertContained(measured, path.join(root, 'loop'), root);
  });

  it('link outside the workspace', () => {
    const outside = hostileWorkspace();
    const root = hostileWorkspace();
    fs.symlinkSync(path.join(outside, 'healthy'), path.join(root, 'elsewhere'));
    const measured = measure(() => engine.scan([root], disk));
    assertContained(measured, path.join(root, 'elsewhere'), root);
    const outsideFindings = measured.value.findings.filter((finding) => finding.location.file.startsWith(path.join(root, 'elsewhere')));
    assert.deepStrictEqual(outsideFindings, []);
  });

  it('unreadable file', () => {
    const root = hostileWorkspace();
    const file = writeFile(root, 'locked/main.tf', 'locals {}\n');
    fs.chmodSync(file, 0);
    // Root reads files whatever their mode, so the provider refuses this one the way the disk would.
    const source: SourceProvider = Object.create(disk);
    source.readText = (target: string) => {
      if (target === file) throw new Error(`EACCES: permission denied, open '${file}'`);
      return disk.readText(target);
    };
    const measured = measure(() => engine.scan([root], source));
    assertContained(measured, file, root);
    assert.match(noticesOf(measured.value, file).join(), /permission denied/);
  });

  it('file deleted after listing', () => {
    const root = hostileWorkspace();
    const file = writeFile(root, 'gone/main.tf', 'locals {}\n');
    // The walk lists the folder first and the module loader lists it again; the file goes in between.
    let listings = 0;
    const source: SourceProvider = Object.create(disk);
    source.listDirectory = (dir: string) => {
      const entries = disk.listDirectory(dir);
      if (dir === path.dirname(file) && ++listings === 2) fs.rmSync(file, { force: true });
      return entries;
    };
    const measured = measure(() => engine.scan([root], source));
    assertContained(measured, file, root);
    assert.match(noticesOf(measured.value, file).join(), /main\.tf was not analysed: the file was not found/);
  });
});
