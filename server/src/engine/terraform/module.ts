import * as nodePath from 'path';
import type { Parsers } from '../parsing/treeSitter';
import { describeFileError, FileTooLargeError, type SourceProvider } from '../source';
import { parseHcl, type ParsedFile } from './hcl';
import type { HclParseCache } from './hclCache';
import { parseJsonConfig, parseJsonValues } from './json';
import type { Attribute, Block, Module } from './model';

/** A file of a module that could not be read. */
export interface LoadError {
  file: string;
  message: string;
  /** True when the file was skipped because it is over the size limit. */
  tooLarge?: boolean;
}

/**
 * Loads one Terraform module: every `.tf` and `.tf.json` file directly in `dir` (not in
 * subfolders), then the variable files in Terraform's order: `terraform.tfvars`,
 * `terraform.tfvars.json`, then `*.auto.tfvars` and `*.auto.tfvars.json` alphabetically, with
 * later values replacing earlier ones. A file that cannot be read is listed in `errors` and the
 * other files still load.
 */
export function loadModule(
  dir: string,
  source: SourceProvider,
  parsers: Parsers,
  cache?: HclParseCache,
): { module: Module; errors: LoadError[] } {
  const module = emptyModule(dir);
  const errors: LoadError[] = [];
  const names = source
    .listDirectory(dir)
    .filter((entry) => entry.isFile)
    .map((entry) => entry.name)
    .sort();
  for (const name of names.filter(isConfigFile)) {
    const parsed = readAndParse(dir, name, source, parsers, module, errors, cache);
    if (parsed) addConfiguration(module, parsed);
  }
  for (const name of variableFiles(names)) {
    const parsed = readAndParse(dir, name, source, parsers, module, errors, cache);
    for (const attribute of parsed?.attributes ?? []) module.tfvars.set(attribute.name, attribute);
  }
  return { module, errors };
}

function emptyModule(dir: string): Module {
  return {
    dir,
    files: [],
    resources: new Map(),
    dataSources: new Map(),
    variables: new Map(),
    locals: new Map(),
    tfvars: new Map(),
    readFiles: [],
  };
}

/** True for Terraform configuration files: `.tf` and `.tf.json`. */
export function isConfigFile(name: string): boolean {
  return name.endsWith('.tf') || name.endsWith('.tf.json');
}

/** Orders the variable files among `names` the way Terraform applies them, last one winning. */
export function variableFiles(names: string[]): string[] {
  const fixed = ['terraform.tfvars', 'terraform.tfvars.json'].filter((name) => names.includes(name));
  const automatic = names.filter((name) => /\.auto\.tfvars(\.json)?$/.test(name)).sort();
  return [...fixed, ...automatic];
}

function readAndParse(
  dir: string,
  name: string,
  source: SourceProvider,
  parsers: Parsers,
  module: Module,
  errors: LoadError[],
  cache: HclParseCache | undefined,
): ParsedFile | undefined {
  const path = nodePath.join(dir, name);
  module.readFiles.push(path);
  let text: string;
  try {
    text = source.readText(path);
  } catch (error) {
    const tooLarge = error instanceof FileTooLargeError;
    errors.push({ file: path, message: `${nodePath.basename(path)} was not analysed: ${describeFileError(error)}.`, tooLarge });
    return undefined;
  }
  let parsed: ParsedFile;
  try {
    parsed = parseFile(path, text, parsers, cache);
  } catch (error) {
    // The JSON parser recurses once per nesting level, so a deep enough file overflows the stack.
    const reason = error instanceof RangeError ? 'it is nested too deeply' : String(error);
    errors.push({ file: path, message: `could not parse ${path}: ${reason}` });
    return undefined;
  }
  module.files.push(parsed.file);
  return parsed;
}

/**
 * Parses a configuration or variable file by its name: JSON for `.json`, HCL otherwise, through
 * `cache` when one is given.
 */
export function parseFile(path: string, text: string, parsers: Parsers, cache?: HclParseCache): ParsedFile {
  if (path.endsWith('.tfvars.json')) return parseJsonValues(path, text, parsers.hcl);
  if (path.endsWith('.json')) return parseJsonConfig(path, text, parsers.hcl);
  return cache ? cache.parse(path, text, parsers.hcl) : parseHcl(path, text, parsers.hcl);
}

/** Files its blocks into the module's maps; the first of two blocks with one key wins. */
function addConfiguration(module: Module, parsed: ParsedFile): void {
  for (const block of parsed.blocks) {
    if (block.type === 'resource' && block.labels.length >= 2) {
      setOnce(module.resources, `${block.labels[0]}.${block.labels[1]}`, block);
    } else if (block.type === 'data' && block.labels.length >= 2) {
      setOnce(module.dataSources, `${block.labels[0]}.${block.labels[1]}`, block);
    } else if (block.type === 'variable' && block.labels.length >= 1) {
      setOnce(module.variables, block.labels[0], block);
    } else if (block.type === 'locals') {
      for (const attribute of block.attributes.values()) {
        setOnce(module.locals, attribute.name, attribute);
      }
    }
  }
}

function setOnce<T extends Block | Attribute>(map: Map<string, T>, key: string, value: T): void {
  if (!map.has(key)) map.set(key, value);
}
