import {
  CodeActionKind,
  DidChangeConfigurationNotification,
  MessageType,
  ShowMessageNotification,
  TextDocumentSyncKind,
  TextDocuments,
  type Connection,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { analysisUnitOf, createEngine, isExcluded, ruleDocs, unitKey, type SourceProvider } from '../engine';
import { ModuleAnalyzer } from './analyzer';
import { AnalysisScheduler } from './analysisScheduler';
import { buildCodeActions, isUpToDate } from './codeActions';
import { ConfigFiles } from './configs';
import { findingToDiagnostic } from './diagnostics';
import { OpenDocuments, serverDocuments } from './documents';
import {
  buildDocumentationActions,
  buildFixAll,
  commands,
  fixAllKind,
  suppressionHover,
  wantsFixAll,
} from './editorActions';
import { handleFileEvents, registerWatchers } from './fileChanges';
import { handleFolderChange } from './folderChanges';
import { WorkspaceFolders } from './folders';
import { uriToPath } from './paths';
import { configuredFindings, DiagnosticsPublisher } from './publisher';
import { ResultStore, type StoredFinding } from './results';
import { SettingsCache, settingsSection } from './settings';
import { StatusReporter } from './status';
import { WorkspaceScanner } from './workspaceScan';

/**
 * Quiet time, in milliseconds, before the trailing analysis of a document that was edited while
 * an analysis of it was scheduled or running. An edit to an idle document is analysed at once.
 */
const burstQuietMs = 100;

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
  status: StatusReporter;
  scheduler: AnalysisScheduler;
  source: () => SourceProvider;
  /** Client capabilities read from `initialize`. */
  client: ClientSupport;
}

interface ClientSupport {
  documentChanges: boolean;
  /** Whether the client sends `workspace/didChangeWorkspaceFolders`. */
  workspaceFolders: boolean;
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
  const textDocuments = new TextDocuments(serverDocuments);
  const documents = new OpenDocuments(textDocuments);
  const source = () => documents.snapshot().source;
  const folders = new WorkspaceFolders();
  const store = new ResultStore();
  const settings = new SettingsCache(connection);
  const configs = new ConfigFiles(folders, settings, source);
  const docUrls = ruleDocs();
  const status = new StatusReporter(connection);
  const publisher = new DiagnosticsPublisher(connection, store, documents, configs, docUrls, status);
  // Open documents are analysed here on every change, so their syntax trees are kept.
  const engine = createEngine({ parseCacheSize: 64 });
  engine.catch((error) => connection.console.error(`Loading the parsers failed: ${String(error)}`));
  const analyzer = new ModuleAnalyzer(engine, documents, store, connection.console, (files) =>
    publisher.publish(files),
  );
  const scanner = new WorkspaceScanner(connection, folders, configs, analyzer, status, source);

  const client = {
    documentChanges: false,
    workspaceFolders: false,
    configurationRegistration: false,
    watcherRegistration: false,
    showDocument: false,
  };
  const parts: ServerParts = {
    connection, textDocuments, documents, folders, store, settings, configs, docUrls, publisher,
    analyzer, scanner, status, source, client,
    scheduler: new AnalysisScheduler(burstQuietMs, (uri) => analyzeForDocument(parts, uri)),
  };
  publisher.analysisScheduled = (uri) => parts.scheduler.hasScheduled(uri);
  return parts;
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
    if (client.workspaceFolders) {
      connection.workspace.onDidChangeWorkspaceFolders((event) => handleFolderChange(event, parts));
    }
    void parts.scanner.scan();
  });
  connection.onShutdown(async () => {
    parts.scheduler.dispose();
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
    workspaceFolders: workspace?.workspaceFolders === true,
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
      workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
    },
    serverInfo: { name: 'metadata-guard' },
  };
}

/**
 * Analyses the module folders that an open document belongs to or is read by, and resolves once
 * their diagnostics are published.
 */
async function analyzeForDocument(parts: ServerParts, uri: string): Promise<void> {
  const file = uriToPath(uri);
  if (!file) return;

  const dirs = parts.store.modulesAffectedBy(file);
  const unit = analysisUnitOf(file, parts.source());
  if (unit) dirs.push(unitKey(unit));
  await parts.analyzer.analyze(dirs);
}

/**
 * Analyses a document's modules at once when it opens, is saved or closes (from disk then).
 * Edits go through the scheduler, unless `metadataGuard.run` is `onSave`. `TextDocuments`
 * reports an opened document as changed as well, and that first change starts the analysis of
 * the open instead of counting as an edit.
 */
