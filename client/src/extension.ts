import * as path from 'path';
import { workspace, type ExtensionContext } from 'vscode';
import {
  LanguageClient,
  TransportKind,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';

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
    ],
    synchronize: { fileEvents: watcher },
    outputChannelName: 'Metadata Guard',
  };
  client = new LanguageClient('metadataGuard', 'Metadata Guard', serverOptions, clientOptions);
  await client.start();
}

/** Stops the language server when VS Code unloads the extension. */
export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
