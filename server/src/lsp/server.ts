import {
  CodeActionKind,
  DidChangeConfigurationNotification,
  TextDocumentSyncKind,
  TextDocuments,
  type Connection,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { analysisUnitOf, createEngine, ruleDocs, unitKey } from '../engine';
import { ModuleAnalyzer } from './analyzer';
import { buildCodeActions } from './codeActions';
import { Debouncer } from './debounce';
import { findingToDiagnostic } from './diagnostics';
import { OpenDocuments } from './documents';
import { uriToPath } from './paths';
import { DiagnosticsPublisher } from './publisher';
import { ResultStore } from './results';
import { SettingsCache, settingsSection } from './settings';

/** Quiet time after an edit before the module is analysed again, in milliseconds. */
const editDelayMs = 200;

/** The parts of a running server that the handlers share. */
interface ServerParts {
  connection: Connection;
  textDocuments: TextDocuments<TextDocument>;
  documents: OpenDocuments;
  store: ResultStore;
  settings: SettingsCache;
  docUrls: Map<string, string>;
  publisher: DiagnosticsPublisher;
  analyzer: ModuleAnalyzer;
  debouncer: Debouncer;
  /** Client capabilities read from `initialize`. */
  client: { documentChanges: boolean; configurationRegistration: boolean };
}

/**
 * Starts the Metadata Guard language server on a connection and begins listening on it. The
 * stdio entry point and the CLI's `lsp --stdio` command both call this.
 */
export function startServer(connection: Connection): void {
  const parts = createParts(connection);
  registerLifecycle(parts);
  registerDocumentEvents(parts);
  registerWorkspaceEvents(parts);
  registerCodeActions(parts);
  parts.textDocuments.listen(connection);
  connection.listen();
}

function createParts(connection: Connection): ServerParts {
  const textDocuments = new TextDocuments(TextDocument);
  const documents = new OpenDocuments(textDocuments);
  const store = new ResultStore();
  const settings = new SettingsCache(connection);
  const docUrls = ruleDocs();
  const publisher = new DiagnosticsPublisher(connection, store, documents, settings, docUrls);
  const engine = createEngine();
  engine.catch((error) => connection.console.error(`Loading the parsers failed: ${String(error)}`));
  const analyzer = new ModuleAnalyzer(engine, documents, store, connection.console, (files) => {
    void publisher.publish(files);
  });
  const client = { documentChanges: false, configurationRegistration: false };
  const debouncer = new Debouncer();
  return {
    connection, textDocuments, documents, store, settings, docUrls, publisher, analyzer, debouncer,
    client,
  };
}

function registerLifecycle(parts: ServerParts): void {
  const { connection, settings, client } = parts;
  connection.onInitialize(({ capabilities }): InitializeResult => {
    const workspace = capabilities.workspace;
    settings.setPullSupported(workspace?.configuration === true);
    client.documentChanges = workspace?.workspaceEdit?.documentChanges === true;
    const configuration = workspace?.didChangeConfiguration;
    client.configurationRegistration = configuration?.dynamicRegistration === true;
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
      },
      serverInfo: { name: 'metadata-guard' },
    };
  });
  connection.onInitialized(() => {
    if (!client.configurationRegistration) return;
    const registration = { section: settingsSection };
    void connection.client.register(DidChangeConfigurationNotification.type, registration);
  });
  connection.onShutdown(() => parts.debouncer.dispose());
}

/** Analyses the module folders that an open document belongs to or is read by. */
function analyzeForDocument(parts: ServerParts, uri: string): void {
  const file = uriToPath(uri);
  if (!file) return;

  const dirs = parts.store.modulesAffectedBy(file);
  const unit = analysisUnitOf(file, parts.documents.snapshot().source);
  if (unit) dirs.push(unitKey(unit));
  void parts.analyzer.analyze(dirs);
}

/**
 * Analyses a document's modules at once when it opens, `editDelayMs` after its last edit, and
 * from disk when it closes. `TextDocuments` reports an opened document as changed as well, so
 * the first change after an open is not delayed.
 */
function registerDocumentEvents(parts: ServerParts): void {
  const { textDocuments, debouncer } = parts;
  const justOpened = new Set<string>();
  textDocuments.onDidOpen(({ document }) => {
    justOpened.add(document.uri);
  });
  textDocuments.onDidChangeContent(({ document }) => {
    const delay = justOpened.delete(document.uri) ? 0 : editDelayMs;
    debouncer.schedule(document.uri, delay, () => analyzeForDocument(parts, document.uri));
  });
  textDocuments.onDidClose(({ document }) => {
    justOpened.delete(document.uri);
    debouncer.cancel(document.uri);
    analyzeForDocument(parts, document.uri);
  });
}

function registerWorkspaceEvents(parts: ServerParts): void {
  const { connection, store, settings, publisher, analyzer } = parts;
  connection.onDidChangeWatchedFiles(({ changes }) => {
    const files = changes.map((change) => uriToPath(change.uri));
    const dirs = files.flatMap((file) => (file ? store.modulesAffectedBy(file) : []));
    void analyzer.analyze(dirs);
  });
  connection.onDidChangeConfiguration(() => {
    settings.clear();
    void publisher.publish(store.files());
  });
}

function registerCodeActions(parts: ServerParts): void {
  const { connection, store, documents, docUrls, client } = parts;
  const uriOf = (file: string) => documents.uriOf(file);
  connection.onCodeAction((params) =>
    buildCodeActions(params, {
      store,
      documents,
      documentChanges: client.documentChanges,
      toDiagnostic: ({ finding, ref }) =>
        findingToDiagnostic(finding, ref, uriOf, docUrls.get(finding.ruleId)),
    }),
  );
}
