import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import {
  createMessageConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type MessageConnection,
} from 'vscode-jsonrpc/node';
import type {
  CodeAction,
  CodeActionParams,
  Diagnostic,
  PublishDiagnosticsParams,
  Range,
} from 'vscode-languageserver-protocol';

/** Finds the package root, which contains `dist/` and the fixtures, from the compiled test file. */
export function packageRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`package.json not found above ${__dirname}`);
    dir = parent;
  }
  return dir;
}

/**
 * Creates a temporary workspace folder holding copies of fixture folders from
 * `test/protocol/fixtures`, each under the name given beside it, and returns its path.
 */
export function createWorkspace(copies: Record<string, string>): string {
  const fixtures = path.join(packageRoot(), 'test', 'protocol', 'fixtures');
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'metadata-guard-protocol-'));
  for (const [target, fixture] of Object.entries(copies)) {
    fs.cpSync(path.join(fixtures, fixture), path.join(workspace, target), { recursive: true });
  }
  return workspace;
}

export function fileUri(file: string): string {
  return pathToFileURL(file).href;
}

interface Waiter {
  uri: string;
  accept: (params: PublishDiagnosticsParams) => boolean;
  resolve: (diagnostics: Diagnostic[]) => void;
}

/**
 * A language client for tests. It starts `dist/server.js --stdio`, replies to the server's
 * requests, and lets a test wait for the diagnostics of a document.
 */
export class LspSession {
  readonly connection: MessageConnection;
  readonly logs: string[] = [];
  /** Messages the server asked the client to show (`window/showMessage`), in order. */
  readonly shownMessages: string[] = [];
  /** Folders for whose files the client reports `metadataGuard.enable` as false. */
  readonly disabledFolders = new Set<string>();
  /** Further `metadataGuard` settings the client reports for every resource. */
  settings: Record<string, unknown> = {};
  /** Every publication received, in order. */
  readonly published: PublishDiagnosticsParams[] = [];
  private readonly process: ChildProcess;
  private readonly latest = new Map<string, PublishDiagnosticsParams>();
  private waiters: Waiter[] = [];
  /** Settles with an error when the server process exits, so no test waits on a dead server. */
  private readonly exited: Promise<never>;

  constructor() {
    const server = path.join(packageRoot(), 'dist', 'server.js');
    if (!fs.existsSync(server)) throw new Error(`${server} is missing; run npm run build first`);
    this.process = spawn(process.execPath, [server, '--stdio'], { stdio: 'pipe' });
    this.process.stderr?.on('data', (chunk: Buffer) => this.logs.push(chunk.toString()));
    this.exited = new Promise((_, reject) => {
      this.process.on('exit', (code, signal) => {
        const log = this.logs.join('\n');
        reject(new Error(`Server exited (code ${code}, signal ${signal}). Server log:\n${log}`));
      });
    });
    this.exited.catch(() => undefined);
    this.connection = createMessageConnection(
      new StreamMessageReader(this.process.stdout!),
      new StreamMessageWriter(this.process.stdin!),
    );
    this.listen();
    this.connection.listen();
  }

  private listen(): void {
    this.connection.onNotification('textDocument/publishDiagnostics', (params) =>
      this.onDiagnostics(params as PublishDiagnosticsParams),
    );
    this.connection.onNotification('window/showMessage', (params: { message: string }) =>
      this.shownMessages.push(params.message),
    );
    this.connection.onNotification('window/logMessage', (params: { message: string }) =>
      this.logs.push(params.message),
    );
    type ConfigurationParams = { items: { scopeUri?: string }[] };
    this.connection.onRequest('workspace/configuration', (params: ConfigurationParams) =>
      params.items.map((item) => ({ ...this.settings, enable: !this.isDisabled(item.scopeUri) })),
    );
    this.connection.onRequest('client/registerCapability', () => null);
    this.connection.onRequest('window/workDoneProgress/create', () => null);
  }

  private isDisabled(uri: string | undefined): boolean {
    return [...this.disabledFolders].some((folder) => uri?.startsWith(fileUri(folder)));
  }

  private onDiagnostics(params: PublishDiagnosticsParams): void {
    this.latest.set(params.uri, params);
    this.published.push(params);
    const done = this.waiters.filter(
      (waiter) => waiter.uri === params.uri && waiter.accept(params),
    );
    this.waiters = this.waiters.filter((waiter) => !done.includes(waiter));
    done.forEach((waiter) => waiter.resolve(params.diagnostics));
  }

