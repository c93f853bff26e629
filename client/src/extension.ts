import * as path from 'path';
import { StatusBarAlignment, window, workspace, type ExtensionContext, type StatusBarItem } from 'vscode';
import {
  CloseAction,
  ErrorAction,
  LanguageClient,
  TransportKind,
  type ErrorHandler,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import { RestartPolicy } from './restartPolicy';

let client: LanguageClient | undefined;

/** Starts the Metadata Guard language server from the bundled `dist/server.js`. */
export async function activate(context: ExtensionContext): Promise<void> {
  const serverModule = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: { module: serverModule, transport: TransportKind.ipc },
  };
  // The server decides which changed files matter, from the files its analyses read.
  const watcher = workspace.createFileSystemWatcher('**/*');
  context.subscriptions.push(watcher);
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'terraform' },
      { scheme: 'file', pattern: '**/*.tf.json' },
      // Scripts that Terraform reads with file() are sent too, so unsaved edits reach the server.
      { scheme: 'file', language: 'shellscript' },
      { scheme: 'file', language: 'powershell' },
      // cloud-init files and Ansible playbooks are analysed as documents of their own.
      { scheme: 'file', language: 'yaml' },
      { scheme: 'file', pattern: '**/*.{sh,bash,ps1,psm1,tpl}' },
      // Pulumi and CDK for Terraform programs; the server skips TypeScript without a Huawei import.
      { scheme: 'file', language: 'typescript' },
    ],
    synchronize: { fileEvents: watcher },
    outputChannelName: 'Metadata Guard',
    errorHandler: restartHandler(new RestartPolicy()),
  };
  client = new LanguageClient('metadataGuard', 'Metadata Guard', serverOptions, clientOptions);
  const status = window.createStatusBarItem(StatusBarAlignment.Left);
  context.subscriptions.push(status);
  showStatus(status, { scanning: false, findings: 0 });
  status.show();
  client.onNotification('metadataGuard/status', (params: ServerStatus) => showStatus(status, params));
  await client.start();
}

/** Parameters of the server's `metadataGuard/status` notification. */
interface ServerStatus {
  scanning: boolean;
  findings: number;
}

function showStatus(item: StatusBarItem, status: ServerStatus): void {
  const count = `${status.findings} finding${status.findings === 1 ? '' : 's'}`;
  item.text = status.scanning ? `$(sync~spin) Metadata Guard: scanning` : `$(shield) Metadata Guard: ${count}`;
  item.tooltip = status.scanning ? `Scanning the workspace (${count} so far)` : `${count} in the workspace`;
  item.command = 'workbench.actions.view.problems';
}

/** Stops the language server when VS Code unloads the extension. */
export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}

/** Restarts a crashed server a bounded number of times, then reports it once (see `RestartPolicy`). */
function restartHandler(policy: RestartPolicy): ErrorHandler {
  return {
    error: () => ({ action: ErrorAction.Continue }),
    closed: () => {
      const decision = policy.onServerClosed();
      if (decision.action === 'restart') return { action: CloseAction.Restart };
      return { action: CloseAction.DoNotRestart, message: decision.message, handled: decision.message === undefined };
    },
  };
}
