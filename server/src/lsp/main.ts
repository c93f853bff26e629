import { ProposedFeatures, createConnection } from 'vscode-languageserver/node';
import { startServer } from './server';

/**
 * Entry point of the bundled server. VS Code starts it with `--node-ipc`; any other start uses
 * standard input and output.
 */
function main(): void {
  const ipc = process.argv.some((arg) => arg === '--node-ipc' || arg.startsWith('--socket'));
  const connection = ipc
    ? createConnection(ProposedFeatures.all)
    : createConnection(ProposedFeatures.all, process.stdin, process.stdout);
  startServer(connection);
}

main();
