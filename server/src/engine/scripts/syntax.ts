import type { Node } from 'web-tree-sitter';
import type { HostSpan, ScriptSource } from './facts';
import { hostSpan } from './values';

/** Collects the spans of ERROR and MISSING nodes the parser recovered from. */
export function collectParseErrors(root: Node, source: ScriptSource): HostSpan[] {
  const spans: HostSpan[] = [];
  const visit = (node: Node): void => {
    if (node.type === 'ERROR' || node.isMissing) {
      spans.push(hostSpan(source, node.startIndex, node.endIndex));
      return;
    }
    if (!node.hasError) return;
    for (const child of node.children) if (child) visit(child);
  };
  visit(root);
  return spans;
}

/** Returns every descendant of one of the given types, in document order. */
export function descendants(root: Node, types: string | string[]): Node[] {
  return root.descendantsOfType(types).filter((node): node is Node => node !== null);
}

/** The offsets of a function definition in a script, from its keyword or name to its end. */
export interface ScriptRange {
  start: number;
  end: number;
}

/**
 * Returns the definitions among `definitions` whose name appears nowhere in `text` outside the
 * definition itself, so nothing calls them. Any other use of the name counts as a call, because
 * `trap`, `eval` or a name in a string can run a function. `ignoreCase` is for PowerShell.
 */
export function uncalledDefinitions(
  text: string,
  definitions: Array<{ name: string; range: ScriptRange }>,
  ignoreCase: boolean,
): ScriptRange[] {
  const uncalled: ScriptRange[] = [];
  for (const { name, range } of definitions) {
    if (!/^[\w.:-]+$/.test(name)) continue;
    const pattern = new RegExp(`(?<![\\w.:-])${name.replace(/\./g, '\\.')}(?![\\w.:-])`, ignoreCase ? 'gi' : 'g');
    const usedOutside = [...text.matchAll(pattern)].some(
      (match) => match.index < range.start || match.index >= range.end,
    );
    if (!usedOutside) uncalled.push(range);
  }
  return uncalled;
}

/** True when `offset` lies inside one of `ranges`. */
export function insideAny(ranges: ScriptRange[], offset: number): boolean {
  return ranges.some((range) => range.start <= offset && offset < range.end);
}
