import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { CodeAction, Diagnostic, TextDocumentEdit } from 'vscode-languageserver-protocol';
import { createWorkspace, fileUri, LspSession } from './lspSession';

const ruleId = 'ecs-metadata-unrestricted';
const firewallScript = [
  '#!/bin/bash',
  'iptables -A OUTPUT -p tcp -d 169.254.169.254 -m owner ! --uid-owner root -j REJECT',
  'iptables-save > /etc/iptables/rules.v4',
  'echo "starting app"',
  '',
].join('\n');
/** The `quickfix` fixture after its preferred fix: the firewall rule added to the boot script. */
const fixedFixture = [
  'resource "huaweicloud_compute_instance" "web" {',
  '  name      = "web"',
  '  image_id  = "image-id"',
  '  flavor_id = "s6.small.1"',
  '',
  '  user_data = <<-EOT',
  '    #!/bin/bash',
  '    # Only root may reach the instance metadata service (added by metadata-guard).',
  '    iptables -A OUTPUT -p tcp -d 169.254.169.254 -m owner ! --uid-owner root -j REJECT',
  '    mkdir -p /etc/iptables',
  '    iptables-save > /etc/iptables/rules.v4',
  '    echo "starting web"',
  '  EOT',
  '}',
  '',
].join('\n');

function hasFinding(diagnostics: Diagnostic[]): boolean {
  return diagnostics.some((diagnostic) => diagnostic.code === ruleId);
}

