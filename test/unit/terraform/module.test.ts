import * as assert from 'assert';
import { parseHcl } from '../../../server/src/engine/terraform/hcl';
import { findAttributes, getAttribute, resourceReferences } from '../../../server/src/engine/terraform/lookup';
import { loadModule } from '../../../server/src/engine/terraform/module';
import { MemorySource, testParsers } from './helpers';

describe('loadModule', () => {
  it('.tf.json resource with offsets', async () => {
    const json = [
      '{',
      '  "resource": {',
      '    "huaweicloud_compute_instance": {',
      '      "web": {',
      '        "name": "web",',
      '        "agency_name": "${huaweicloud_identity_agency.ecs.name}",',
      '        "metadata": { "agency_name": "ops" },',
      '        "instance_config": { "user_data": "x" }',
      '      }',
      '    }',
      '  },',
      '  "variable": { "boot": { "default": "#!/bin/sh" } }',
      '}',
    ].join('\n');
    const source = new MemorySource({ '/j/main.tf.json': json });
    const { module } = loadModule('/j', source, await testParsers());

    const block = module.resources.get('huaweicloud_compute_instance.web');
    assert.ok(block);
    assert.deepStrictEqual(block.labels, ['huaweicloud_compute_instance', 'web']);
    assert.strictEqual(json.slice(block.labelSpans[1].start, block.labelSpans[1].end), 'web');
    assert.strictEqual(block.openBrace, json.indexOf('{\n        "name"'));
    assert.strictEqual(json[block.closeBrace], '}');
    assert.strictEqual(block.closeBrace, json.indexOf('}\n    }'));

    const name = block.attributes.get('name');
    assert.ok(name);
    assert.strictEqual(json.slice(name.nameSpan.start, name.nameSpan.end), 'name');
    assert.strictEqual(json.slice(name.expr.span.start, name.expr.span.end), '"web"');

    assert.deepStrictEqual(block.blocks.map((nested) => nested.type), ['instance_config']);
    assert.strictEqual(getAttribute(block, 'metadata.agency_name')?.expr.kind, 'template');
    assert.deepStrictEqual(resourceReferences(block.attributes.get('agency_name')!.expr), [
      'huaweicloud_identity_agency.ecs',
    ]);
    assert.ok(module.variables.get('boot')?.attributes.get('default'));
  });

  it('CRLF and non-ASCII offsets', async () => {
    const tf = '# Prüfung 日本語 😀\r\nresource "a_b" "c" {\r\n  user_data = "é"\r\n}\r\n';
    const source = new MemorySource({ '/m/main.tf': tf });
    const { module } = loadModule('/m', source, await testParsers());
    const block = module.resources.get('a_b.c');
    assert.ok(block);
    assert.strictEqual(block.span.start, tf.indexOf('resource'));
    assert.strictEqual(block.closeBrace, tf.lastIndexOf('}'));
    const attribute = block.attributes.get('user_data')!;
    assert.strictEqual(attribute.nameSpan.start, tf.indexOf('user_data'));
    assert.strictEqual(attribute.expr.span.start, tf.indexOf('"é"'));
    assert.deepStrictEqual(block.file.lines.positionAt(attribute.nameSpan.start), { line: 2, character: 2 });
  });

  it('syntax error keeps parsed blocks', async () => {
    const tf = 'resource "a_b" "one" {\n  x = 1\n}\nresource "a_b" "bad" {\n  y = foo(\n}\nresource "a_b" "two" {\n  z = 3\n}\n';
    const source = new MemorySource({ '/e/main.tf': tf });
    const { module } = loadModule('/e', source, await testParsers());
    assert.ok(module.resources.has('a_b.one'));
    assert.ok(module.resources.has('a_b.two'));
    assert.ok(module.files[0].parseErrors.length > 0);
    assert.ok(module.files[0].parseErrors[0].start >= tf.indexOf('foo('));
  });

  it('broken JSON keeps parsed blocks', async () => {
    const json = '{"resource": {"a_b": {"c": {"name": "x"}}}, "data": {';
    const source = new MemorySource({ '/b/main.tf.json': json });
    const { module } = loadModule('/b', source, await testParsers());
    assert.ok(module.resources.has('a_b.c'));
    assert.ok(module.files[0].parseErrors.length > 0);
  });

  it('unreadable file goes to errors', async () => {
    const source = new MemorySource({ '/u/main.tf': 'resource "a_b" "c" {}\n' }, ['/u/secret.tf']);
    const { module, errors } = loadModule('/u', source, await testParsers());
    assert.strictEqual(errors.length, 1);
    assert.strictEqual(errors[0].file, '/u/secret.tf');
    assert.match(errors[0].message, /secret\.tf was not analysed: permission denied/);
    assert.ok(module.resources.has('a_b.c'));
    assert.ok(module.readFiles.includes('/u/secret.tf'));
  });

  it('skips subfolders and other files', async () => {
    const source = new MemorySource({
      '/s/main.tf': 'resource "a_b" "c" {}\n',
      '/s/sub/other.tf': 'resource "a_b" "d" {}\n',
      '/s/notes.txt': 'resource "a_b" "e" {}\n',
    });
    const { module } = loadModule('/s', source, await testParsers());
    assert.deepStrictEqual([...module.resources.keys()], ['a_b.c']);
  });
});

