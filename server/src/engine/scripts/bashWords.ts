import type { Node } from 'web-tree-sitter';
import { type Arg, baseName, isKnown, UNKNOWN } from './values';
import { descendants } from './syntax';

/**
 * Reads the values of bash words. Values are sliced from `masked`, the script text with template
 * placeholders replaced by UNKNOWN, and expansions of variables assigned earlier in the script
 * with a fully known value are replaced by that value.
 */
export class BashWords {
  private readonly variables = new Map<string, Array<{ offset: number; value: string }>>();

  constructor(private readonly masked: string, root: Node) {
    for (const assignment of descendants(root, 'variable_assignment')) {
      const name = assignment.childForFieldName('name')?.text;
      const valueNode = assignment.childForFieldName('value');
      if (!name) continue;
      const value = valueNode ? this.value(valueNode) : '';
      this.variables.set(name, [...(this.variables.get(name) ?? []), { offset: assignment.endIndex, value }]);
    }
  }

  /** Returns the value of a word node, with unknown parts as UNKNOWN. */
  value(node: Node): string {
    const text = this.masked.slice(node.startIndex, node.endIndex);
    switch (node.type) {
      case 'word':
      case 'number':
        return text.replace(/\\(.)/gs, '$1');
      case 'raw_string':
        return text.slice(1, -1);
      case 'ansi_c_string':
        return text.slice(2, -1).replace(/\\n/g, '\n').replace(/\\t/g, '\t').replace(/\\(.)/gs, '$1');
      case 'string':
      case 'translated_string':
      case 'concatenation':
        return this.compound(node);
      case 'simple_expansion':
      case 'expansion':
        return this.expansion(node);
      default:
        return UNKNOWN;
    }
  }

  /** Builds an argument from a word node. */
  arg(node: Node): Arg {
    return { value: this.value(node), raw: node.text, start: node.startIndex, end: node.endIndex };
  }

  /** Joins the children of a string or concatenation, reading the text between them as content. */
  private compound(node: Node): string {
    const quoted = node.type !== 'concatenation';
    const open = node.type === 'translated_string' ? 2 : 1;
    let cursor = quoted ? node.startIndex + open : node.startIndex;
    const end = quoted ? node.endIndex - 1 : node.endIndex;
    let value = '';
    for (const child of node.namedChildren) {
      if (!child) continue;
      value += this.content(cursor, child.startIndex, quoted);
      value += child.type === 'string_content' ? this.content(child.startIndex, child.endIndex, quoted) : this.value(child);
      cursor = child.endIndex;
    }
    return value + this.content(cursor, end, quoted);
  }

  private content(start: number, end: number, quoted: boolean): string {
    if (end <= start) return '';
    const text = this.masked.slice(start, end);
    return quoted ? text.replace(/\\(["\\$`])/g, '$1') : text.replace(/\\(.)/gs, '$1');
  }

  /** Resolves `$NAME` and `${NAME}`; anything else (`${X:-y}`, `$1`) is unknown. */
  private expansion(node: Node): string {
    const named = node.namedChildren.filter((child): child is Node => child !== null);
    const plain = named.length === 1 && named[0].type === 'variable_name';
    if (!plain || (node.type === 'expansion' && node.text !== `\${${named[0].text}}`)) return UNKNOWN;
    const assignments = this.variables.get(named[0].text) ?? [];
    const earlier = assignments.filter((entry) => entry.offset <= node.startIndex);
    const last = earlier[earlier.length - 1];
    return last && isKnown(last.value) ? last.value : UNKNOWN;
  }

  /** Returns the command's name and arguments as written, wrappers included. */
  words(command: Node): Arg[] {
    const name = command.childForFieldName('name');
    const args = command.childrenForFieldName('argument').filter((arg): arg is Node => arg !== null);
    const nameWord = name?.namedChildren[0] ?? name;
    return [...(nameWord ? [this.arg(nameWord)] : []), ...args.map((arg) => this.arg(arg))];
  }
}

/** Options of command wrappers that take a value, so the value is not taken for the command name. */
const wrapperValueOptions: Record<string, string[]> = {
  sudo: ['-u', '-g', '-C', '-D', '-h', '-p', '-r', '-t', '-T', '-U', '--user', '--group', '--chdir', '--prompt', '--role', '--type', '--host', '--other-user', '--close-from'],
  env: ['-u', '--unset', '-C', '--chdir', '-S', '--split-string'],
  command: [],
  exec: ['-a'],
  nohup: [],
};

/** Skips `sudo`, `env`, `command`, `exec` and `nohup` with their options before the command name. */
export function stripWrappers(words: Arg[]): Arg[] {
  let rest = words;
  while (rest.length > 0 && baseName(rest[0].value) in wrapperValueOptions) {
    const valueOptions = wrapperValueOptions[baseName(rest[0].value)];
    const isEnv = baseName(rest[0].value) === 'env';
    let index = 1;
    while (index < rest.length) {
      const word = rest[index].value;
      if (word === '--') {
        index++;
        break;
      }
      if (isEnv && /^\w+=/.test(word)) index++;
      else if (word.startsWith('-')) index += valueOptions.includes(word) ? 2 : 1;
      else break;
    }
    rest = rest.slice(index);
  }
  return rest;
}

const discardFiles = new Set(['/dev/null', '/dev/stdout', '/dev/stderr']);

function redirectTargets(statement: Node, words: BashWords): string[] {
  const files: string[] = [];
  for (const redirect of statement.childrenForFieldName('redirect')) {
    if (!redirect || redirect.type !== 'file_redirect') continue;
    const operator = redirect.children.find((child) => child && !child.isNamed)?.text ?? '';
    const destination = redirect.childForFieldName('destination');
    if (destination && /^(&?>>?|>\||&>>?)$/.test(operator)) files.push(words.value(destination));
  }
  return files;
}

/** Returns the files a `tee` command writes (its non-option arguments). */
export function teeFiles(words: Arg[]): string[] {
  const command = stripWrappers(words);
  if (command.length === 0 || baseName(command[0].value) !== 'tee') return [];
  return command.slice(1).map((arg) => arg.value).filter((value) => !value.startsWith('-'));
}

/**
 * Returns the files a command's standard output goes to: its own redirections, the redirections
 * of the pipeline it ends, and `tee` commands later in its pipeline.
 */
export function outputFiles(command: Node, words: BashWords): string[] {
  const files: string[] = [];
  let node: Node = command;
  for (let parent = node.parent; parent; node = parent, parent = parent.parent) {
    if (parent.type === 'redirected_statement' && parent.childForFieldName('body')?.id === node.id) {
      files.push(...redirectTargets(parent, words));
    } else if (parent.type === 'pipeline') {
      const later = parent.namedChildren.filter((child): child is Node => child !== null && child.startIndex > node.startIndex);
      for (const next of later) if (next.type === 'command') files.push(...teeFiles(words.words(next)));
      if (later.length > 0) break;
    } else if (parent.type === 'list' && parent.lastNamedChild?.id === node.id) {
      // tree-sitter-bash 0.25 attaches `a && b > file` to the whole list, while bash redirects
      // only the last command, so the walk goes on up from the list's last command.
      continue;
    } else break;
  }
  return files.filter((file) => !discardFiles.has(file));
}