describe('workspace scan over stdio', function () {
  let workspace: string;
  let session: LspSession;
  const fileIn = (folder: string) => path.join(workspace, folder, 'main.tf');

  before(async function () {
    workspace = createWorkspace({
      unopened: 'quickfix',
      deleted: 'quickfix',
      expired: 'quickfix',
      fixall: 'quickfix',
      scripted: 'dependency',
    });
    const expired = fs.readFileSync(fileIn('expired'), 'utf8');
    fs.writeFileSync(fileIn('expired'), `# metadata-guard:ignore ${ruleId} exp:2001-01-01 -- old\n${expired}`);
    session = new LspSession();
    const scanned = Promise.all(
      ['unopened', 'deleted', 'expired', 'scripted'].map((folder) => session.waitForDiagnostics(fileUri(fileIn(folder)), hasFinding)),
    );
    await session.initialize(workspace);
    await scanned;
  });

  after(function () {
    session?.dispose();
    if (workspace) fs.rmSync(workspace, { recursive: true, force: true });
  });

  it('publishes unopened files', function () {
    assert.ok(hasFinding(session.latestDiagnostics(fileUri(fileIn('unopened')))));
  });

  it('scan command reports its result', async function () {
    await session.scanWorkspace();
    const message = session.shownMessages[session.shownMessages.length - 1];
    assert.match(message ?? '', /^Metadata Guard: scanned \d+ module folders and files; \d+ findings?\.$/);
    assert.ok(session.logs.some((line) => /^Workspace scan finished: \d+ module folders and files in \d+ ms\.$/.test(line)));
  });

  it('expired suppression reports again', function () {
    const [diagnostic] = session.latestDiagnostics(fileUri(fileIn('expired')));
    assert.match(diagnostic.message, /expired on 2001-01-01/);
  });

  it('deleted file cleared', async function () {
    const file = fileIn('deleted');
    const cleared = session.waitForDiagnostics(fileUri(file), (diagnostics) => diagnostics.length === 0);
    fs.rmSync(file);
    void session.connection.sendNotification('workspace/didChangeWatchedFiles', {
      changes: [{ uri: fileUri(file), type: 3 }],
    });
    assert.deepStrictEqual(await cleared, []);
  });

  it('script change updates unopened file', async function () {
    const script = path.join(workspace, 'scripted', 'init.sh');
    const cleared = session.waitForDiagnostics(fileUri(fileIn('scripted')), (diagnostics) => !hasFinding(diagnostics));
    fs.writeFileSync(script, firewallScript);
    session.fileChanged(script, 2);
    assert.ok(!hasFinding(await cleared));

    const restored = session.waitForDiagnostics(fileUri(fileIn('scripted')), hasFinding);
    fs.writeFileSync(script, '#!/bin/bash\necho "starting app"\n');
    session.fileChanged(script, 2);
    assert.ok(hasFinding(await restored));
  });

  it('fix-all edits the document', async function () {
    const file = fileIn('fixall');
    const uri = fileUri(file);
    const opened = session.waitForDiagnostics(uri, hasFinding);
    const text = session.open(file, 'terraform');
    await opened;
    const actions = (await session.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      context: { diagnostics: [], only: ['source.fixAll'] },
    })) as CodeAction[];
    assert.strictEqual(actions.length, 1);
    assert.strictEqual(actions[0].kind, 'source.fixAll.metadataGuard');
    const changes = (actions[0].edit?.documentChanges ?? []) as TextDocumentEdit[];
    assert.deepStrictEqual(changes.map((change) => change.textDocument.uri), [uri]);
    assert.strictEqual(changes[0].textDocument.version, 1);

    const fixed = TextDocument.applyEdits(TextDocument.create(uri, 'terraform', 1, text), changes[0].edits);
    assert.strictEqual(fixed, fixedFixture);
    const cleared = session.waitForDiagnostics(uri, (diagnostics) => !hasFinding(diagnostics));
    session.change(file, 2, fixed);
    assert.deepStrictEqual(await cleared, []);
  });

  it('rule off in settings clears', async function () {
    const uri = fileUri(fileIn('unopened'));
    const cleared = session.waitForDiagnostics(uri, (diagnostics) => !hasFinding(diagnostics));
    session.settings = { rules: { [ruleId]: 'off' } };
    session.changeConfiguration();
    assert.ok(!hasFinding(await cleared));
    session.settings = {};
    const restored = session.waitForDiagnostics(uri, hasFinding);
    session.changeConfiguration();
    assert.ok(hasFinding(await restored));
  });

  it('rule off in config file clears', async function () {
    const uri = fileUri(fileIn('unopened'));
    const config = path.join(workspace, '.metadata-guard.yaml');
    const cleared = session.waitForDiagnostics(uri, (diagnostics) => !hasFinding(diagnostics));
    fs.writeFileSync(config, `rules:\n  ${ruleId}: off\n`);
    void session.connection.sendNotification('workspace/didChangeWatchedFiles', {
      changes: [{ uri: fileUri(config), type: 1 }],
    });
    assert.ok(!hasFinding(await cleared));
  });

  it('invalid config file diagnosed', async function () {
    const config = path.join(workspace, '.metadata-guard.yaml');
    const diagnosed = session.waitForDiagnostics(fileUri(config), (diagnostics) => diagnostics.length === 1);
    fs.writeFileSync(config, 'rules: loud\n');
    void session.connection.sendNotification('workspace/didChangeWatchedFiles', {
      changes: [{ uri: fileUri(config), type: 2 }],
    });
    const [diagnostic] = await diagnosed;
    assert.match(diagnostic.message, /Invalid \.metadata-guard\.yaml/);
  });
});

describe('exclude setting over stdio', function () {
  let workspace: string;
  let session: LspSession;

  before(async function () {
    workspace = createWorkspace({ visible: 'quickfix', hidden: 'quickfix' });
    session = new LspSession();
    session.settings = { exclude: ['hidden'] };
    const scanned = session.waitForDiagnostics(fileUri(path.join(workspace, 'visible', 'main.tf')), hasFinding);
    await session.initialize(workspace);
    await scanned;
  });

  after(function () {
    session?.dispose();
    if (workspace) fs.rmSync(workspace, { recursive: true, force: true });
  });

  it('removed exclude scans the folder', async function () {
    const hidden = fileUri(path.join(workspace, 'hidden', 'main.tf'));
    assert.deepStrictEqual(session.publicationsFor(hidden), []);
    const published = session.waitForDiagnostics(hidden, hasFinding);
    session.settings = {};
    session.changeConfiguration();
    assert.ok(hasFinding(await published));
  });
});
