import * as fs from 'fs';
import * as path from 'path';
import {
  applyConfig,
  createEngine,
  describeFileError,
  DiskSourceProvider,
  isExcluded,
  loadConfigFile,
  loadConfigIn,
  scannedFiles,
  unitKey,
} from '../engine';
import type { AnalysisResult, AnalysisUnit, LoadedConfig, Notice, SourceProvider } from '../engine';
import { AnalysisPool, collectUnits, defaultPoolSize, scanInPool } from '../engine/parallel';
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
      case 'missing':
        output.stderr(`metadata-guard: missing command; expected 'scan' or 'lsp'\n\n${usage.trimEnd()}`);
        return ExitCode.failure;
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

  const source = new DiskSourceProvider();
  const root = scanRoot(paths, cwd);
  const loaded = readConfig(command, configFolder(paths, root), cwd, source);
  const configNotices = loaded.problem ? [loaded.problem] : [];
  const configRoot = loaded.file ? path.dirname(loaded.file) : root;
  const exclude = (file: string) => isExcluded(file, configRoot, loaded.config.exclude);

  const units = collectUnits(paths, source).filter((unit) => !exclude(unitKey(unit)));
  const scanned = await scanUnits(paths, units, source, exclude);
  const findings = applyConfig(scanned.findings, loaded.config);
  // An invalid config file is a notice of the report too, so JSON and SARIF readers see it.
  // A file named on the command line is analysed with its module, but reports only its own findings.
  const requested = requestedFilter(paths);
  const result = {
    ...scanned,
    findings: findings.filter((finding) => !exclude(finding.location.file) && requested(finding.location.file)),
    notices: [...configNotices, ...scanned.notices],
  };
  const report = buildReport(readToolInfo(), cwd, root, result);
  for (const notice of result.notices) output.stderr(formatNotice(notice, cwd));
  writeReport(command, formatReport(command, report), output);
  return exitCode(command, { ...result, notices: scanned.notices }, output);
}

/** Returns a test for files that are one of the given paths or inside one of the given folders. */
function requestedFilter(paths: string[]): (file: string) => boolean {
  const folders = paths.filter((entry) => fs.statSync(entry).isDirectory());
  const files = new Set(paths.filter((entry) => !folders.includes(entry)));
  return (file) => files.has(file) || folders.some((folder) => isInside(file, folder));
}

/**
 * Analyses the units on worker threads when there is more than one, merging the results in
 * unit order, and in this thread otherwise, which saves loading the parsers twice.
 */
async function scanUnits(
  paths: string[],
  units: AnalysisUnit[],
  source: SourceProvider,
  exclude: (file: string) => boolean,
): Promise<AnalysisResult> {
  const size = Math.min(defaultPoolSize(), units.length);
  if (size < 2) return (await createEngine()).scan(paths, source, { exclude });
  const pool = new AnalysisPool({ size });
  try {
    return await scanInPool(pool, units);
  } finally {
    await pool.close();
  }
}

/**
 * Reads the file given with `--config`, or `.metadata-guard.yaml` in `folder`. Exclude globs
 * are relative to the folder of the file that sets them.
 */
function readConfig(command: ScanCommand, folder: string, cwd: string, source: SourceProvider): LoadedConfig {
  if (command.config === undefined) return loadConfigIn(folder, source);
  const file = path.resolve(cwd, command.config);
  if (!fs.existsSync(file)) throw new UsageError(`config file not found: ${command.config}`);
  const loaded = loadConfigFile(file, source);
  // A file named on the command line is a usage choice, so a broken one stops the scan.
  if (loaded.problem) {
    // The scan stops here, so the defaults do not apply either.
    const reason = loaded.problem.message.replace(/ The defaults apply\.$/, '');
    throw new UsageError(`invalid config file ${command.config}: ${reason}`);
  }
  return loaded;
}

/** Picks the folder whose `.metadata-guard.yaml` applies: the one folder scanned, or the scan root. */
function configFolder(paths: string[], root: string): string {
  if (paths.length === 1 && fs.statSync(paths[0]).isDirectory()) return paths[0];
  return root;
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
    throw new UsageError(`cannot write the report to ${command.output}: ${describeFileError(error)}`);
  }
}

function exitCode(command: ScanCommand, result: AnalysisResult, output: CliOutput): number {
  if (scannedFiles(result).length === 0) {
    if (result.notices.length > 0) {
      output.stderr('metadata-guard: no file could be scanned (see the messages above)');
      return ExitCode.failure;
    }
    output.stderr(
      `metadata-guard: no Terraform, script, YAML or program files to scan in ${command.paths.join(', ')}`,
    );
  }
  const threshold = command.failOn;
  if (threshold === 'none') return ExitCode.clean;
  const failing = result.findings.some((finding) => reachesThreshold(finding.severity, threshold));
  return failing ? ExitCode.findings : ExitCode.clean;
}

/**
 * Runs the command line of this process and exits with its code once standard output and
 * standard error are flushed, except for `lsp`, which runs until its client stops it. Exiting
 * at once matters after a scan: V8 may still be optimising a tree-sitter grammar (TurboFan on a
 * background thread, seconds of CPU for the PowerShell grammar) and would hold the exit back.
 */
export function main(): void {
  const argv = process.argv.slice(2);
  void runCli(argv).then(async (code) => {
    process.exitCode = code;
    if (argv[0] === 'lsp') return;
    await Promise.all([flush(process.stdout), flush(process.stderr)]);
    process.exit(code);
  });
}

/** Resolves once everything written to the stream so far has been handed to the system. */
function flush(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => stream.write('', () => resolve()));
}

if (require.main === module) main();
