import {
  CodeActionKind,
  DidChangeConfigurationNotification,
  TextDocumentSyncKind,
  TextDocuments,
  type Connection,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { analysisUnitOf, createEngine, ruleDocs, unitKey, type SourceProvider } from '../engine';
import { ModuleAnalyzer } from './analyzer';
import { buildCodeActions } from './codeActions';
import { ConfigFiles } from './configs';
import { Debouncer } from './debounce';
import { findingToDiagnostic } from './diagnostics';
import { OpenDocuments } from './documents';
import {
  buildDocumentationActions,
  buildFixAll,
  commands,
  fixAllKind,
  suppressionHover,
  wantsFixAll,
} from './editorActions';
import { handleFileEvents, registerWatchers } from './fileChanges';
import { WorkspaceFolders } from './folders';
import { uriToPath } from './paths';
import { configuredFindings, DiagnosticsPublisher } from './publisher';
import { ResultStore } from './results';
import { SettingsCache, settingsSection } from './settings';
import { StatusReporter } from './status';
import { WorkspaceScanner } from './workspaceScan';

/** Quiet time after an edit before the module is analysed again, in milliseconds. */
const editDelayMs = 200;

/** The parts of a running server that the handlers share. */
interface ServerParts {
  connection: Connection;
  textDocuments: TextDocuments<TextDocument>;
  documents: OpenDocuments;
  folders: WorkspaceFolders;
  store: ResultStore;
  settings: SettingsCache;
  configs: ConfigFiles;
  docUrls: Map<string, string>;
  publisher: DiagnosticsPublisher;
  analyzer: ModuleAnalyzer;
  scanner: WorkspaceScanner;
  debouncer: Debouncer;
  source: () => SourceProvider;
  /** Client capabilities read from `initialize`. */
  client: ClientSupport;
}

interface ClientSupport {
  documentChanges: boolean;
  configurationRegistration: boolean;
  watcherRegistration: boolean;
  showDocument: boolean;
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
  registerEditorFeatures(parts);
  parts.textDocuments.listen(connection);
  connection.listen();
}

function createParts(connection: Connection): ServerParts {
  const textDocuments = new TextDocuments(TextDocument);
  const documents = new OpenDocuments(textDocuments);
  const source = () => documents.snapshot().source;
  const folders = new WorkspaceFolders();
  const store = new ResultStore();
  const settings = new SettingsCache(connection);
  const configs = new ConfigFiles(folders, settings, source);
  const docUrls = ruleDocs();
  const status = new StatusReporter(connection);
  const publisher = new DiagnosticsPublisher(connection, store, documents, configs, docUrls, status);
  const engine = createEngine();
  engine.catch((error) => connection.console.error(`Loading the parsers failed: ${String(error)}`));
  const analyzer = new ModuleAnalyzer(engine, documents, store, connection.console, (files) => {
    void publisher.publish(files);
  });
  const scanner = new WorkspaceScanner(connection, folders, configs, analyzer, status, source);
  const client = { documentChanges: false, configurationRegistration: false, watcherRegistration: false, showDocument: false };
  const debouncer = new Debouncer();
  return {
    connection, textDocuments, documents, folders, store, settings, configs, docUrls, publisher,
    analyzer, scanner, debouncer, source, client,
  };
}

function registerLifecycle(parts: ServerParts): void {
  const { connection } = parts;
  connection.onInitialize((params) => initialize(parts, params));
  connection.onInitialized(() => {
    const { client } = parts;
    if (client.configurationRegistration) {
      void connection.client.register(DidChangeConfigurationNotification.type, { section: settingsSection });
    }
    if (client.watcherRegistration) {
      registerWatchers(connection).catch((error) =>
        connection.console.error(`Registering file watchers failed: ${String(error)}`),
      );
    }
    void parts.scanner.scan();
  });
  connection.onShutdown(async () => {
    parts.debouncer.dispose();
    await parts.analyzer.dispose();
  });
}

function initialize(parts: ServerParts, params: InitializeParams): InitializeResult {
  const { capabilities } = params;
  const workspace = capabilities.workspace;
  parts.folders.set(params.workspaceFolders, params.rootUri);
  parts.settings.setPullSupported(workspace?.configuration === true);
  parts.scanner.progressSupported = capabilities.window?.workDoneProgress === true;
  Object.assign(parts.client, {
    documentChanges: workspace?.workspaceEdit?.documentChanges === true,
    configurationRegistration: workspace?.didChangeConfiguration?.dynamicRegistration === true,
    watcherRegistration: workspace?.didChangeWatchedFiles?.dynamicRegistration === true,
    showDocument: capabilities.window?.showDocument?.support === true,
  });
  return {
    capabilities: {
      textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, fixAllKind] },
      hoverProvider: true,
      executeCommandProvider: { commands: Object.values(commands) },
    },
    serverInfo: { name: 'metadata-guard' },
  };
}

