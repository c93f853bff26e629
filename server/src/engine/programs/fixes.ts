/**
 * Quick fixes that edit program source: the guest firewall rule written into a `userData`
 * string, template literal or YAML block, a new `userData` property, and the read-only actions
 * written in place of a wildcard action. Each edit keeps the literal's quoting valid.
 */
import { fixTitle } from '../fixes/insertFirewallRule';
import { ruleLines, scriptHeader, type GuestOs } from '../fixes/firewallSnippet';
import { readOnlyActions, readOnlyActionsFix } from '../fixes/policyActions';
import type { BootAssessment } from '../rules/ecs-metadata-unrestricted';
import type { ModuleContext } from '../rules/rule';
import type { ServerKind } from '../rules/servers';
import type { TextPiece } from '../terraform/evaluate';
import type { Block, Expression } from '../terraform/model';
import type { LineIndex } from '../text';
import type { FileEdit, Fix } from '../types';
import type { LiteralStyle, ProgramSourceInfo, PropertiesSite } from './model';

/**
 * Builds the preferred firewall fix for an open program server, or no fix when some open boot
 * script is written in a way the fix cannot edit safely (decoded, concatenated, computed).
 */
export function programFirewallFixes(
  context: ModuleContext,
  block: Block,
  kind: ServerKind,
  boot: BootAssessment,
  os: GuestOs,
  info: ProgramSourceInfo,
): Fix[] {
  const edits: FileEdit[] = [];
  if (boot.attributes.length === 0) {
    const edit = newBootScriptEdit(context, block, kind, os, info);
    if (!edit) return [];
    edits.push(edit);
  }
  const seen = new Set<string>();
  for (const alternative of boot.openAlternatives) {
    const piece = alternative.find((candidate): candidate is TextPiece => candidate.kind === 'text');
    const edit = piece && insertIntoScriptEdit(context, piece, os, info);
    if (!edit) return [];
    const key = `${edit.file}:${edit.edits[0].range.start.line}:${edit.edits[0].range.start.character}`;
    if (!seen.has(key)) edits.push(edit);
    seen.add(key);
  }
  if (edits.length === 0) return [];
  return [{ title: fixTitle(block, os), isPreferred: true, edits }];
}

