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
