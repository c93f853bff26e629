import type { Node } from 'web-tree-sitter';
import { type Arg, UNKNOWN } from './values';
import { descendants } from './syntax';

/** A PowerShell command's parameters (by name as written, without `-`) and positional arguments. */
export interface PsCall {
  name: string;
  node: Node;
  nameNode: Node;
  parameters: Array<{ name: string; value: string }>;
  positional: Arg[];
  splats: string[];
  /** Every argument element, in order, for native commands such as netsh. */
  elements: Arg[];
}

/** Strips one pair of outer quotes. */
export function unquote(text: string): string {
  return text.replace(/^(['"])(.*)\1$/s, '$2');
}

/** Reads commands, parameter values and variable assignments of one PowerShell script. */
export class PsReader {
  private readonly assignments = new Map<string, Array<{ offset: number; node: Node }>>();

  constructor(private readonly masked: string, root: Node) {
    for (const assignment of descendants(root, 'assignment_expression')) {
      const left = assignment.namedChildren[0]?.text.trim() ?? '';
      const value = assignment.childForFieldName('value');
      const name = /^\$(\w+)$/.exec(left)?.[1].toLowerCase();
      if (!name || !value) continue;
      this.assignments.set(name, [...(this.assignments.get(name) ?? []), { offset: assignment.endIndex, node: value }]);
    }
  }

  /** Returns the text with template placeholders masked. */
  text(start: number, end: number): string {
    return this.masked.slice(start, end);
  }

  /** Returns the value node of the last assignment to `$name` before `offset`. */
  assignedNode(name: string, offset: number): Node | undefined {
    const earlier = (this.assignments.get(name.toLowerCase()) ?? []).filter((entry) => entry.offset <= offset);
    return earlier[earlier.length - 1]?.node;
  }

  /**
   * Reads a value as a list: `a,b`, `"a","b"`, `@('a', 'b')`, `$var` (its assigned value).
   * Items that are expressions come back as UNKNOWN.
   */
  list(text: string, offset: number, depth = 0): string[] {
    const inner = text.trim().replace(/^@?\(([\s\S]*)\)$/, '$1');
    const items = inner.split(/[,;\n]/).map((item) => item.trim()).filter((item) => item.length > 0);
    return items.flatMap((item) => {
      const variable = /^\$(\w+)$/.exec(item)?.[1];
      if (!variable) return [/^[$(@]/.test(item) ? UNKNOWN : unquote(item)];
      const node = depth < 5 ? this.assignedNode(variable, offset) : undefined;
      return node ? this.list(this.text(node.startIndex, node.endIndex), node.startIndex, depth + 1) : [UNKNOWN];
    });
  }

  /** Returns the key/value texts of the hashtable assigned to `$name` (for `@name` splatting). */
  hashtable(name: string, offset: number): Array<{ name: string; value: string }> {
    const node = this.assignedNode(name, offset);
    if (!node) return [];
    return descendants(node, 'hash_entry').map((entry) => {
      const key = entry.namedChildren[0];
      const value = entry.namedChildren[entry.namedChildren.length - 1];
      return {
        name: unquote(key?.text.trim() ?? ''),
        value: value && value.id !== key?.id ? this.text(value.startIndex, value.endIndex) : '',
      };
    });
  }

  /** Reads a command node into a call, reading parameter values from the source text. */
  call(node: Node, switches: Set<string>): PsCall | undefined {
    const nameNode = node.childForFieldName('command_name');
    const elementsNode = node.childForFieldName('command_elements');
    if (!nameNode) return undefined;
    const elements = (elementsNode?.namedChildren ?? [])
      .filter((child): child is Node => child !== null && child.type !== 'command_argument_sep');
    const call: PsCall = {
      name: nameNode.text.toLowerCase(), node, nameNode, parameters: [], positional: [], splats: [],
      elements: elements.map((element) => this.arg(element)),
    };
    for (let index = 0; index < elements.length; index++) {
      index = this.readElement(call, elements, index, switches);
    }
    return call;
  }

  private arg(node: Node): Arg {
    const raw = this.text(node.startIndex, node.endIndex);
    return { value: unquote(raw), raw: node.text, start: node.startIndex, end: node.endIndex };
  }

  /** Reads the element at `index`; returns the index of the last element it used. */
  private readElement(call: PsCall, elements: Node[], index: number, switches: Set<string>): number {
    const element = elements[index];
    const splat = /^@(\w+)$/.exec(element.text);
    if (splat) {
      call.splats.push(splat[1]);
      return index;
    }
    if (element.type !== 'command_parameter') {
      call.positional.push(this.arg(element));
      return index;
    }
    const attached = element.text.endsWith(':');
    const name = element.text.replace(/^-/, '').replace(/:$/, '');
    if (!attached && switches.has(name.toLowerCase())) {
      call.parameters.push({ name, value: '' });
      return index;
    }
    let last = index;
    // The grammar splits an unquoted list (`a,b`) into several elements; join them again.
    while (last + 1 < elements.length && elements[last + 1].type !== 'command_parameter') {
      const joined = elements[last].text.endsWith(',') || elements[last + 1].text.startsWith(',');
      if (last > index && !joined) break;
      last++;
    }
    const value = last > index ? this.text(elements[index + 1].startIndex, elements[last].endIndex) : '';
    call.parameters.push({ name, value: value.replace(/`\r?\n/g, ' ') });
    return last;
  }
}

/**
 * Resolves a parameter name as PowerShell does: an exact name or a unique prefix, case-insensitive.
 * When a prefix fits several parameters, the one the analysis reads (`preferred`) is taken if only
 * one of those fits.
 */
export function resolveParameter(name: string, all: string[], preferred: string[]): string | undefined {
  const lower = name.toLowerCase();
  const exact = all.find((candidate) => candidate.toLowerCase() === lower);
  if (exact) return exact;
  const matches = all.filter((candidate) => candidate.toLowerCase().startsWith(lower));
  if (matches.length === 1) return matches[0];
  // NOTE: PowerShell rejects an ambiguous prefix such as `-Remote` (RemoteAddress, RemotePort...).
  // This analysis accepts it when only one parameter it reads fits.
  const narrowed = matches.filter((candidate) => preferred.includes(candidate));
  return narrowed.length === 1 ? narrowed[0] : undefined;
}

/** Collects a call's parameters and splatted hashtable entries under their full names. */
export function namedValues(reader: PsReader, call: PsCall, all: string[], preferred: string[]): Map<string, string> {
  const values = new Map<string, string>();
  const entries = [...call.splats.flatMap((splat) => reader.hashtable(splat, call.node.startIndex)), ...call.parameters];
  for (const entry of entries) {
    const name = resolveParameter(entry.name, all, preferred);
    if (name) values.set(name, entry.value);
  }
  return values;
}
