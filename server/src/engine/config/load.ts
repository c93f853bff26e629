import * as path from 'path';
import { isMap, isScalar, isSeq, parseDocument, type Node } from 'yaml';
import { rules } from '../rules/registry';
import type { SourceProvider } from '../source';
import { LineIndex } from '../text';
import type { Notice, Range } from '../types';
import {
  configFileName,
  createDefaultConfig,
  ruleLevels,
  unknownValueModes,
  type GuardConfig,
  type RuleLevel,
  type UnknownValues,
} from './config';

/** The outcome of reading one configuration file. */
export interface LoadedConfig {
  config: GuardConfig;
  /** Absolute path of the file, or undefined when there is none. */
  file: string | undefined;
  /** The first problem of an invalid file, as a notice on that file; the defaults then apply. */
  problem: Notice | undefined;
  /** Keys the file sets, so that editor settings can fill in the others. */
  keys: Set<keyof GuardConfig>;
}

/** A problem found while validating, with the offsets it covers in the file. */
class ConfigProblem extends Error {
  constructor(
    message: string,
    readonly start: number,
    readonly end: number,
  ) {
    super(message);
  }
}

/** Reads `.metadata-guard.yaml` in a folder; a folder without one gets the defaults. */
export function loadConfigIn(folder: string, source: SourceProvider): LoadedConfig {
  const file = path.join(folder, configFileName);
  if (!source.exists(file)) return { config: createDefaultConfig(), file: undefined, problem: undefined, keys: new Set() };
  return loadConfigFile(file, source);
}

/** Reads and validates a configuration file. An unreadable or invalid file yields the defaults. */
export function loadConfigFile(file: string, source: SourceProvider): LoadedConfig {
  let text: string;
  try {
    text = source.readText(file);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const problem = { file, message: `Cannot read ${path.basename(file)}: ${reason}. The defaults apply.` };
    return { config: createDefaultConfig(), file, problem, keys: new Set() };
  }
  return parseConfigText(file, text);
}

/** Parses and validates the text of a configuration file named `file`. */
export function parseConfigText(file: string, text: string): LoadedConfig {
  const lines = new LineIndex(text);
  try {
    const { config, keys } = readConfig(text);
    return { config, file, problem: undefined, keys };
  } catch (error) {
    const problem = error instanceof ConfigProblem ? error : new ConfigProblem(String(error), 0, 0);
    const range: Range = lines.range(problem.start, Math.max(problem.start, problem.end));
    const message = `Invalid ${path.basename(file)}: ${problem.message}. The defaults apply.`;
    return { config: createDefaultConfig(), file, problem: { file, message, range }, keys: new Set() };
  }
}

function readConfig(text: string): { config: GuardConfig; keys: Set<keyof GuardConfig> } {
  const document = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  const syntaxError = document.errors[0];
  if (syntaxError) {
    const [start, end] = syntaxError.pos;
    throw new ConfigProblem(`YAML syntax error: ${syntaxError.message.split('\n')[0]}`, start, end);
  }
  const config = createDefaultConfig();
  const keys = new Set<keyof GuardConfig>();
  const root = document.contents;
  if (root === null || (isScalar(root) && root.value === null)) return { config, keys };
  if (!isMap(root)) throw problemAt(root, 'the file must be a mapping with the keys rules, exclude and unknownValues');
  for (const pair of root.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    const value = pair.value as Node | null;
    if (key === 'rules') config.rules = readRules(value, pair.key as Node);
    else if (key === 'exclude') config.exclude = readExclude(value, pair.key as Node);
    else if (key === 'unknownValues') config.unknownValues = readUnknownValues(value, pair.key as Node);
    else throw problemAt(pair.key as Node, `unknown key '${key}'; expected rules, exclude or unknownValues`);
    keys.add(key);
  }
  return { config, keys };
}

function readRules(value: Node | null, key: Node): Record<string, RuleLevel> {
  if (value === null || (isScalar(value) && value.value === null)) return {};
  if (!isMap(value)) throw problemAt(value ?? key, 'rules must map rule ids to off, info, warning or error');
  const known = rules.map((rule) => rule.id);
  const levels: Record<string, RuleLevel> = {};
  for (const pair of value.items) {
    const id = isScalar(pair.key) ? String(pair.key.value) : '';
    if (!known.includes(id)) {
      throw problemAt(pair.key as Node, `unknown rule id '${id}'; expected one of: ${known.join(', ')}`);
    }
    levels[id] = readChoice(pair.value as Node | null, pair.key as Node, `rules.${id}`, ruleLevels);
  }
  return levels;
}

function readExclude(value: Node | null, key: Node): string[] {
  if (value === null || (isScalar(value) && value.value === null)) return [];
  if (!isSeq(value)) throw problemAt(value ?? key, 'exclude must be a list of glob strings');
  return value.items.map((item) => {
    const node = item as Node;
    if (!isScalar(node) || typeof node.value !== 'string' || node.value.trim() === '') {
      throw problemAt(node, 'each exclude entry must be a non-empty glob string');
    }
    return node.value.trim();
  });
}

function readUnknownValues(value: Node | null, key: Node): UnknownValues {
  return readChoice(value, key, 'unknownValues', unknownValueModes);
}

function readChoice<T extends string>(value: Node | null, key: Node, name: string, choices: readonly T[]): T {
  const given = value && isScalar(value) ? value.value : undefined;
  if (typeof given === 'string' && (choices as readonly string[]).includes(given)) return given as T;
  // YAML 1.2 reads a bare `off` as a string, but a YAML 1.1 habit may write `false` for it.
  if (given === false && (choices as readonly string[]).includes('off')) return 'off' as T;
  throw problemAt(value ?? key, `invalid value '${String(given)}' for ${name}; expected one of: ${choices.join(', ')}`);
}

function problemAt(node: Node, message: string): ConfigProblem {
  const [start, end] = node.range ?? [0, 0];
  return new ConfigProblem(message, start, end);
}
