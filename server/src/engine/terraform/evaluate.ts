import * as nodePath from 'path';
import type { Parsers } from '../parsing/treeSitter';
import { describeFileError, type SourceProvider } from '../source';
import { SourceMap, SourceMapBuilder } from '../text';
import type { Expression, Module } from './model';

/** Where the text of a piece comes from, which decides how a fix can edit it. */
export type TextOrigin =
  /** Inline text in a `.tf` or `.tf.json` file. */
  | { kind: 'hcl-quoted' | 'hcl-heredoc' | 'json-string'; expr: Expression }
  /** Text read by `file()`, `filebase64()` or `templatefile()`. */
  | { kind: 'file'; path: string; viaTemplatefile: boolean }
  /** Text decoded from base64, or a computed value such as `path.module`: no verbatim positions. */
  | { kind: 'decoded' };

/** Script text that the evaluator followed to its source. */
export interface TextPiece {
  kind: 'text';
  /** The script text, decoded. */
  text: string;
  /** Maps offsets in `text` to offsets in `map.file`. */
  map: SourceMap;
  /** Offsets in `text` of template sequences kept as same-length placeholders. */
  placeholders: Array<{ start: number; end: number }>;
  origin: TextOrigin;
  /** The expression that produced this piece: the template, the `file()` call and so on. */
  expr: Expression;
}

/** A part of the value that cannot be known before apply, or that the evaluator does not follow. */
export interface UnknownPiece {
  kind: 'unknown';
  reason: string;
  expr: Expression;
}

/**
 * One way the value can turn out. A script assembled from parts (cloud-init parts) has several
 * pieces, and a `null` value gives an alternative with no pieces.
 */
export type Alternative = Array<TextPiece | UnknownPiece>;

/** Inputs of the evaluator: the module, the source provider for files, and the parsers. */
export interface EvalContext {
  module: Module;
  source: SourceProvider;
  parsers: Parsers;
  /** Receives every file read, for dependency tracking. */
  onRead(path: string): void;
}

/**
 * The character that replaces each character of a `${...}` or `%{...}` sequence kept in a
 * script. A run of `x` is one plain word, so it never completes a firewall command by itself
 * (it is not an address, a chain name, a target or an option). Line breaks inside a sequence
 * are kept, so line numbers in the script stay right.
 */
export const placeholderChar = 'x';

/** Nesting depth after which evaluation gives up and returns an unknown piece. */
const maxDepth = 40;
/** Alternatives kept per expression; conditionals nested in conditionals multiply quickly. */
const maxAlternatives = 16;

interface State {
  ctx: EvalContext;
  depth: number;
  /** `var.x` / `local.y` names being followed, outermost first, to detect reference cycles. */
  visiting: string[];
}

/**
 * Follows an expression to the script texts it can take. Each alternative is one possible
 * value. Each piece is known text, with placeholders where template sequences were, or an
 * unknown part whose reason names the expression that could not be followed.
 */
export function evaluateString(expr: Expression, ctx: EvalContext): Alternative[] {
  return evaluate(expr, { ctx, depth: 0, visiting: [] });
}

function evaluate(expr: Expression, state: State): Alternative[] {
  if (state.depth >= maxDepth) return unknown(expr, `${describe(expr)} is nested too deeply to follow`);
  const inner = { ...state, depth: state.depth + 1 };
  switch (expr.kind) {
    case 'template':
      return evaluateTemplate(expr, inner);
    case 'reference':
      return evaluateReference(expr, inner);
    case 'call':
      return evaluateCall(expr, inner);
    case 'conditional':
      return limit([...evaluate(expr.whenTrue, inner), ...evaluate(expr.whenFalse, inner)]);
    case 'null':
      return [[]];
    default:
      return unknown(expr, `${describe(expr)} is not a string value that can be followed`);
  }
}

function unknown(expr: Expression, reason: string): Alternative[] {
  return [[{ kind: 'unknown', reason, expr }]];
}

