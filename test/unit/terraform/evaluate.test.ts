import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { DiskSourceProvider } from '../../../server/src/engine/source';
import { fixturesDir, hostPosition, load, loadText, MemorySource, onlyText } from './helpers';

const scriptsModule = path.join(fixturesDir, 'scripts-module');

describe('evaluateString', () => {
  it('quoted string decodes escapes', async () => {
    const loaded = await loadText(
      'resource "huaweicloud_compute_instance" "q" {\n  user_data = "#!/bin/bash\\necho \\"hi\\"\\tend"\n}\n',
    );
    const piece = onlyText(loaded.evaluate('huaweicloud_compute_instance.q'));
    assert.strictEqual(piece.text, '#!/bin/bash\necho "hi"\tend');
    assert.strictEqual(piece.origin.kind, 'hcl-quoted');
    assert.deepStrictEqual(piece.placeholders, []);
    assert.deepStrictEqual(hostPosition(loaded, piece, piece.text.indexOf('echo')), { line: 1, character: 28 });
    assert.deepStrictEqual(hostPosition(loaded, piece, piece.text.indexOf('end')), { line: 1, character: 41 });
  });

  it('quoted string keeps escaped sequences literal', async () => {
    const loaded = await loadText(
      'resource "huaweicloud_compute_instance" "q" {\n  user_data = "a $${HOME} %%{b} \\u0041"\n}\n',
    );
    const piece = onlyText(loaded.evaluate('huaweicloud_compute_instance.q'));
    assert.strictEqual(piece.text, 'a ${HOME} %{b} A');
    assert.deepStrictEqual(piece.placeholders, []);
  });

  it('heredoc with <<- strips indentation', async () => {
    const tf = [
      'resource "huaweicloud_compute_instance" "h" {',
      '  user_data = <<-EOT',
      '    #!/bin/bash',
      '',
      '      echo ${var.name}',
      '    EOT',
      '}',
      'variable "name" {}',
      '',
    ].join('\n');
    const loaded = await loadText(tf);
    const piece = onlyText(loaded.evaluate('huaweicloud_compute_instance.h'));
    assert.strictEqual(piece.text, '#!/bin/bash\n\n  echo xxxxxxxxxxx\n');
    assert.strictEqual(piece.origin.kind, 'hcl-heredoc');
    assert.deepStrictEqual(piece.placeholders, [{ start: 20, end: 31 }]);
    assert.deepStrictEqual(hostPosition(loaded, piece, 0), { line: 2, character: 4 });
    assert.deepStrictEqual(hostPosition(loaded, piece, piece.text.indexOf('echo')), { line: 4, character: 6 });
    assert.deepStrictEqual(hostPosition(loaded, piece, 20), { line: 4, character: 11 });
  });

  it('heredoc with << keeps indentation', async () => {
    const tf = 'resource "a_b" "h" {\n  user_data = <<EOT\n  #!/bin/sh\n  true\nEOT\n}\n';
    const loaded = await loadText(tf);
    const piece = onlyText(loaded.evaluate('a_b.h'));
    assert.strictEqual(piece.text, '  #!/bin/sh\n  true\n');
    assert.deepStrictEqual(hostPosition(loaded, piece, 2), { line: 2, character: 2 });
  });

  it('heredoc keeps directive text visible', async () => {
    const tf = 'resource "a_b" "h" {\n  user_data = <<EOT\n%{ if true }on%{ endif }\nEOT\n}\n';
    const loaded = await loadText(tf);
    const piece = onlyText(loaded.evaluate('a_b.h'));
    assert.strictEqual(piece.text, 'xxxxxxxxxxxxonxxxxxxxxxx\n');
    assert.strictEqual(piece.placeholders.length, 2);
  });

  it('file() maps identity over the file', async () => {
    const loaded = await load(scriptsModule, new DiskSourceProvider());
    const scriptPath = path.join(scriptsModule, 'scripts', 'init.sh');
    const piece = onlyText(loaded.evaluate('huaweicloud_compute_instance.from_file'));
    assert.strictEqual(piece.text, fs.readFileSync(scriptPath, 'utf8'));
    assert.deepStrictEqual(piece.origin, { kind: 'file', path: scriptPath, viaTemplatefile: false });
    assert.strictEqual(piece.map.file, scriptPath);
    assert.deepStrictEqual(piece.map.segments, [{ textStart: 0, hostStart: 0, length: piece.text.length }]);
    assert.ok(loaded.reads.includes(scriptPath));
  });

  it('templatefile() keeps placeholders', async () => {
    const loaded = await load(scriptsModule, new DiskSourceProvider());
    const templatePath = path.join(scriptsModule, 'scripts', 'init.tpl');
    const hostText = fs.readFileSync(templatePath, 'utf8');
    const piece = onlyText(loaded.evaluate('huaweicloud_compute_instance.from_template'));
    assert.strictEqual(piece.text, '#!/bin/bash\necho xxxxxxx ${HOME} xxxxxxxxxxxxonxxxxxxxxxx\n');
    assert.deepStrictEqual(piece.origin, { kind: 'file', path: templatePath, viaTemplatefile: true });
    assert.deepStrictEqual(piece.placeholders.map((p) => piece.text.slice(p.start, p.end)), [
      'xxxxxxx',
      'xxxxxxxxxxxx',
      'xxxxxxxxxx',
    ]);
    assert.strictEqual(piece.map.toHost(piece.text.indexOf('${HOME}')), hostText.indexOf('$${HOME}') + 1);
    assert.strictEqual(piece.map.toHost(piece.text.indexOf('on')), hostText.indexOf('}on') + 1);
  });

  it('filebase64() reads the file', async () => {
    const loaded = await load(scriptsModule, new DiskSourceProvider());
    const piece = onlyText(loaded.evaluate('huaweicloud_compute_instance.from_base64_file'));
    assert.ok(piece.text.startsWith('#!/bin/bash\n'));
    assert.strictEqual(piece.origin.kind, 'file');
  });

  it('file() of a missing file is unknown', async () => {
    const loaded = await load(scriptsModule, new DiskSourceProvider());
    const [[piece]] = loaded.evaluate('huaweicloud_compute_instance.missing_file');
    assert.strictEqual(piece.kind, 'unknown');
    assert.match(piece.kind === 'unknown' ? piece.reason : '', /could not read .*absent\.sh/);
  });

  it('path.root resolves to the module folder', async () => {
    const loaded = await loadText('resource "a_b" "c" {\n  user_data = file("${path.root}/s.sh")\n}\n', {
      's.sh': '#!/bin/sh\n',
    });
    const piece = onlyText(loaded.evaluate('a_b.c'));
    assert.strictEqual(piece.text, '#!/bin/sh\n');
    assert.deepStrictEqual(loaded.reads, ['/mem/s.sh']);
  });

  it('base64encode() gives the inner text', async () => {
    const loaded = await loadText('resource "a_b" "c" {\n  user_data = base64encode("#!/bin/sh\\ntrue")\n}\n');
    const piece = onlyText(loaded.evaluate('a_b.c'));
    assert.strictEqual(piece.text, '#!/bin/sh\ntrue');
    assert.strictEqual(piece.origin.kind, 'hcl-quoted');
  });

  it('literal base64 script is decoded', async () => {
    const tf = 'resource "a_b" "c" {\n  user_data = "IyEvYmluL2Jhc2gKZWNobyBoaQo="\n}\n';
    const loaded = await loadText(tf);
    const piece = onlyText(loaded.evaluate('a_b.c'));
    assert.strictEqual(piece.text, '#!/bin/bash\necho hi\n');
    assert.deepStrictEqual(piece.origin, { kind: 'decoded' });
    assert.strictEqual(piece.map.isVerbatim, false);
    assert.strictEqual(piece.map.fallbackStart, tf.indexOf('"IyEv'));
  });

  it('base64-like word stays text', async () => {
    const loaded = await loadText('resource "a_b" "c" {\n  user_data = "abcdefgh"\n}\n');
    const piece = onlyText(loaded.evaluate('a_b.c'));
    assert.strictEqual(piece.text, 'abcdefgh');
    assert.strictEqual(piece.origin.kind, 'hcl-quoted');
  });

  it('base64decode() decodes its argument', async () => {
    const encoded = Buffer.from('echo plain\n').toString('base64');
    const loaded = await loadText(`resource "a_b" "c" {\n  user_data = base64decode("${encoded}")\n}\n`);
    const piece = onlyText(loaded.evaluate('a_b.c'));
    assert.strictEqual(piece.text, 'echo plain\n');
    assert.strictEqual(piece.origin.kind, 'decoded');
  });

  it('variable default', async () => {
    const loaded = await loadText(
      'resource "a_b" "c" {\n  user_data = var.boot\n}\nvariable "boot" {\n  default = "#!/bin/sh"\n}\n',
    );
    assert.strictEqual(onlyText(loaded.evaluate('a_b.c')).text, '#!/bin/sh');
  });

  it('variable from terraform.tfvars', async () => {
    const loaded = await loadText(
      'resource "a_b" "c" {\n  user_data = var.boot\n}\nvariable "boot" {\n  default = "default"\n}\n',
      { 'terraform.tfvars': 'boot = "from tfvars"\n' },
    );
    const piece = onlyText(loaded.evaluate('a_b.c'));
    assert.strictEqual(piece.text, 'from tfvars');
    assert.strictEqual(piece.map.file, '/mem/terraform.tfvars');
  });

  it('variable from *.auto.tfvars wins', async () => {
    const loaded = await loadText('resource "a_b" "c" {\n  user_data = var.boot\n}\nvariable "boot" {}\n', {
      'terraform.tfvars': 'boot = "base"\n',
      'b.auto.tfvars': 'boot = "last"\n',
      'a.auto.tfvars': 'boot = "middle"\n',
    });
    assert.strictEqual(onlyText(loaded.evaluate('a_b.c')).text, 'last');
  });

  it('variable from terraform.tfvars.json', async () => {
    const loaded = await loadText('resource "a_b" "c" {\n  user_data = var.boot\n}\nvariable "boot" {}\n', {
      'terraform.tfvars.json': '{ "boot": "from json ${x}" }',
    });
    const piece = onlyText(loaded.evaluate('a_b.c'));
    assert.strictEqual(piece.text, 'from json ${x}');
    assert.deepStrictEqual(piece.placeholders, []);
  });

  it('variable without value is unknown', async () => {
    const loaded = await loadText('resource "a_b" "c" {\n  user_data = var.boot_script\n}\nvariable "boot_script" {}\n');
    const [[piece]] = loaded.evaluate('a_b.c');
    assert.strictEqual(piece.kind, 'unknown');
    const reason = piece.kind === 'unknown' ? piece.reason : '';
    assert.strictEqual(
      reason,
      'var.boot_script has no default and no value in terraform.tfvars or *.auto.tfvars ' +
        '(values passed by a calling module are not followed)',
    );
  });

  it('variable map key is selected', async () => {
    const loaded = await loadText(
      'resource "a_b" "c" {\n  user_data = var.scripts["web"]\n}\n' +
        'variable "scripts" {\n  default = { web = "#!/bin/web", db = "#!/bin/db" }\n}\n',
    );
    assert.strictEqual(onlyText(loaded.evaluate('a_b.c')).text, '#!/bin/web');
  });

  it('local value', async () => {
    const loaded = await loadText('resource "a_b" "c" {\n  user_data = local.script\n}\nlocals {\n  script = "echo"\n}\n');
    const piece = onlyText(loaded.evaluate('a_b.c'));
    assert.strictEqual(piece.text, 'echo');
    assert.strictEqual(piece.map.toHost(0), loaded.module.files[0].text.indexOf('echo'));
  });

  it('conditional gives two alternatives', async () => {
    const loaded = await loadText('resource "a_b" "c" {\n  user_data = var.on ? "one" : local.two\n}\nlocals {\n  two = "two"\n}\n');
    const alternatives = loaded.evaluate('a_b.c');
    assert.strictEqual(alternatives.length, 2);
    assert.strictEqual(onlyText([alternatives[0]]).text, 'one');
    assert.strictEqual(onlyText([alternatives[1]]).text, 'two');
  });

  it('conditional with null gives empty alternative', async () => {
    const loaded = await loadText('resource "a_b" "c" {\n  user_data = var.on ? "one" : null\n}\n');
    const alternatives = loaded.evaluate('a_b.c');
    assert.strictEqual(alternatives.length, 2);
    assert.deepStrictEqual(alternatives[1], []);
  });

  it('cloudinit_config gives one piece per part', async () => {
    const tf = [
      'resource "a_b" "c" {',
      '  user_data = data.cloudinit_config.cfg.rendered',
      '}',
      'data "cloudinit_config" "cfg" {',
      '  part {',
      '    content = "#cloud-config"',
      '  }',
      '  part {',
      '    content = file("${path.module}/s.sh")',
      '  }',
      '}',
      '',
    ].join('\n');
    const loaded = await loadText(tf, { 's.sh': '#!/bin/sh\n' });
    const alternatives = loaded.evaluate('a_b.c');
    assert.strictEqual(alternatives.length, 1);
    assert.strictEqual(alternatives[0].length, 2);
    const [first, second] = alternatives[0];
    assert.strictEqual(first.kind === 'text' ? first.text : '', '#cloud-config');
    assert.strictEqual(second.kind === 'text' ? second.origin.kind : '', 'file');
  });

  it('template_cloudinit_config is followed', async () => {
    const tf =
      'resource "a_b" "c" {\n  user_data = data.template_cloudinit_config.x.rendered\n}\n' +
      'data "template_cloudinit_config" "x" {\n  part {\n    content = "#!/bin/sh"\n  }\n}\n';
    const loaded = await loadText(tf);
    assert.strictEqual(onlyText(loaded.evaluate('a_b.c')).text, '#!/bin/sh');
  });

  it('reference cycle is unknown', async () => {
    const loaded = await loadText('resource "a_b" "c" {\n  user_data = local.a\n}\nlocals {\n  a = local.b\n  b = local.a\n}\n');
    const [[piece]] = loaded.evaluate('a_b.c');
    assert.strictEqual(piece.kind, 'unknown');
    assert.match(piece.kind === 'unknown' ? piece.reason : '', /cycle: local\.a -> local\.b -> local\.a/);
  });

  it('template of one interpolation evaluates it', async () => {
    const loaded = await loadText('resource "a_b" "c" {\n  user_data = "${local.a}"\n}\nlocals {\n  a = "inner"\n}\n');
    assert.strictEqual(onlyText(loaded.evaluate('a_b.c')).text, 'inner');
  });

  it('resource attribute is unknown', async () => {
    const loaded = await loadText('resource "a_b" "c" {\n  user_data = huaweicloud_x.y.script\n}\n');
    const [[piece]] = loaded.evaluate('a_b.c');
    assert.strictEqual(piece.kind, 'unknown');
    assert.match(piece.kind === 'unknown' ? piece.reason : '', /huaweicloud_x\.y\.script .*after apply/);
  });

  it('join() is unknown', async () => {
    const loaded = await loadText('resource "a_b" "c" {\n  user_data = join("\\n", ["a", "b"])\n}\n');
    const [[piece]] = loaded.evaluate('a_b.c');
    assert.strictEqual(piece.kind, 'unknown');
  });

  it('.tf.json string maps through escapes', async () => {
    const json = '{"resource": {"a_b": {"c": {"user_data": "#!/bin/sh\\necho ${var.x} done"}}}}';
    const loaded = await load('/j', new MemorySource({ '/j/main.tf.json': json }));
    const piece = onlyText(loaded.evaluate('a_b.c'));
    assert.strictEqual(piece.text, '#!/bin/sh\necho xxxxxxxx done');
    assert.strictEqual(piece.origin.kind, 'json-string');
    assert.deepStrictEqual(piece.placeholders, [{ start: 15, end: 23 }]);
    assert.strictEqual(piece.map.toHost(piece.text.indexOf('echo')), json.indexOf('echo'));
    assert.strictEqual(piece.map.toHost(piece.text.indexOf('done')), json.indexOf('done'));
    assert.strictEqual(piece.map.toHost(15), json.indexOf('${var.x}'));
  });
});
