import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { createWorkspace, fileUri, LspSession } from './lspSession';

const ruleId = 'ecs-metadata-unrestricted';

function hasFinding(diagnostics: Diagnostic[]): boolean {
  return diagnostics.some((diagnostic) => diagnostic.code === ruleId);
}

/** Sends `workspace/didChangeWorkspaceFolders` with folders given by path. */
function changeFolders(session: LspSession, added: string[], removed: string[]): void {
  const toFolder = (folder: string) => ({ uri: fileUri(folder), name: path.basename(folder) });
  void session.connection.sendNotification('workspace/didChangeWorkspaceFolders', {
    event: { added: added.map(toFolder), removed: removed.map(toFolder) },
  });
}

describe('workspace folders over stdio', function () {
  let workspace: string;
  let session: LspSession;
  const folder = (name: string) => path.join(workspace, name);
  const mainUri = (name: string) => fileUri(path.join(workspace, name, 'main.tf'));

  before(async function () {
    workspace = createWorkspace({ first: 'quickfix', second: 'quickfix' });
    session = new LspSession();
    const scanned = session.waitForDiagnostics(mainUri('first'), hasFinding);
    await session.initialize(folder('first'), { workspaceFolders: true });
    await scanned;
  });

  after(function () {
    session?.dispose();
    if (workspace) fs.rmSync(workspace, { recursive: true, force: true });
  });

  it('added folder scanned', async function () {
    const scanned = session.waitForDiagnostics(mainUri('second'), hasFinding);
    changeFolders(session, [folder('second')], []);
    assert.ok(hasFinding(await scanned));
  });

  it('removed folder cleared', async function () {
    const cleared = session.waitForDiagnostics(mainUri('first'), (diagnostics) => diagnostics.length === 0);
    changeFolders(session, [], [folder('first')]);
    assert.deepStrictEqual(await cleared, []);
    assert.ok(hasFinding(session.latestDiagnostics(mainUri('second'))));
  });
});

describe('client without folder events', function () {
  let workspace: string;
  let session: LspSession;

  before(function () {
    workspace = createWorkspace({ first: 'quickfix', second: 'quickfix' });
    session = new LspSession();
  });

  after(function () {
    session?.dispose();
    if (workspace) fs.rmSync(workspace, { recursive: true, force: true });
  });

  it('server keeps running', async function () {
    const first = fileUri(path.join(workspace, 'first', 'main.tf'));
    const scanned = session.waitForDiagnostics(first, hasFinding);
    await session.initialize(path.join(workspace, 'first'));
    await scanned;
    changeFolders(session, [path.join(workspace, 'second')], []);
    await session.scanWorkspace();
    const second = fileUri(path.join(workspace, 'second', 'main.tf'));
    assert.deepStrictEqual(session.publicationsFor(second), []);
    assert.ok(hasFinding(session.latestDiagnostics(first)));
  });
});