function limit(alternatives: Alternative[]): Alternative[] {
  // NOTE: alternatives past the limit are dropped silently; rules see at most maxAlternatives.
  return alternatives.slice(0, maxAlternatives);
}

/** Quotes the source text of an expression for a message, shortened to one line. */
export function describe(expr: Expression): string {
  const text = expr.file.text.slice(expr.span.start, expr.span.end).split(/\r?\n/)[0];
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

type TemplateExpression = Extract<Expression, { kind: 'template' }>;

function evaluateTemplate(expr: TemplateExpression, state: State): Alternative[] {
  const only = expr.parts.length === 1 ? expr.parts[0] : undefined;
  if (!expr.heredoc && only?.kind === 'interpolation' && only.expr) return evaluate(only.expr, state);

  const builder = new SourceMapBuilder(expr.file.path);
  const placeholders: Array<{ start: number; end: number }> = [];
  let length = 0;
  for (const part of expr.parts) {
    if (part.kind === 'literal') {
      appendMapped(builder, part.text, part.map);
      length += part.text.length;
      continue;
    }
    const placeholder = placeholderFor(expr.file.text.slice(part.span.start, part.span.end));
    builder.appendVerbatim(placeholder, part.span.start);
    placeholders.push({ start: length, end: length + placeholder.length });
    length += placeholder.length;
  }
  const heredoc = expr.heredoc;
  const fallback = heredoc ? { start: heredoc.contentStart, end: heredoc.contentEnd } : expr.span;
  const { text, map } = builder.build(fallback.start, fallback.end);
  if (placeholders.length === 0) {
    const decoded = decodeScriptBase64(text);
    if (decoded !== undefined) return [[decodedPiece(decoded, expr)]];
  }
  let kind: 'hcl-quoted' | 'hcl-heredoc' | 'json-string' = 'hcl-quoted';
  if (expr.heredoc) kind = 'hcl-heredoc';
  else if (expr.file.syntax === 'json') kind = 'json-string';
  return [[{ kind: 'text', text, map, placeholders, origin: { kind, expr }, expr }]];
}

/** Appends text whose characters map through `map`; characters outside its segments stay synthetic. */
function appendMapped(builder: SourceMapBuilder, text: string, map: SourceMap): void {
  let cursor = 0;
  for (const segment of map.segments) {
    if (segment.textStart > cursor) builder.appendSynthetic(text.slice(cursor, segment.textStart));
    const end = segment.textStart + segment.length;
    builder.appendVerbatim(text.slice(segment.textStart, end), segment.hostStart);
    cursor = end;
  }
  if (cursor < text.length) builder.appendSynthetic(text.slice(cursor));
}

/** Replaces every character of a template sequence with `placeholderChar`, except line breaks. */
export function placeholderFor(sequence: string): string {
  return sequence.replace(/[^\r\n]/g, placeholderChar);
}

function decodedPiece(text: string, expr: Expression): TextPiece {
  const map = SourceMap.opaque(expr.file.path, expr.span.start, expr.span.end);
  return { kind: 'text', text, map, placeholders: [], origin: { kind: 'decoded' }, expr };
}

/** First lines that mark decoded base64 as a boot script rather than arbitrary data. */
const scriptHeader =
  /^(#!|#cloud-config|#cloud-boothook|#include|#ps1|rem cmd|<powershell>|<script>|content-type:|mime-version:)/i;

/**
 * Decodes a literal that is base64 of a boot script. Returns undefined for anything else, so
 * ordinary strings that happen to use base64 letters stay as they are.
 */
export function decodeScriptBase64(text: string): string | undefined {
  const compact = text.replace(/\s+/g, '');
  if (compact.length < 8 || compact.length % 4 !== 0) return undefined;
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) return undefined;
  const decoded = Buffer.from(compact, 'base64').toString('utf8');
  if (decoded.includes('\ufffd') || !scriptHeader.test(decoded)) return undefined;
  return decoded;
}

type ReferenceExpression = Extract<Expression, { kind: 'reference' }>;

const cloudInitTypes = new Set(['template_cloudinit_config', 'cloudinit_config']);

function evaluateReference(expr: ReferenceExpression, state: State): Alternative[] {
  const [root, name] = expr.path;
  if (root === 'path' && ['module', 'root', 'cwd'].includes(name) && expr.path.length === 2) {
    return [[decodedPiece(state.ctx.module.dir, expr)]];
  }
  if (root === 'var' && name) return followNamed(expr, `var.${name}`, variableValue(name, state), state);
  if (root === 'local' && name) return followNamed(expr, `local.${name}`, localValue(name, state), state);
  if (root === 'data' && cloudInitTypes.has(name) && expr.path[3] === 'rendered') {
    return evaluateCloudInit(expr, `${name}.${expr.path[2]}`, state);
  }
  if (root === 'data' || (expr.path.length >= 3 && !['var', 'local', 'path'].includes(root))) {
    return unknown(expr, `${describe(expr)} is an attribute of another resource, known only after apply`);
  }
  return unknown(expr, `${describe(expr)} is not a value the evaluator follows`);
}

/** Finds the value of a variable (tfvars first, then its default), or the reason it has none. */
function variableValue(name: string, state: State): Expression | string {
  const { module } = state.ctx;
  const assigned = module.tfvars.get(name);
  if (assigned) return assigned.expr;
  const declaration = module.variables.get(name);
  if (!declaration) return `var.${name} is not declared in this module`;
  const fallback = declaration.attributes.get('default');
  // An empty default usually marks an optional input of a reusable module, whose callers pass
  // the real value, so the default does not show what runs.
  if (fallback && isEmptyDefault(fallback.expr)) {
    return `var.${name} defaults to an empty value and has no value in terraform.tfvars or *.auto.tfvars (values passed by a calling module are not followed)`;
  }
  if (fallback) return fallback.expr;
  // NOTE: values that a calling module passes in its `module` block are not followed.
  return `var.${name} has no default and no value in terraform.tfvars or *.auto.tfvars (values passed by a calling module are not followed)`;
}

function isEmptyDefault(expr: Expression): boolean {
  if (expr.kind === 'null') return true;
  return expr.kind === 'template' && expr.parts.every((part) => part.kind === 'literal' && part.text === '');
}

function localValue(name: string, state: State): Expression | string {
  const local = state.ctx.module.locals.get(name);
  return local ? local.expr : `local.${name} is not defined in this module`;
}

/**
 * Evaluates the value behind `var.x` or `local.y`, then any keys after the name
 * (`var.scripts["web"]`), guarding against reference cycles.
 */
function followNamed(
  expr: ReferenceExpression,
  key: string,
  value: Expression | string,
  state: State,
): Alternative[] {
  if (typeof value === 'string') return unknown(expr, value);
  if (state.visiting.includes(key)) {
    const cycle = [...state.visiting.slice(state.visiting.indexOf(key)), key].join(' -> ');
    return unknown(expr, `${describe(expr)} is part of a reference cycle: ${cycle}`);
  }
  const selected = selectPath(value, expr.path.slice(2));
  if (!selected) return unknown(expr, `${describe(expr)} selects a key the evaluator cannot find`);
  return evaluate(selected, { ...state, visiting: [...state.visiting, key] });
}

/** Walks object keys and tuple indexes of a literal value. */
function selectPath(expr: Expression, keys: string[]): Expression | undefined {
  let current: Expression | undefined = expr;
  for (const key of keys) {
    if (current?.kind === 'object') current = current.entries.find((entry) => entry.key === key)?.value;
    else if (current?.kind === 'tuple' && /^\d+$/.test(key)) current = current.items[Number(key)];
    else return undefined;
  }
  return current;
}

/** Builds the alternatives of a cloud-init data source: one piece list per combination of parts. */
function evaluateCloudInit(expr: ReferenceExpression, key: string, state: State): Alternative[] {
  const block = state.ctx.module.dataSources.get(key);
  if (!block) return unknown(expr, `data.${key} is not declared in this module`);
  const visitKey = `data.${key}`;
  if (state.visiting.includes(visitKey)) {
    return unknown(expr, `${describe(expr)} is part of a reference cycle`);
  }
  const inner = { ...state, visiting: [...state.visiting, visitKey] };
  const parts = block.blocks.filter((nested) => nested.type === 'part');
  if (parts.length === 0) return unknown(expr, `data.${key} has no part blocks`);
  let combined: Alternative[] = [[]];
  for (const part of parts) {
    const content = part.attributes.get('content');
    if (!content) continue;
    const options = evaluate(content.expr, inner);
    combined = limit(combined.flatMap((prefix) => options.map((option) => [...prefix, ...option])));
  }
  return combined;
}

type CallExpression = Extract<Expression, { kind: 'call' }>;

function evaluateCall(expr: CallExpression, state: State): Alternative[] {
  const first = expr.args[0];
  const followed = ['file', 'filebase64', 'templatefile', 'base64encode', 'base64gzip', 'base64decode'];
  if (!followed.includes(expr.name)) {
    return unknown(expr, `${expr.name}() is not followed, so the value of ${describe(expr)} is unknown`);
  }
  if (!first) return unknown(expr, `${describe(expr)} has no argument`);

  switch (expr.name) {
    case 'file':
    case 'filebase64':
      return readFileArgument(expr, first, false, state);
    case 'templatefile':
      return readFileArgument(expr, first, true, state);
    case 'base64decode':
      return evaluateBase64Decode(expr, first, state);
    default:
      return evaluate(first, state);
  }
}

function evaluateBase64Decode(expr: CallExpression, argument: Expression, state: State): Alternative[] {
  return evaluate(argument, state).map((alternative) =>
    alternative.map((piece) => {
      if (piece.kind === 'unknown' || piece.origin.kind === 'decoded') return piece;
      const decoded = piece.placeholders.length === 0 ? decodeBase64Text(piece.text) : undefined;
      if (decoded === undefined) {
        return { kind: 'unknown', reason: `${describe(expr)} does not decode to text`, expr } as const;
      }
      return decodedPiece(decoded, piece.expr);
    }),
  );
}

function decodeBase64Text(text: string): string | undefined {
  const compact = text.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) return undefined;
  const decoded = Buffer.from(compact, 'base64').toString('utf8');
  return decoded.includes('\ufffd') ? undefined : decoded;
}