function registerDocumentEvents(parts: ServerParts): void {
  const { textDocuments, scheduler, settings, publisher } = parts;
  const justOpened = new Set<string>();
  textDocuments.onDidOpen(({ document }) => {
    justOpened.add(document.uri);
    publisher.forgetVersion(document.uri);
  });
  textDocuments.onDidChangeContent(async ({ document }) => {
    if (justOpened.delete(document.uri)) {
      scheduler.now(document.uri);
      return;
    }
    const file = uriToPath(document.uri);
    const run = file ? (await settings.forFile(file)).run : 'onType';
    if (run === 'onType') scheduler.edited(document.uri);
  });
  textDocuments.onDidSave(({ document }) => scheduler.now(document.uri));
  textDocuments.onDidClose(({ document }) => {
    justOpened.delete(document.uri);
    scheduler.now(document.uri);
  });
}

/**
 * Describes what decides which files a workspace scan analyses: per folder, whether analysis is
 * on and the exclude globs of the settings and the config file merged.
 */
async function scanScope(parts: ServerParts): Promise<string> {
  const folders = parts.folders.all();
  const scopes = await Promise.all(
    folders.map(async (folder) => {
      const { settings, config } = await parts.configs.forFolder(folder);
      return { folder, enable: settings.enable, exclude: config.exclude };
    }),
  );
  return JSON.stringify(scopes);
}

function registerWorkspaceEvents(parts: ServerParts): void {
  const { connection, store, settings, publisher, scanner } = parts;
  connection.onDidChangeWatchedFiles(({ changes }) => handleFileEvents(changes, parts));
  connection.onDidChangeConfiguration(async () => {
    const before = await scanScope(parts);
    settings.clear();
    void publisher.publish(store.files());
    // Exclude globs may have changed, so files left out before may now need an analysis. The
    // client also sends this notification once at start-up, when nothing has changed.
    if ((await scanScope(parts)) !== before) void scanner.scan();
  });
}

/**
 * Returns a filter for the findings of `file` that may get code actions. It keeps none when the
 * file is disabled or excluded. Otherwise it keeps the findings of rules that are not off, at
 * their configured level, when they were computed from the current text of the open documents
 * they touch.
 */
async function usableFindings(parts: ServerParts, file: string): Promise<(stored: StoredFinding[]) => StoredFinding[]> {
  const { settings, config, root } = await parts.configs.forFile(file);
  if (!settings.enable || isExcluded(file, root, config.exclude)) return () => [];
  return (stored) => configuredFindings(stored, config).filter((entry) => isUpToDate(entry, parts.documents));
}

function registerCodeActions(parts: ServerParts): void {
  const { connection, store, documents, docUrls, client } = parts;
  const uriOf = (file: string) => documents.uriOf(file);
  connection.onCodeAction(async (params) => {
    const file = uriToPath(params.textDocument.uri);
    if (!file) return [];
    const usable = await usableFindings(parts, file);
    if (wantsFixAll(params.context.only)) {
      const fixAll = buildFixAll(usable(store.findingsIn(file)), documents, client.documentChanges);
      return fixAll ? [fixAll] : [];
    }
    const fixes = buildCodeActions(params, {
      store,
      documents,
      documentChanges: client.documentChanges,
      toDiagnostic: ({ finding, ref }) => findingToDiagnostic(finding, ref, uriOf, docUrls.get(finding.ruleId)),
      usable,
    });
    return [...fixes, ...buildDocumentationActions(params, docUrls, store, usable)];
  });
}

function registerEditorFeatures(parts: ServerParts): void {
  const { connection, textDocuments, docUrls, scanner, client } = parts;
  connection.onHover((params) => suppressionHover(params, textDocuments));
  connection.onExecuteCommand(async ({ command, arguments: args }) => {
    if (command === commands.scanWorkspace) {
      await scanner.scan();
      // A scan of an unchanged workspace changes nothing on screen, so a message reports it.
      const findings = parts.status.findingCount();
      // A notification, because showInformationMessage waits for the client's response.
      void connection.sendNotification(ShowMessageNotification.type, {
        type: MessageType.Info,
        message: `Metadata Guard: scanned ${scanner.lastScanned} module folders and files; ${findings} ${findings === 1 ? 'finding' : 'findings'}.`,
      });
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
