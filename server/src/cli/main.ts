import * as fs from 'fs';
import * as path from 'path';
import * as v8 from 'v8';
import { createEngine, DiskSourceProvider } from '../engine';
import type { AnalysisResult, Notice } from '../engine';
import { parseCommandLine, usage, UsageError, type ScanCommand } from './args';
import { formatJson } from './formats/json';
import { formatSarif } from './formats/sarif';
import { formatText } from './formats/text';
import {
  buildReport,
  commonFolder,
  displayPath,
  isInside,
  reachesThreshold,
  type Report,
} from './report';
import { readToolInfo } from './tool';

/** Exit codes of the command line. */
export const ExitCode = { clean: 0, findings: 1, failure: 2 } as const;

/** Destinations of the CLI's output, which tests and other callers can capture. */
export interface CliOutput {
  stdout(text: string): void;
  /** Writes one line (without its line break) to standard error. */
  stderr(line: string): void;
}

const processOutput: CliOutput = {
  stdout: (text) => process.stdout.write(text),
  stderr: (line) => process.stderr.write(`${line}\n`),
};

/** Runs one command line and returns the exit code; `argv` excludes `node` and the script. */
export async function runCli(argv: string[], output: CliOutput = processOutput): Promise<number> {
  try {
    const command = parseCommandLine(argv);
    switch (command.command) {
      case 'help':
        output.stdout(usage);
        return ExitCode.clean;
      case 'version':
        output.stdout(`${readToolInfo().version}\n`);
        return ExitCode.clean;
      case 'lsp':
        await startLanguageServer();
        return ExitCode.clean;
      case 'scan':
        return await runScan(command, output);
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const prefix = error instanceof UsageError ? '' : 'scan failed: ';
    output.stderr(`metadata-guard: ${prefix}${message.split('\n')[0]}`);
    return ExitCode.failure;
  }
}

/** Loads the language server only for this command, so `scan` never loads LSP code. */
async function startLanguageServer(): Promise<void> {
  const { createConnection, ProposedFeatures } = await import('vscode-languageserver/node');
  const { startServer } = await import('../lsp/server');
  startServer(createConnection(ProposedFeatures.all, process.stdin, process.stdout));
}

async function runScan(command: ScanCommand, output: CliOutput): Promise<number> {
  const cwd = process.cwd();
  const paths = command.paths.map((given) => path.resolve(cwd, given));
  paths.forEach((absolute, index) => {
    if (!fs.existsSync(absolute)) throw new UsageError(`path not found: ${command.paths[index]}`);
  });

  useBaselineWasmCompiler();
  const engine = await createEngine();
  const result = engine.scan(paths, new DiskSourceProvider());
  const report = buildReport(readToolInfo(), cwd, scanRoot(paths, cwd), result);
  for (const notice of result.notices) output.stderr(formatNotice(notice, cwd));
  writeReport(command, formatReport(command, report), output);
  return exitCode(command, result, output);
}

/**
 * Keeps V8 from optimising the tree-sitter grammars with TurboFan. Measured with Node 20.20 on
 * a 2-core machine, that background compilation of the PowerShell grammar took about 4 s of CPU
 * and held back the exit of any scan that parsed a PowerShell script. On a 250,000-line tree of
 * `.tf` files, Liftoff-only code made the scan about 25% slower.
 */
function useBaselineWasmCompiler(): void {
  // NOTE: --liftoff-only is a V8 flag, not a stable Node option. It only works when set before
  // the grammars are compiled, and a later Node may ignore or rename it.
  v8.setFlagsFromString('--liftoff-only');
}

/** Picks the folder for SARIF URIs: the current directory when it contains every scanned path. */
function scanRoot(paths: string[], cwd: string): string {
  if (paths.every((scanned) => isInside(scanned, cwd))) return cwd;
  const folders = paths.map((scanned) =>
    fs.statSync(scanned).isDirectory() ? scanned : path.dirname(scanned),
  );
  return commonFolder(folders);
}

function formatNotice(notice: Notice, cwd: string): string {
  const position = notice.range
    ? `:${notice.range.start.line + 1}:${notice.range.start.character + 1}`
    : '';
  return `metadata-guard: ${displayPath(notice.file, cwd)}${position}: ${notice.message}`;
}

function formatReport(command: ScanCommand, report: Report): string {
  if (command.format === 'json') return formatJson(report);
  if (command.format === 'sarif') return formatSarif(report);
  return formatText(report);
}

function writeReport(command: ScanCommand, text: string, output: CliOutput): void {
  if (command.output === undefined) {
    output.stdout(text);
    return;
  }
  try {
    fs.writeFileSync(command.output, text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new UsageError(`cannot write the report to ${command.output}: ${reason}`);
  }
}

function exitCode(command: ScanCommand, result: AnalysisResult, output: CliOutput): number {
  if (result.analyzedFiles.length === 0) {
    if (result.notices.length > 0) {
      output.stderr('metadata-guard: no file could be scanned (see the messages above)');
      return ExitCode.failure;
    }
    output.stderr(`metadata-guard: no .tf or .tf.json files found in ${command.paths.join(', ')}`);
  }
  const threshold = command.failOn;
  if (threshold === 'none') return ExitCode.clean;
  const failing = result.findings.some((finding) => reachesThreshold(finding.severity, threshold));
  return failing ? ExitCode.findings : ExitCode.clean;
}

/** Runs the command line of this process and sets its exit code. */
export function main(): void {
  runCli(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}

if (require.main === module) main();