/** Analyses the module folders that an open document belongs to or is read by. */
function analyzeForDocument(parts: ServerParts, uri: string): void {
  const file = uriToPath(uri);
  if (!file) return;

  const dirs = parts.store.modulesAffectedBy(file);
  const unit = analysisUnitOf(file, parts.source());
  if (unit) dirs.push(unitKey(unit));
  void parts.analyzer.analyze(dirs);
}

/**
 * Analyses a document's modules at once when it opens, `editDelayMs` after its last edit (or when
 * it is saved, with `metadataGuard.run` set to `onSave`), and from disk when it closes.
 * `TextDocuments` reports an opened document as changed as well, so the first change after an
 * open is not delayed.
 */
function registerDocumentEvents(parts: ServerParts): void {
  const { textDocuments, debouncer, settings } = parts;
  const justOpened = new Set<string>();
  textDocuments.onDidOpen(({ document }) => {
    justOpened.add(document.uri);
  });
  textDocuments.onDidChangeContent(async ({ document }) => {
    const opened = justOpened.delete(document.uri);
    const file = uriToPath(document.uri);
    const run = file && !opened ? (await settings.forFile(file)).run : 'onType';
    if (run === 'onSave') return;
    debouncer.schedule(document.uri, opened ? 0 : editDelayMs, () => analyzeForDocument(parts, document.uri));
  });
  textDocuments.onDidSave(({ document }) => {
    debouncer.schedule(document.uri, 0, () => analyzeForDocument(parts, document.uri));
  });
  textDocuments.onDidClose(({ document }) => {
    justOpened.delete(document.uri);
    debouncer.cancel(document.uri);
    analyzeForDocument(parts, document.uri);
  });
}

function registerWorkspaceEvents(parts: ServerParts): void {
  const { connection, store, settings, publisher, scanner } = parts;
  connection.onDidChangeWatchedFiles(({ changes }) => handleFileEvents(changes, parts));
  connection.onDidChangeConfiguration(() => {
    settings.clear();
    void publisher.publish(store.files());
    // Exclude globs may have changed, so files left out before may now need an analysis.
    void scanner.scan();
  });
  // NOTE: workspace folders added or removed after `initialize` are not scanned yet.
}

function registerCodeActions(parts: ServerParts): void {
  const { connection, store, documents, docUrls, client, configs } = parts;
  const uriOf = (file: string) => documents.uriOf(file);
  connection.onCodeAction(async (params) => {
    if (wantsFixAll(params.context.only)) {
      const file = uriToPath(params.textDocument.uri);
      if (!file) return [];
      const { config } = await configs.forFile(file);
      const fixAll = buildFixAll(configuredFindings(store.findingsIn(file), config), documents, client.documentChanges);
      return fixAll ? [fixAll] : [];
    }
    const fixes = buildCodeActions(params, {
      store,
      documents,
      documentChanges: client.documentChanges,
      toDiagnostic: ({ finding, ref }) => findingToDiagnostic(finding, ref, uriOf, docUrls.get(finding.ruleId)),
    });
    return [...fixes, ...buildDocumentationActions(params, docUrls, store)];
  });
}

function registerEditorFeatures(parts: ServerParts): void {
  const { connection, textDocuments, docUrls, scanner, client } = parts;
  connection.onHover((params) => suppressionHover(params, textDocuments));
  connection.onExecuteCommand(async ({ command, arguments: args }) => {
    if (command === commands.scanWorkspace) {
      await scanner.scan();
      return null;
    }
    if (command !== commands.showRuleDocumentation) return null;
    const url = typeof args?.[0] === 'string' ? docUrls.get(args[0]) : undefined;
    if (!url) {
      connection.console.warn(`No documentation for rule ${String(args?.[0])}.`);
      return null;
    }
    if (!client.showDocument) return url;
    await connection.window.showDocument({ uri: url, takeFocus: true });
    return url;
  });
}
