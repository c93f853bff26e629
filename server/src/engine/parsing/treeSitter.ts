import * as fs from 'fs';
import * as path from 'path';
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
  const packageJson = require.resolve(`${packageName}/package.json`);
  return path.join(path.dirname(packageJson), file);
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
  return { hcl: await load('hcl'), bash: await load('bash'), powershell: await load('powershell') };
}

/** Loads the tree-sitter runtime and the grammars; later calls return the same parsers. */
export function getParsers(): Promise<Parsers> {
  loading ??= loadParsers();
  return loading;
}
