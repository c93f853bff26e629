import * as assert from 'assert';
import * as vscode from 'vscode';

const ruleId = 'ecs-metadata-unrestricted';
const firewallRule = 'iptables -A OUTPUT -p tcp -d 169.254.169.254 -m owner ! --uid-owner root -j REJECT';
/** Deadline for the first analysis, which includes starting the server and loading parsers. */
const diagnosticsDeadlineMs = 60_000;

function folderUri(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the test must run with the fixture workspace open');
  return folder.uri;
}

function fileUri(name: string): vscode.Uri {
  return vscode.Uri.joinPath(folderUri(), name);
}

function codeOf(diagnostic: vscode.Diagnostic): string | number | undefined {
  const code = diagnostic.code;
  return typeof code === 'object' ? code.value : code;
}

function findings(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((diagnostic) => codeOf(diagnostic) === ruleId);
}

/**
 * Resolves once `condition` holds, checking now and after every diagnostics change event, and
 * rejects with `what` when the deadline passes first.
 */
function waitForDiagnostics(what: string, condition: () => boolean): Promise<void> {
  if (condition()) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      listener.dispose();
      reject(new Error(`Timed out after ${diagnosticsDeadlineMs} ms waiting for ${what}`));
    }, diagnosticsDeadlineMs);
    const listener = vscode.languages.onDidChangeDiagnostics(() => {
      if (!condition()) return;
      clearTimeout(timer);
      listener.dispose();
      resolve();
    });
  });
}

async function preferredFix(uri: vscode.Uri, range: vscode.Range): Promise<vscode.CodeAction> {
  const actions = await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>(
    'vscode.executeCodeActionProvider',
    uri,
    range,
  );
  const preferred = (actions ?? []).filter(
    (action): action is vscode.CodeAction => 'isPreferred' in action && action.isPreferred === true,
  );
  assert.strictEqual(preferred.length, 1, `expected one preferred fix, got ${preferred.length}`);
  return preferred[0];
}

describe('extension in VS Code', function () {
  let openDocument: vscode.TextDocument;

  before(async function () {
    const openUri = fileUri('open.tf');
    const scriptedUri = fileUri('scripted.tf');
    // Subscribed before the document opens, so the first publication cannot be missed.
    const published = waitForDiagnostics('findings in open.tf and scripted.tf', () =>
      findings(openUri).length > 0 && findings(scriptedUri).length > 0,
    );
    openDocument = await vscode.workspace.openTextDocument(openUri);
    await vscode.window.showTextDocument(openDocument);
    await published;
  });

  it('reports the open file', function () {
    const [finding] = findings(openDocument.uri);
    assert.strictEqual(findings(openDocument.uri).length, 1);
    assert.strictEqual(finding.source, 'metadata-guard');
    assert.strictEqual(finding.severity, vscode.DiagnosticSeverity.Warning);
    assert.strictEqual(finding.range.start.line, 2);
  });

  it('reports an unopened file', function () {
    const scriptedUri = fileUri('scripted.tf');
    const isOpen = vscode.workspace.textDocuments.some(
      (document) => document.uri.toString() === scriptedUri.toString(),
    );
    assert.strictEqual(isOpen, false);
    assert.strictEqual(findings(scriptedUri).length, 1);
    assert.strictEqual(findings(scriptedUri)[0].range.start.line, 2);
  });

  it('leaves the clean file alone', function () {
    assert.deepStrictEqual(findings(fileUri('clean.tf')), []);
  });

  it('offers a preferred quick fix', async function () {
    const fix = await preferredFix(openDocument.uri, findings(openDocument.uri)[0].range);
    assert.ok(fix.kind, 'the fix has a kind');
    assert.ok(vscode.CodeActionKind.QuickFix.contains(fix.kind), `kind ${fix.kind.value}`);
    assert.match(fix.title, /guest firewall rule/);
    assert.ok(fix.edit, 'the preferred fix carries a workspace edit');
  });

  it('applies the fix and clears the finding', async function () {
    const fix = await preferredFix(openDocument.uri, findings(openDocument.uri)[0].range);
    const cleared = waitForDiagnostics('the finding in open.tf to go', () =>
      findings(openDocument.uri).length === 0,
    );
    assert.strictEqual(await vscode.workspace.applyEdit(fix.edit!), true);
    const lines = openDocument.getText().split('\n');
    const shebang = lines.findIndex((line) => line.trim() === '#!/bin/bash');
    assert.ok(shebang >= 0, 'the heredoc keeps its shebang');
    assert.ok(lines.some((line) => line.trim() === firewallRule), 'the rule is in the heredoc');
    assert.ok(lines.findIndex((line) => line.trim() === firewallRule) > shebang);
    await cleared;
    assert.deepStrictEqual(findings(openDocument.uri), []);
  });

  it('keeps the other file\'s finding', function () {
    assert.strictEqual(findings(fileUri('scripted.tf')).length, 1);
  });
});
