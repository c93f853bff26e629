import * as fs from 'fs';
import * as path from 'path';
import * as v8 from 'v8';
import { Language, Parser } from 'web-tree-sitter';

export type GrammarName = 'hcl' | 'bash' | 'powershell';

const grammarFiles: Record<GrammarName, { packageName: string; file: string }> = {
  hcl: { packageName: '@tree-sitter-grammars/tree-sitter-hcl', file: 'tree-sitter-hcl.wasm' },
  bash: { packageName: 'tree-sitter-bash', file: 'tree-sitter-bash.wasm' },
  powershell: { packageName: 'tree-sitter-powershell', file: 'tree-sitter-powershell.wasm' },
};

/** Parsers for every grammar the engine uses, loaded once per process. */
export interface Parsers {
  hcl: Parser;
  bash: Parser;
  powershell: Parser;
}

let loading: Promise<Parsers> | undefined;

/**
 * Finds a `.wasm` file beside the running bundle (the packaged extension copies them to `dist/`)
 * or, when running from sources, inside the npm package that ships it.
 */
function locateWasm(file: string, packageName: string): string {
  const besideBundle = path.join(__dirname, file);
  if (fs.existsSync(besideBundle)) return besideBundle;
  return path.join(packageFolder(packageName), file);
}

/**
 * Finds an installed package's folder. Some packages (web-tree-sitter 0.25) do not export their
 * `package.json`, so the search starts from the resolved entry point and walks up.
 */
function packageFolder(packageName: string): string {
  let dir = path.dirname(require.resolve(packageName));
  while (path.dirname(dir) !== dir) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest) && JSON.parse(fs.readFileSync(manifest, 'utf8')).name === packageName) return dir;
    dir = path.dirname(dir);
  }
  throw new Error(`package ${packageName} was not found`);
}

/**
 * Compiles the PowerShell grammar with V8's baseline compiler (Liftoff) only. Measured with
 * Node 20.20 on a 2-core machine, the background TurboFan compile of that grammar took about 5 s
 * of CPU after the first PowerShell parse (scanning `examples/`: 4.9 s of CPU without this, 0.7 s
 * with it). The HCL and bash grammars keep TurboFan, which parses a 250,000-line Terraform tree
 * about 20% faster. V8 reads the flag when it compiles a module, and the flag is process-wide.
 * So it is set only while the PowerShell grammar compiles, because leaving it set would also
 * slow the grammars that analysis workers compile later.
 */
async function loadBaselineOnly<T>(load: () => Promise<T>): Promise<T> {
  // NOTE: --liftoff-only is a V8 flag, not a stable Node option, so a later Node may ignore or
  // rename it. A worker that compiles a grammar during this short window gets Liftoff-only code,
  // which costs speed but not correctness.
  v8.setFlagsFromString('--liftoff-only');
  try {
    return await load();
  } finally {
    v8.setFlagsFromString('--no-liftoff-only');
  }
}

async function loadParsers(): Promise<Parsers> {
  await Parser.init({
    locateFile: (file: string) => locateWasm(file, 'web-tree-sitter'),
  });
  const load = async (name: GrammarName): Promise<Parser> => {
    const { packageName, file } = grammarFiles[name];
    const language = await Language.load(locateWasm(file, packageName));
    const parser = new Parser();
    parser.setLanguage(language);
    return parser;
  };
  const hcl = await load('hcl');
  const bash = await load('bash');
  const powershell = await loadBaselineOnly(() => load('powershell'));
  return { hcl, bash, powershell };
}

/** Loads the tree-sitter runtime and the grammars; later calls return the same parsers. */
export function getParsers(): Promise<Parsers> {
  loading ??= loadParsers();
  return loading;
}