/**
 * Reads the file named by a `file()`, `filebase64()` or `templatefile()` argument. Relative
 * paths are taken from the module folder, which is where Terraform runs for a root module.
 */
function readFileArgument(
  expr: CallExpression,
  argument: Expression,
  viaTemplatefile: boolean,
  state: State,
): Alternative[] {
  const paths = evaluateToStrings(argument, state);
  if (typeof paths === 'string') {
    return unknown(expr, `the path in ${describe(expr)} is unknown: ${paths}`);
  }
  const alternatives: Alternative[] = [];
  for (const value of paths) {
    const path = nodePath.resolve(state.ctx.module.dir, value);
    state.ctx.onRead(path);
    let text: string;
    try {
      text = state.ctx.source.readText(path);
    } catch (error) {
      alternatives.push(...unknown(expr, `${describe(expr)} could not read ${path}: ${describeFileError(error)}`));
      continue;
    }
    alternatives.push([filePiece(text, path, viaTemplatefile, expr)]);
  }
  return limit(alternatives);
}

function filePiece(text: string, path: string, viaTemplatefile: boolean, expr: Expression): TextPiece {
  const origin: TextOrigin = { kind: 'file', path, viaTemplatefile };
  if (!viaTemplatefile) {
    const map = SourceMap.identity(path, 0, text.length);
    return { kind: 'text', text, map, placeholders: [], origin, expr };
  }
  const scanned = scanTemplateFile(text, path);
  return { kind: 'text', ...scanned, origin, expr };
}

