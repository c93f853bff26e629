import { parseArgs } from 'util';

/** Output formats of `metadata-guard scan`. */
export type OutputFormat = 'text' | 'json' | 'sarif';

/** The lowest severity that makes `scan` exit with 1, or `none` to never fail. */
export type FailOn = 'error' | 'warning' | 'info' | 'none';

/** Options of `metadata-guard scan`. */
export interface ScanCommand {
  command: 'scan';
  /** Files and folders to scan, as given on the command line (`.` when none are given). */
  paths: string[];
  format: OutputFormat;
  failOn: FailOn;
  /** File to write the report to instead of standard output. */
  output?: string;
  /** Configuration file given with `--config`, read instead of `.metadata-guard.yaml`. */
  config?: string;
}

/** A parsed command line. */
export type Command =
  | ScanCommand
  | { command: 'lsp' }
  | { command: 'help' }
  /** No command at all: the usage goes to standard error and the exit code is 2. */
  | { command: 'missing' }
  | { command: 'version' };

/** A command line that cannot be run; the CLI prints the message and exits with 2. */
export class UsageError extends Error {}

const formats: readonly OutputFormat[] = ['text', 'json', 'sarif'];
const failOnValues: readonly FailOn[] = ['error', 'warning', 'info', 'none'];

export const usage = `Usage:
  metadata-guard scan [paths...] [--format text|json|sarif] [--fail-on error|warning|info|none]
                      [--output FILE] [--config FILE]
  metadata-guard lsp --stdio
  metadata-guard --help | --version

Commands:
  scan   Analyse Terraform (.tf, .tf.json), shell and PowerShell scripts, cloud-init and
         Ansible YAML, and Pulumi or CDK for Terraform programs in the given files and
         folders (default: the current folder) and report open instance metadata, broad
         agencies and firewall rules that do not work.
  lsp    Run the language server over standard input and output.

Options of scan:
  --format FORMAT    Report format: text (default), json or sarif (SARIF 2.1.0).
  --fail-on LEVEL    Exit with 1 when a finding of this severity or a more serious one is
                     reported: error, warning (default), info, or none to always exit with 0.
  --output FILE      Write the report to FILE instead of standard output.
  --config FILE      Read rule levels, exclude globs and unknownValues from FILE (an invalid
                     file exits with 2). Without it, .metadata-guard.yaml in the scan root is
                     read when present, and an invalid one is reported and the defaults apply.

Exit codes: 0 no finding reaches --fail-on, 1 at least one does, 2 invalid usage, a path not
found, no file could be read, or the scan failed.
`;

/** Parses the arguments after `node metadata-guard.js`; throws UsageError when they are invalid. */
export function parseCommandLine(argv: string[]): Command {
  const [first, ...rest] = argv;
  if (first === undefined) return { command: 'missing' };
  if (first === '--help' || first === '-h' || first === 'help') {
    return { command: 'help' };
  }
  if (first === '--version' || first === '-v') return { command: 'version' };
  if (first === 'scan') return parseScan(rest);
  if (first === 'lsp') return parseLsp(rest);
  throw new UsageError(`unknown command '${first}'; expected 'scan' or 'lsp' (see --help)`);
}

function parseScan(args: string[]): ScanCommand | { command: 'help' } {
  const { values, positionals } = parseStrict(args, {
    format: { type: 'string', short: 'f' },
    'fail-on': { type: 'string' },
    output: { type: 'string', short: 'o' },
    config: { type: 'string', short: 'c' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) return { command: 'help' };

  const format = checkChoice('--format', values.format ?? 'text', formats);
  const failOn = checkChoice('--fail-on', values['fail-on'] ?? 'warning', failOnValues);
  if (values.output === '') throw new UsageError('--output needs a file name');
  if (values.config === '') throw new UsageError('--config needs a file name');
  return {
    command: 'scan',
    paths: positionals.length > 0 ? positionals : ['.'],
    format,
    failOn,
    output: values.output as string | undefined,
    ...(values.config === undefined ? {} : { config: values.config as string }),
  };
}

function parseLsp(args: string[]): { command: 'lsp' } {
  // vscode-languageclient adds --clientProcessId=N to the server's arguments.
  const { values, positionals } = parseStrict(args, {
    stdio: { type: 'boolean' },
    clientProcessId: { type: 'string' },
  });
  if (positionals.length > 0) {
    throw new UsageError(`lsp takes no arguments, but got '${positionals[0]}'`);
  }
  if (!values.stdio) throw new UsageError('lsp needs --stdio (the only transport it supports)');
  return { command: 'lsp' };
}

type OptionSpec = Record<string, { type: 'string' | 'boolean'; short?: string }>;

/** Runs util.parseArgs and turns its errors into one-line usage errors naming the option. */
function parseStrict(args: string[], options: OptionSpec) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(describeParseError(error, args));
  }
}

function describeParseError(error: unknown, args: string[]): string {
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : String(error);
  const quoted = /'(-[^']*)'/.exec(message)?.[1] ?? args.find((arg) => arg.startsWith('-')) ?? '';
  const option = /--[\w-]+/.exec(quoted)?.[0] ?? quoted;
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `unknown option '${option}' (see --help)`;
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    return message.includes('argument missing')
      ? `option '${option}' needs a value (see --help)`
      : `option '${option}' takes no value (see --help)`;
  }
  return message.split('\n')[0];
}

function checkChoice<T extends string>(option: string, value: unknown, choices: readonly T[]): T {
  if (typeof value === 'string' && (choices as readonly string[]).includes(value)) return value as T;
  throw new UsageError(
    `invalid value '${String(value)}' for ${option}; expected one of: ${choices.join(', ')}`,
  );
}
