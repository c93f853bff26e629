import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Diagnostic, TextDocumentEdit } from 'vscode-languageserver-protocol';
import { createWorkspace, fileUri, LspSession } from './lspSession';

const ruleId = 'ecs-metadata-unrestricted';
const firewallScript = [
  '#!/bin/bash',
  'iptables -A OUTPUT -p tcp -d 169.254.169.254 -m owner ! --uid-owner root -j REJECT',
  'iptables-save > /etc/iptables/rules.v4',
  'echo "starting app"',
  '',
].join('\n');

function ruleDiagnostics(diagnostics: Diagnostic[]): Diagnostic[] {
  return diagnostics.filter((diagnostic) => diagnostic.code === ruleId);
}

function hasFinding(diagnostics: Diagnostic[]): boolean {
  return ruleDiagnostics(diagnostics).length > 0;
}

function hasNoFinding(diagnostics: Diagnostic[]): boolean {
  return !hasFinding(diagnostics);
}

describe('language server over stdio', function () {
  let workspace: string;
  let session: LspSession;

  before(async function () {
    workspace = createWorkspace({
      quickfix: 'quickfix',
      settings: 'quickfix',
      'dependency-open': 'dependency',
      'dependency-disk': 'dependency',
      syntax: 'syntax',
    });
    session = new LspSession();
    await session.initialize(workspace);
  });

  after(function () {
    session?.dispose();
    if (workspace) fs.rmSync(workspace, { recursive: true, force: true });
  });

  /** Opens a Terraform file and waits until its finding is published. */
  async function openWithFinding(file: string): Promise<{ text: string; diagnostic: Diagnostic }> {
    const published = session.waitForDiagnostics(fileUri(file), hasFinding);
    const text = session.open(file, 'terraform');
    const [diagnostic] = ruleDiagnostics(await published);
    return { text, diagnostic };
  }

  it('publishes and fixes a finding', async function () {
    const file = path.join(workspace, 'quickfix', 'main.tf');
    const uri = fileUri(file);
    const { text, diagnostic } = await openWithFinding(file);

    assert.strictEqual(diagnostic.source, 'metadata-guard');
    assert.strictEqual(diagnostic.code, ruleId);
    assert.strictEqual(diagnostic.range.start.line, 0);
    assert.strictEqual(diagnostic.range.end.line, 0);
    assert.match(diagnostic.codeDescription?.href ?? '', /^file:.*ecs-metadata-unrestricted\.md$/);

    const request = {
      textDocument: { uri },
      range: diagnostic.range,
      context: { diagnostics: [diagnostic] },
    };
    const actions = await session.codeActions(request);
    const preferred = actions.filter((action) => action.isPreferred);
    assert.strictEqual(preferred.length, 1);
    assert.strictEqual(preferred[0].kind, 'quickfix');
    assert.deepStrictEqual(preferred[0].diagnostics?.map((d) => d.code), [ruleId]);
    const documentChanges = (preferred[0].edit?.documentChanges ?? []) as TextDocumentEdit[];
    assert.deepStrictEqual(documentChanges.map((change) => change.textDocument.uri), [uri]);
    assert.strictEqual(documentChanges[0].textDocument.version, 1);

    const fixed = TextDocument.applyEdits(
      TextDocument.create(uri, 'terraform', 1, text),
      documentChanges[0].edits,
    );
    assert.match(fixed, /169\.254\.169\.254/);
    const cleared = session.waitForDiagnostics(uri, hasNoFinding);
    session.change(file, 2, fixed);
    assert.deepStrictEqual(await cleared, []);

    const stale = await session.codeActions(request);
    assert.deepStrictEqual(stale, []);
  });

  it('follows an open script named by file()', async function () {
    const folder = path.join(workspace, 'dependency-open');
    const mainUri = fileUri(path.join(folder, 'main.tf'));
    const script = path.join(folder, 'init.sh');
    await openWithFinding(path.join(folder, 'main.tf'));

    const cleared = session.waitForDiagnostics(mainUri, hasNoFinding);
    session.open(script, 'shellscript');
    session.change(script, 2, firewallScript);
    assert.deepStrictEqual(await cleared, []);

    const restored = session.waitForDiagnostics(mainUri, hasFinding);
    session.close(script);
    assert.strictEqual(ruleDiagnostics(await restored).length, 1);
  });

  it('follows a script changed on disk', async function () {
    const folder = path.join(workspace, 'dependency-disk');
    const mainUri = fileUri(path.join(folder, 'main.tf'));
    const script = path.join(folder, 'init.sh');
    await openWithFinding(path.join(folder, 'main.tf'));

    const cleared = session.waitForDiagnostics(mainUri, hasNoFinding);
    fs.writeFileSync(script, firewallScript);
    void session.connection.sendNotification('workspace/didChangeWatchedFiles', {
      changes: [{ uri: fileUri(script), type: 2 }],
    });
    assert.deepStrictEqual(await cleared, []);
  });

  it('reports a parse error as information', async function () {
    const file = path.join(workspace, 'syntax', 'main.tf');
    const published = session.waitForDiagnostics(
      fileUri(file),
      (diagnostics) => hasFinding(diagnostics) && diagnostics.some((d) => d.code === undefined),
    );
    session.open(file, 'terraform');
    const diagnostics = await published;
    const notices = diagnostics.filter((diagnostic) => diagnostic.code === undefined);

    assert.strictEqual(ruleDiagnostics(diagnostics).length, 1);
    assert.strictEqual(notices.length, 1);
    assert.strictEqual(notices[0].severity, 3);
    assert.strictEqual(notices[0].source, 'metadata-guard');
    assert.strictEqual(notices[0].range.start.line, 7);
  });

  it('clears diagnostics when disabled', async function () {
    const folder = path.join(workspace, 'settings');
    const uri = fileUri(path.join(folder, 'main.tf'));
    await openWithFinding(path.join(folder, 'main.tf'));

    const cleared = session.waitForDiagnostics(uri, (diagnostics) => diagnostics.length === 0);
    session.disabledFolders.add(folder);
    session.changeConfiguration();
    assert.deepStrictEqual(await cleared, []);

    const restored = session.waitForDiagnostics(uri, hasFinding);
    session.disabledFolders.delete(folder);
    session.changeConfiguration();
    assert.strictEqual(ruleDiagnostics(await restored).length, 1);
  });
});