  /**
   * Sends `initialize` and `initialized` with one workspace folder. `workspace` adds client
   * capabilities to the `workspace` section, such as `workspaceFolders: true`.
   */
  async initialize(folder: string, workspace: Record<string, unknown> = {}): Promise<void> {
    const uri = fileUri(folder);
    const initialized = this.connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri: uri,
      workspaceFolders: [{ uri, name: path.basename(folder) }],
      capabilities: {
        workspace: {
          configuration: true,
          workspaceEdit: { documentChanges: true },
          didChangeConfiguration: { dynamicRegistration: true },
          didChangeWatchedFiles: { dynamicRegistration: false },
          ...workspace,
        },
        textDocument: {
          publishDiagnostics: { relatedInformation: true, codeDescriptionSupport: true, versionSupport: true },
          codeAction: { isPreferredSupport: true, dataSupport: true },
        },
      },
    });
    await Promise.race([initialized, this.exited]);
    await this.connection.sendNotification('initialized', {});
  }

  /**
   * Resolves with the next diagnostics published for `uri` that `accept` takes; diagnostics
   * published before the call do not count. Rejects after `timeoutMs`.
   */
  waitForDiagnostics(
    uri: string,
    accept: (diagnostics: Diagnostic[]) => boolean,
    timeoutMs = 15000,
  ): Promise<Diagnostic[]> {
    return this.waitForPublication(uri, (params) => accept(params.diagnostics), timeoutMs);
  }

  /** Resolves with the next diagnostics published for `uri` with the given document version. */
  waitForVersion(uri: string, version: number, timeoutMs = 15000): Promise<Diagnostic[]> {
    return this.waitForPublication(uri, (params) => params.version === version, timeoutMs);
  }

  private waitForPublication(
    uri: string,
    accept: (params: PublishDiagnosticsParams) => boolean,
    timeoutMs: number,
  ): Promise<Diagnostic[]> {
    const published = new Promise<Diagnostic[]>((resolve, reject) => {
      const timer = setTimeout(() => {
        const last = JSON.stringify(this.latest.get(uri)?.diagnostics);
        reject(new Error(`No matching diagnostics for ${uri} in ${timeoutMs} ms; last: ${last}\n` +
          `Server log:\n${this.logs.join('\n')}`));
      }, timeoutMs);
      const waiter: Waiter = {
        uri,
        accept,
        resolve: (diagnostics) => {
          clearTimeout(timer);
          resolve(diagnostics);
        },
      };
      this.waiters.push(waiter);
    });
    return Promise.race([published, this.exited]);
  }

  /** Returns every publication received for `uri`, in order. */
  publicationsFor(uri: string): PublishDiagnosticsParams[] {
    return this.published.filter((params) => params.uri === uri);
  }

  /** Returns the diagnostics most recently published for `uri`, or an empty list. */
  latestDiagnostics(uri: string): Diagnostic[] {
    return this.latest.get(uri)?.diagnostics ?? [];
  }

  open(file: string, languageId: string, version = 1): string {
    const text = fs.readFileSync(file, 'utf8');
    const uri = fileUri(file);
    void this.connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri, languageId, version, text },
    });
    return text;
  }

  /** Replaces the whole text of an open document. */
  change(file: string, version: number, text: string): void {
    void this.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri: fileUri(file), version },
      contentChanges: [{ text }],
    });
  }

  /** Replaces one range of an open document, as an incremental change. */
  changeRange(file: string, version: number, range: Range, text: string): void {
    void this.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri: fileUri(file), version },
      contentChanges: [{ range, text }],
    });
  }

  /** Sends `workspace/didChangeWatchedFiles` for one file; `type` is 1 created, 2 changed, 3 deleted. */
  fileChanged(file: string, type: 1 | 2 | 3): void {
    void this.connection.sendNotification('workspace/didChangeWatchedFiles', {
      changes: [{ uri: fileUri(file), type }],
    });
  }

  /** Runs the scan command and resolves when the server's scan, with any pass it queued, ends. */
  async scanWorkspace(): Promise<void> {
    await this.connection.sendRequest('workspace/executeCommand', { command: 'metadataGuard.scanWorkspace', arguments: [] });
  }

  /** Tells the server that every setting may have changed. */
  changeConfiguration(): void {
    void this.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
  }

  close(file: string): void {
    void this.connection.sendNotification('textDocument/didClose', {
      textDocument: { uri: fileUri(file) },
    });
  }

  codeActions(params: CodeActionParams): Promise<CodeAction[]> {
    return this.connection.sendRequest('textDocument/codeAction', params);
  }

  /** Kills the server process by its PID and closes the connection. */
  dispose(): void {
    this.connection.dispose();
    if (this.process.pid !== undefined && this.process.exitCode === null) {
      process.kill(this.process.pid);
    }
  }
}
