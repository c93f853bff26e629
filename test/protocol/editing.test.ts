import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { CodeAction, Diagnostic, PublishDiagnosticsParams, TextDocumentEdit, TextEdit } from 'vscode-languageserver-protocol';
import { createWorkspace, fileUri, LspSession, packageRoot } from './lspSession';

const ruleId = 'ecs-metadata-unrestricted';

function hasFinding(diagnostics: Diagnostic[]): boolean {
  return diagnostics.some((diagnostic) => diagnostic.code === ruleId);
}

/** Comments out every line, so the text has no findings. */
function commentedOut(text: string): string {
  return text
    .split('\n')
    .map((line) => (line === '' ? line : `# ${line}`))
    .join('\n');
}

/** Tells whether publication versions never go down, ignoring publications without a version. */
function versionsNeverDecrease(publications: PublishDiagnosticsParams[]): boolean {
  const versions = publications.map((params) => params.version).filter((version) => version !== undefined);
  return versions.every((version, index) => index === 0 || version >= versions[index - 1]);
}

/** Requests the code actions for a finding's diagnostic and range. */
function actionsFor(session: LspSession, uri: string, diagnostic: Diagnostic, only?: string[]): Promise<CodeAction[]> {
  return session.codeActions({
    textDocument: { uri },
    range: diagnostic.range,
    context: { diagnostics: [diagnostic], only },
  });
}

/** Returns the text edits a code action makes to one document, in either workspace edit form. */
function editsOf(action: CodeAction, uri: string): TextEdit[] {
  const changes = action.edit?.changes?.[uri];
  if (changes) return changes;
  const documentChange = action.edit?.documentChanges?.find(
    (change): change is TextDocumentEdit => 'textDocument' in change && change.textDocument.uri === uri,
  );
  return (documentChange?.edits ?? []) as TextEdit[];
}

function removeWorkspace(workspace: string | undefined): void {
  if (workspace) fs.rmSync(workspace, { recursive: true, force: true });
}

