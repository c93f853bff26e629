import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';

const root = path.resolve(__dirname, '..', '..', '..', '..');
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

describe('extension manifest', () => {
  it('matches engines.vscode to the pinned types', () => {
    const types = manifest.devDependencies['@types/vscode'];
    assert.strictEqual(manifest.engines.vscode, `^${types}`);
  });

  it('declares untrusted workspaces supported', () => {
    assert.strictEqual(manifest.capabilities.untrustedWorkspaces.supported, true);
    assert.strictEqual(manifest.capabilities.virtualWorkspaces.supported, false);
  });

  it('contributes terraform without a grammar', () => {
    const terraform = manifest.contributes.languages.find((language: { id: string }) => language.id === 'terraform');
    assert.ok(terraform);
    assert.strictEqual(terraform.configuration, undefined);
    const grammars: Array<{ language?: string }> = manifest.contributes.grammars;
    assert.ok(grammars.every((grammar) => grammar.language === undefined), 'only injection grammars');
  });

  it('injects the suppression grammar into comments', () => {
    const [grammar] = manifest.contributes.grammars;
    const file = JSON.parse(fs.readFileSync(path.join(root, grammar.path), 'utf8'));
    assert.strictEqual(file.scopeName, grammar.scopeName);
    assert.strictEqual(file.injectionSelector, 'L:comment');
    for (const scope of ['source.terraform', 'source.yaml', 'source.shell', 'source.powershell']) {
      assert.ok(grammar.injectTo.includes(scope), scope);
    }
  });

  it('matches suppression comments with the grammar pattern', () => {
    const [grammar] = manifest.contributes.grammars;
    const file = JSON.parse(fs.readFileSync(path.join(root, grammar.path), 'utf8'));
    const pattern = new RegExp(file.patterns[0].match);
    const match = pattern.exec('# metadata-guard:ignore ecs-metadata-unrestricted, agency-broad-role exp:2027-01-31 -- bastion');
    assert.ok(match);
    assert.strictEqual(match[2], 'ecs-metadata-unrestricted, agency-broad-role');
    assert.strictEqual(match[3], 'exp:2027-01-31');
    assert.strictEqual(match[5], 'bastion');
  });

  it('activates on the supported files', () => {
    for (const event of ['onLanguage:terraform', 'workspaceContains:**/*.tf', 'workspaceContains:**/*.tf.json']) {
      assert.ok(manifest.activationEvents.includes(event), event);
    }
  });

  it('describes every setting with a scope', () => {
    for (const [key, setting] of Object.entries<Record<string, unknown>>(manifest.contributes.configuration.properties)) {
      assert.ok(setting.description || setting.markdownDescription, `${key} has a description`);
      assert.ok(setting.scope, `${key} has a scope`);
    }
  });
});
