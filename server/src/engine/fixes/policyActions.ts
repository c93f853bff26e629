import type { ModuleContext } from '../rules/rule';
import type { TextPiece } from '../terraform/evaluate';
import type { Expression } from '../terraform/model';
import type { FileEdit, Fix } from '../types';
import { escapeHclQuoted, escapeJsonString, escapeTemplateSequences } from './firewallSnippet';

/**
 * Returns the read-only pair that replaces a service-wide wildcard action: `svc:*:*` and
 * `svc:*` become `svc:*:get*` and `svc:*:list*`. Returns undefined for any other action.
 */
export function readOnlyActions(action: string): string[] | undefined {
  const match = /^([A-Za-z0-9_-]+):\*(:\*)?$/.exec(action);
  if (!match) return undefined;
  return [`${match[1]}:*:get*`, `${match[1]}:*:list*`];
}

/** Writes actions as JSON strings: a comma-separated run inside an array, else a new array. */
export function actionsJson(actions: string[], inArray: boolean): string {
  const items = actions.map((action) => JSON.stringify(action)).join(', ');
  return inArray ? items : `[${items}]`;
}

/** Builds the quick fix that replaces a wildcard action with its read-only pair. */
export function readOnlyActionsFix(action: string, actions: string[], edit: FileEdit): Fix {
  return {
    title: `Replace "${action}" with the read-only actions ${actions.map((item) => `"${item}"`).join(' and ')}`,
    isPreferred: true,
    edits: [edit],
  };
}

/**
 * Replaces a string item of an HCL object (inside `jsonencode({...})`) with `newText`, when the
 * item is written as the plain quoted string `expectedRaw` in its file.
 */
export function replaceHclExpression(
  context: ModuleContext,
  expr: Expression,
  expectedRaw: string,
  newText: string,
): FileEdit | undefined {
  if (expr.file.text.slice(expr.span.start, expr.span.end) !== expectedRaw) return undefined;
  const location = context.location(expr.file.path, expr.span.start, expr.span.end);
  return { file: location.file, edits: [{ range: location.range, newText }] };
}

/**
 * Replaces the text from `start` to `end` of an evaluated text (JSON in a heredoc, a quoted
 * string or a file) with `newText`, escaped the way the host writes it. Returns undefined when
 * the text is decoded or when the host does not hold the old text written the same way, because
 * an edit there could change something else.
 */
export function replaceInPiece(
  context: ModuleContext,
  piece: TextPiece,
  start: number,
  end: number,
  newText: string,
): FileEdit | undefined {
  const escape = escaperFor(piece);
  const lines = context.lines(piece.map.file);
  if (!escape || !lines || !piece.map.isVerbatim) return undefined;
  const expected = escape(piece.text.slice(start, end));
  const hostStart = piece.map.toHost(start);
  if (lines.text.slice(hostStart, hostStart + expected.length) !== expected) return undefined;
  const range = lines.range(hostStart, hostStart + expected.length);
  return { file: piece.map.file, edits: [{ range, newText: escape(newText) }] };
}

function escaperFor(piece: TextPiece): ((text: string) => string) | undefined {
  const { origin } = piece;
  switch (origin.kind) {
    case 'hcl-quoted':
      return escapeHclQuoted;
    case 'json-string':
      return escapeJsonString;
    case 'hcl-heredoc':
      return escapeTemplateSequences;
    case 'file':
      return origin.viaTemplatefile ? escapeTemplateSequences : (text) => text;
    default:
      return undefined;
  }
}