describe('parseHcl', () => {
  it('nested blocks and lookups', async () => {
    const tf = [
      'resource "huaweicloud_as_configuration" "c" {',
      '  instance_config {',
      '    user_data = base64encode("x")',
      '    personality {',
      '      content = "a"',
      '    }',
      '    personality {',
      '      content = "b"',
      '    }',
      '  }',
      '  extend_param = { "agency_name" = var.agency }',
      '  image_id = data.huaweicloud_images_image.win.id',
      '  group = huaweicloud_as_group.g[count.index].id',
      '}',
    ].join('\n');
    const { blocks } = parseHcl('/p/main.tf', tf, (await testParsers()).hcl);
    const [block] = blocks;
    assert.strictEqual(getAttribute(block, 'instance_config.user_data')?.expr.kind, 'call');
    assert.strictEqual(findAttributes(block, 'instance_config.personality.content').length, 2);
    const agency = getAttribute(block, 'extend_param.agency_name');
    assert.deepStrictEqual(agency?.expr.kind === 'reference' ? agency.expr.path : [], ['var', 'agency']);
    assert.deepStrictEqual(resourceReferences(block.attributes.get('image_id')!.expr), [
      'data.huaweicloud_images_image.win',
    ]);
    assert.deepStrictEqual(resourceReferences(block.attributes.get('group')!.expr), ['huaweicloud_as_group.g']);
  });

  it('references inside operators are found', async () => {
    const tf = 'x = huaweicloud_a.b.id == "" ? "${huaweicloud_c.d.name}" : var.e\n';
    const { attributes } = parseHcl('/p/x.tf', tf, (await testParsers()).hcl);
    assert.deepStrictEqual(resourceReferences(attributes[0].expr), ['huaweicloud_a.b', 'huaweicloud_c.d']);
  });

  it('index accesses become path items', async () => {
    const tf = 'a = var.list[0]\nb = var.map["k"]\nc = x.y.*.id\n';
    const { attributes } = parseHcl('/p/x.tf', tf, (await testParsers()).hcl);
    const paths = attributes.map((attribute) => (attribute.expr.kind === 'reference' ? attribute.expr.path : []));
    assert.deepStrictEqual(paths, [['var', 'list', '0'], ['var', 'map', 'k'], ['x', 'y', '*', 'id']]);
  });

  it('object keys and literals', async () => {
    const tf = 'o = { a = 1, "b" = true, c = null, (var.k) = [1, 2] }\n';
    const { attributes } = parseHcl('/p/x.tf', tf, (await testParsers()).hcl);
    const expr = attributes[0].expr;
    assert.strictEqual(expr.kind, 'object');
    if (expr.kind !== 'object') return;
    assert.deepStrictEqual(expr.entries.map((entry) => entry.key), ['a', 'b', 'c', undefined]);
    assert.deepStrictEqual(expr.entries.map((entry) => entry.value.kind), ['number', 'bool', 'null', 'tuple']);
  });

  it('heredoc info is filled', async () => {
    const tf = 'x = <<-EOT\n  a\n  EOT\n';
    const { attributes } = parseHcl('/p/x.tf', tf, (await testParsers()).hcl);
    const expr = attributes[0].expr;
    assert.strictEqual(expr.kind, 'template');
    assert.deepStrictEqual(expr.kind === 'template' ? expr.heredoc : undefined, { marker: 'EOT', stripIndent: true, contentStart: 11, contentEnd: 15 });
  });
});