/**
 * Turns the text of a `templatefile()` template into script text: each `${...}` and `%{...}`
 * sequence becomes a same-length placeholder, and `$${` / `%%{` become literal `${` / `%{`.
 */
export function scanTemplateFile(
  text: string,
  path: string,
): { text: string; map: SourceMap; placeholders: Array<{ start: number; end: number }> } {
  const builder = new SourceMapBuilder(path);
  const placeholders: Array<{ start: number; end: number }> = [];
  let length = 0;
  let i = 0;
  while (i < text.length) {
    const char = text[i];
    const opens = (char === '$' || char === '%') && text[i + 1] === '{';
    if ((char === '$' || char === '%') && text[i + 1] === char && text[i + 2] === '{') {
      builder.appendVerbatim(`${char}{`, i + 1);
      length += 2;
      i += 3;
      continue;
    }
    const end = opens ? sequenceEnd(text, i + 2) : -1;
    if (end < 0) {
      builder.appendVerbatim(char, i);
      length += 1;
      i += 1;
      continue;
    }
    const placeholder = placeholderFor(text.slice(i, end));
    builder.appendVerbatim(placeholder, i);
    placeholders.push({ start: length, end: length + placeholder.length });
    length += placeholder.length;
    i = end;
  }
  const built = builder.build(0, text.length);
  return { ...built, placeholders };
}