describe('editing over stdio', function () {
  let workspace: string;
  let session: LspSession;

  before(async function () {
    workspace = createWorkspace({ burst: 'quickfix', off: 'quickfix', moved: 'quickfix' });
    session = new LspSession();
    await session.initialize(workspace);
    await session.scanWorkspace();
  });

  after(function () {
    session?.dispose();
    removeWorkspace(workspace);
  });

  it('burst publishes the final text once', async function () {
    const file = path.join(workspace, 'burst', 'main.tf');
    const uri = fileUri(file);
    const opened = session.waitForVersion(uri, 1);
    const text = session.open(file, 'terraform');
    assert.ok(hasFinding(await opened));

    const before = session.published.length;
    const final = session.waitForVersion(uri, 201);
    for (let version = 2; version <= 200; version++) session.change(file, version, `${text}# edit ${version}\n`);
    session.change(file, 201, commentedOut(text));
    assert.deepStrictEqual(await final, []);
    const next = session.waitForVersion(uri, 202);
    session.change(file, 202, text);
    assert.ok(hasFinding(await next));

    const burst = session.published.slice(before).filter((params) => params.uri === uri);
    const finalIndex = burst.findIndex((params) => params.version === 201);
    assert.strictEqual(burst.filter((params) => params.version === 201).length, 1);
    assert.deepStrictEqual(burst.slice(finalIndex + 1).map((params) => params.version), [202]);
    assert.ok(versionsNeverDecrease(burst));
    assert.ok(burst.length < 200, `${burst.length} publications for 200 edits`);
  });

  it('reopened document publishes version 1', async function () {
    const file = path.join(workspace, 'burst', 'main.tf');
    const uri = fileUri(file);
    const text = fs.readFileSync(file, 'utf8');
    // The burst test left this document at version 202.
    const edited = session.waitForVersion(uri, 203);
    session.change(file, 203, `${text}# edited\n`);
    await edited;
    session.close(file);
    const reopened = session.waitForVersion(uri, 1);
    session.open(file, 'terraform');
    assert.ok(hasFinding(await reopened));
  });

  it('inserted lines move findings and fixes', async function () {
    const file = path.join(workspace, 'moved', 'main.tf');
    const uri = fileUri(file);
    const opened = session.waitForVersion(uri, 1);
    const text = session.open(file, 'terraform');
    const before = (await opened).find((candidate) => candidate.code === ruleId)!;
    const fixBefore = (await actionsFor(session, uri, before)).find((action) => action.isPreferred)!;

    const moved = session.waitForVersion(uri, 2);
    session.change(file, 2, `# one\n# two\n# three\n${text}`);
    const after = (await moved).find((candidate) => candidate.code === ruleId)!;
    assert.strictEqual(after.range.start.line, before.range.start.line + 3);
    assert.strictEqual(after.range.end.line, before.range.end.line + 3);

    const fixAfter = (await actionsFor(session, uri, after)).find((action) => action.isPreferred)!;
    assert.ok(editsOf(fixBefore, uri).length > 0, 'the fix has no edits');
    const editsBefore = editsOf(fixBefore, uri);
    const editsAfter = editsOf(fixAfter, uri);
    assert.deepStrictEqual(
      editsAfter.map((edit) => [edit.range.start.line, edit.range.end.line, edit.newText]),
      editsBefore.map((edit) => [edit.range.start.line + 3, edit.range.end.line + 3, edit.newText]),
    );
  });

  it('range edits after a lone carriage return', async function () {
    const folder = path.join(workspace, 'carriage-return');
    fs.mkdirSync(folder, { recursive: true });
    const file = path.join(folder, 'main.tf');
    fs.writeFileSync(file, '# a\rresource "huaweicloud_compute_instance" "web" {\n  name = "web"\n}\n');
    const uri = fileUri(file);
    const opened = session.waitForVersion(uri, 1);
    session.open(file, 'terraform');
    await opened;

    const renamed = session.waitForVersion(uri, 3);
    session.changeRange(file, 2, { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, '\n');
    session.changeRange(file, 3, { start: { line: 1, character: 41 }, end: { line: 1, character: 44 } }, 'api');
    const finding = (await renamed).find((diagnostic) => diagnostic.code === ruleId)!;
    assert.strictEqual(finding.range.start.line, 1);
    assert.match(finding.message, /huaweicloud_compute_instance\.api /);
  });

  it('rule off gets no quick fixes', async function () {
    const file = path.join(workspace, 'off', 'main.tf');
    const uri = fileUri(file);
    const opened = session.waitForDiagnostics(uri, hasFinding);
    session.open(file, 'terraform');
    const diagnostic = (await opened).find((candidate) => candidate.code === ruleId)!;
    assert.ok((await actionsFor(session, uri, diagnostic)).length > 0);

    const cleared = session.waitForDiagnostics(uri, (diagnostics) => !hasFinding(diagnostics));
    session.settings = { rules: { [ruleId]: 'off' } };
    session.changeConfiguration();
    await cleared;
    try {
      assert.deepStrictEqual(await actionsFor(session, uri, diagnostic), []);
      assert.deepStrictEqual(await actionsFor(session, uri, diagnostic, ['source.fixAll']), []);
    } finally {
      session.settings = {};
      session.changeConfiguration();
    }
  });
});

describe('outdated versions over stdio', function () {
  let workspace: string;
  let session: LspSession;

  before(async function () {
    workspace = createWorkspace({ outdated: 'quickfix' });
    session = new LspSession();
    // Analysing only on save keeps the result at the opened version while the text changes.
    session.settings = { run: 'onSave' };
    await session.initialize(workspace);
    await session.scanWorkspace();
  });

  after(function () {
    session?.dispose();
    removeWorkspace(workspace);
  });

  it('outdated document gets no actions', async function () {
    const file = path.join(workspace, 'outdated', 'main.tf');
    const uri = fileUri(file);
    const opened = session.waitForVersion(uri, 1);
    const text = session.open(file, 'terraform');
    const diagnostic = (await opened).find((candidate) => candidate.code === ruleId)!;
    assert.ok((await actionsFor(session, uri, diagnostic)).length > 0);

    session.change(file, 2, `${text}# edited\n`);
    assert.deepStrictEqual(await actionsFor(session, uri, diagnostic), []);
    assert.deepStrictEqual(await actionsFor(session, uri, diagnostic, ['source.fixAll']), []);
  });
});

describe('superseded analyses over stdio', function () {
  let workspace: string;
  let session: LspSession;
  let file: string;
  let text: string;

  before(function () {
    workspace = createWorkspace({});
    file = path.join(workspace, 'slow', 'main.tf');
    fs.mkdirSync(path.dirname(file));
    const fixture = path.join(packageRoot(), 'test', 'protocol', 'fixtures', 'quickfix', 'main.tf');
    const blocks = fs.readFileSync(fixture, 'utf8');
    text = Array.from({ length: 400 }, (_, index) => blocks.replace('"web"', `"web_${index}"`)).join('\n');
    fs.writeFileSync(file, text);
    session = new LspSession();
  });

  after(function () {
    session?.dispose();
    removeWorkspace(workspace);
  });

  it('older result never follows newer', async function () {
    const uri = fileUri(file);
    await session.initialize(workspace);
    // The start-up scan analyses the file from disk while the editor opens and edits it.
    session.open(file, 'terraform');
    const edited = session.waitForVersion(uri, 2);
    session.change(file, 2, commentedOut(text));
    assert.deepStrictEqual(await edited, []);
    await session.scanWorkspace();
    const restored = session.waitForVersion(uri, 3);
    session.change(file, 3, text);
    assert.ok(hasFinding(await restored));

    const publications = session.publicationsFor(uri);
    const firstNewer = publications.findIndex((params) => params.version === 2);
    const afterNewer = publications.slice(firstNewer + 1, -1);
    assert.ok(versionsNeverDecrease(publications));
    assert.deepStrictEqual(afterNewer.map((params) => params.version), afterNewer.map(() => 2));
    assert.ok(afterNewer.every((params) => !hasFinding(params.diagnostics)));
  });
});