/** Inserts the rule after the first line of a boot script, escaped for the literal it sits in. */
function insertIntoScriptEdit(context: ModuleContext, piece: TextPiece, os: GuestOs, info: ProgramSourceInfo): FileEdit | undefined {
  const header = /^(#!.*|#ps1.*|#ps1_sysnative.*)$/m.exec(piece.text);
  if (!header || header.index !== 0 || piece.origin.kind === 'decoded' || !piece.map.isVerbatim) return undefined;
  const lines = context.lines(piece.map.file);
  if (!lines) return undefined;
  const hostOffset = piece.map.toHost(header[0].replace(/\r$/, '').length);
  const rule = ruleLines(os);
  let newText: string | undefined;
  if (piece.origin.kind === 'file') {
    newText = piece.origin.viaTemplatefile ? undefined : rule.map((line) => `${lines.eol}${line}`).join('');
  } else {
    const literal = info.literalAt(piece.map.file, hostOffset);
    newText = literal && literalInsertion(literal.style, rule, lines, hostOffset);
  }
  if (newText === undefined) return undefined;
  const position = lines.positionAt(hostOffset);
  return { file: piece.map.file, edits: [{ range: { start: position, end: position }, newText }] };
}

/** Writes rule lines for insertion at `offset` inside a literal of the given style. */
function literalInsertion(style: LiteralStyle, rule: readonly string[], lines: LineIndex, offset: number): string | undefined {
  const escaped = rule.map((line) => `\n${line}`).join('');
  switch (style) {
    case 'ts-double':
    case 'yaml-double':
      return quoted(escaped, '"');
    case 'ts-single':
      return quoted(escaped, "'");
    case 'ts-template':
      if (lines.text[offset] === '\\') return quoted(escaped, '`');
      return rule.map((line) => `${lines.eol}${escapeTemplateText(line)}`).join('');
    case 'yaml-literal': {
      const line = lines.positionAt(offset).line;
      const indent = /^[ \t]*/.exec(lines.text.slice(lines.lineStart(line), offset))![0];
      return rule.map((text) => `${lines.eol}${indent}${text}`).join('');
    }
    default:
      return undefined;
  }
}

/** Escapes text for the inside of a TypeScript string or template literal with quote `quote`. */
function quoted(text: string, quote: '"' | "'" | '`'): string {
  let escaped = text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t');
  escaped = escaped.split(quote).join(`\\${quote}`);
  return quote === '`' ? escaped.replace(/\$\{/g, '\\${') : escaped;
}

function escapeTemplateText(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/`/g, '\\`').replace(/\$\{/g, '\\${');
}

/** Adds a boot script property holding only the rule, for servers that take it at top level. */
function newBootScriptEdit(
  context: ModuleContext,
  block: Block,
  kind: ServerKind,
  os: GuestOs,
  info: ProgramSourceInfo,
): FileEdit | undefined {
  const target = kind.newBootScript;
  const site = info.properties.get(block);
  const lines = context.lines(block.file.path);
  if (!target || target.blockPath.length > 0 || target.base64 || !site || !lines) return undefined;
  const script = [scriptHeader(os), ...ruleLines(os)];
  const name = target.attribute.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());
  const insertion = site.kind === 'ts-object' ? tsProperty(site, lines, name, script) : yamlProperty(site, lines, name, script);
  const position = lines.positionAt(insertion.offset);
  return { file: block.file.path, edits: [{ range: { start: position, end: position }, newText: insertion.text }] };
}

function tsProperty(
  site: Extract<PropertiesSite, { kind: 'ts-object' }>,
  lines: LineIndex,
  name: string,
  script: string[],
): { offset: number; text: string } {
  // The new string takes the quote style the file uses most.
  const quote = countOf(lines.text, "'") > countOf(lines.text, '"') ? "'" : '"';
  const property = `${name}: ${quote}${quoted(`${script.join('\n')}\n`, quote)}${quote}`;
  const last = site.properties[site.properties.length - 1];
  if (!last) return { offset: site.start + 1, text: ` ${property} ` };
  const after = /^\s*,/.exec(lines.text.slice(last.end, site.end));
  const lastLine = lines.positionAt(last.start).line;
  if (lastLine === lines.positionAt(site.start).line) return { offset: last.end, text: `, ${property}` };
  const indent = /^[ \t]*/.exec(lines.text.slice(lines.lineStart(lastLine), last.start))![0];
  if (after) return { offset: last.end + after[0].length, text: `${lines.eol}${indent}${property},` };
  return { offset: last.end, text: `,${lines.eol}${indent}${property}` };
}

function yamlProperty(
  site: Extract<PropertiesSite, { kind: 'yaml-map' }>,
  lines: LineIndex,
  name: string,
  script: string[],
): { offset: number; text: string } {
  const first = site.entries[0] ?? { start: site.keyStart, end: site.keyStart };
  const last = site.entries[site.entries.length - 1] ?? first;
  let end = last.end;
  while (end > last.start && /[\r\n]/.test(lines.text[end - 1])) end--;
  const offset = lines.lineEnd(lines.positionAt(end).line);
  const indent = ' '.repeat(lines.positionAt(first.start).character);
  const eol = lines.eol;
  const inner = site.hasProperties ? indent : `${indent}  `;
  const body = script.map((line) => `${eol}${inner}  ${line}`).join('');
  const property = `${inner}${name}: |${body}`;
  const text = site.hasProperties ? `${eol}${property}` : `${eol}${indent}properties:${eol}${property}`;
  return { offset, text };
}

/**
 * Builds the fix that writes the read-only pair in place of a service-wide wildcard action
 * written as a string literal of the program, in the same quoting and list style.
 */
export function programActionFix(context: ModuleContext, expr: Expression, info: ProgramSourceInfo): Fix | undefined {
  const literal = info.literals.get(expr);
  if (expr.kind !== 'template' || !literal) return undefined;
  const value = expr.parts.map((part) => (part.kind === 'literal' ? part.text : '\u0000')).join('');
  const actions = readOnlyActions(value);
  const lines = context.lines(expr.file.path);
  if (!actions || !lines) return undefined;
  const quote = literal.style === 'ts-single' ? "'" : '"';
  const items = actions.map((action) => `${quote}${action}${quote}`);
  let newText: string;
  if (literal.list === 'yaml-block') {
    const line = lines.positionAt(expr.span.start).line;
    const prefix = lines.text.slice(lines.lineStart(line), expr.span.start);
    if (!/^[ \t]*- $/.test(prefix)) return undefined;
    newText = items.join(`${lines.eol}${prefix}`);
  } else {
    newText = literal.list ? items.join(', ') : `[${items.join(', ')}]`;
  }
  const range = lines.range(expr.span.start, expr.span.end);
  return readOnlyActionsFix(value, actions, { file: expr.file.path, edits: [{ range, newText }] });
}

function countOf(text: string, character: string): number {
  let count = 0;
  for (let index = text.indexOf(character); index >= 0; index = text.indexOf(character, index + 1)) count++;
  return count;
}