/** Returns the offset just past the `}` closing a template sequence, or -1 when it is not closed. */
function sequenceEnd(text: string, from: number): number {
  let depth = 1;
  let i = from;
  while (i < text.length) {
    const char = text[i];
    if (char === '"') {
      i = stringEnd(text, i + 1);
      continue;
    }
    if (char === '{') depth++;
    else if (char === '}' && --depth === 0) return i + 1;
    i++;
  }
  return -1;
}

function stringEnd(text: string, from: number): number {
  let i = from;
  while (i < text.length && text[i] !== '"' && text[i] !== '\n') i += text[i] === '\\' ? 2 : 1;
  return i + 1;
}

/**
 * Evaluates an expression to plain strings, for values such as file paths: template sequences
 * are replaced by their values. Returns the reason as a string when a value is not known.
 */
function evaluateToStrings(expr: Expression, state: State): string[] | string {
  if (state.depth >= maxDepth) return `${describe(expr)} is nested too deeply to follow`;
  const inner = { ...state, depth: state.depth + 1 };
  if (expr.kind === 'number' || expr.kind === 'bool') return [expr.raw];
  if (expr.kind === 'template') return templateToStrings(expr, inner);
  const values: string[] = [];
  for (const alternative of evaluate(expr, inner)) {
    let value = '';
    for (const piece of alternative) {
      if (piece.kind === 'unknown') return piece.reason;
      if (piece.placeholders.length > 0) return `${describe(piece.expr)} contains template sequences`;
      value += piece.text;
    }
    values.push(value);
  }
  return [...new Set(values)].slice(0, maxAlternatives);
}

function templateToStrings(expr: TemplateExpression, state: State): string[] | string {
  let values = [''];
  for (const part of expr.parts) {
    let options: string[] | string;
    if (part.kind === 'literal') options = [part.text];
    else if (part.kind === 'interpolation' && part.expr) options = evaluateToStrings(part.expr, state);
    else options = `${describe(expr)} contains a template directive`;
    if (typeof options === 'string') return options;

    const combined = values.flatMap((prefix) => options.map((option) => prefix + option));
    values = combined.slice(0, maxAlternatives);
  }
  return values;
}
