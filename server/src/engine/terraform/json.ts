import { parseTree, printParseErrorCode, type Node as JsonNode, type ParseError } from 'jsonc-parser';
import type { Parser } from 'web-tree-sitter';
import { SourceMapBuilder } from '../text';
import {
  maxParseErrors,
  newSourceFile,
  parseTemplateString,
  remapExpression,
  remapMap,
  type ParsedFile,
} from './hcl';
import type { Attribute, Block, Expression, ObjectEntry, SourceFile, Span, TemplatePart } from './model';

/** How many labels each top-level block type has in Terraform JSON. */
const labelCounts: Record<string, number> = {
  resource: 2,
  data: 2,
  variable: 1,
  output: 1,
  module: 1,
  provider: 1,
  locals: 0,
  terraform: 0,
};

/** Nested block types whose JSON form puts one label key between the type and the body. */
const labelledNestedBlocks = new Set(['provisioner', 'dynamic']);

/**
 * Object-valued arguments that are maps, not nested blocks. JSON cannot tell the two apart
 * without the provider schema, so every other object value becomes a nested block.
 */
const mapArguments = new Set(['metadata', 'tags', 'extend_param', 'labels', 'annotations', 'default']);

interface JsonContext {
  file: SourceFile;
  parser: Parser;
  /** False for `.tfvars.json`, whose strings are plain values rather than templates. */
  templates: boolean;
}

/**
 * Parses a `.tf.json` file into the same blocks as HCL: `{"resource": {"type": {"name": {...}}}}`
 * becomes a `resource` block labelled `type`, `name`. Broken JSON still yields the blocks that
 * parsed, and its first errors are listed in `file.parseErrors`.
 */
export function parseJsonConfig(path: string, text: string, parser: Parser): ParsedFile {
  const context = newContext(path, text, parser, true);
  const root = parseRoot(context);
  const blocks: Block[] = [];
  for (const property of objectProperties(root)) {
    const [key, value] = property.children ?? [];
    const type = key?.value;
    if (typeof type !== 'string' || !value || labelCounts[type] === undefined) continue;
    blocks.push(...labelledBlocks(type, labelCounts[type], [], [], property, value, context));
  }
  return { file: context.file, blocks, attributes: [] };
}

/** Parses a `.tfvars.json` file: each top-level property becomes an attribute. */
export function parseJsonValues(path: string, text: string, parser: Parser): ParsedFile {
  const context = newContext(path, text, parser, false);
  const root = parseRoot(context);
  const attributes = objectProperties(root)
    .map((property) => convertProperty(property, context))
    .filter((attribute): attribute is Attribute => attribute !== undefined);
  return { file: context.file, blocks: [], attributes };
}

function newContext(path: string, text: string, parser: Parser, templates: boolean): JsonContext {
  return { file: newSourceFile(path, text, 'json'), parser, templates };
}

function parseRoot(context: JsonContext): JsonNode | undefined {
  const errors: ParseError[] = [];
  const options = { allowTrailingComma: true, disallowComments: false };
  const root = parseTree(context.file.text, errors, options);
  for (const error of errors.slice(0, maxParseErrors)) {
    context.file.parseErrors.push({
      start: error.offset,
      end: error.offset + error.length,
      message: `JSON syntax error: ${printParseErrorCode(error.error)}`,
    });
  }
  return root;
}

function objectProperties(node: JsonNode | undefined): JsonNode[] {
  if (!node || node.type !== 'object') return [];
  return (node.children ?? []).filter((child) => child.type === 'property');
}

/** Returns the objects in a JSON value: the object itself, or each object of an array. */
function objectsOf(node: JsonNode): JsonNode[] {
  if (node.type === 'object') return [node];
  if (node.type === 'array') return (node.children ?? []).filter((child) => child.type === 'object');
  return [];
}

function keySpan(key: JsonNode): Span {
  return { start: key.offset + 1, end: Math.max(key.offset + 1, key.offset + key.length - 1) };
}

function nodeSpan(node: JsonNode): Span {
  return { start: node.offset, end: node.offset + node.length };
}

/** Walks `remaining` levels of label keys, then turns each body object into a block. */
function labelledBlocks(
  type: string,
  remaining: number,
  labels: string[],
  labelSpans: Span[],
  property: JsonNode,
  value: JsonNode,
  context: JsonContext,
): Block[] {
  if (remaining === 0) {
    const bodies = objectsOf(value);
    return bodies.map((body) => convertBlock(type, labels, labelSpans, property, body, context));
  }
  const blocks: Block[] = [];
  for (const object of objectsOf(value)) {
    for (const inner of objectProperties(object)) {
      const [key, innerValue] = inner.children ?? [];
      if (!key || !innerValue || typeof key.value !== 'string') continue;
      const nextLabels = [...labels, key.value];
      const nextSpans = [...labelSpans, keySpan(key)];
      const nested = labelledBlocks(type, remaining - 1, nextLabels, nextSpans, inner, innerValue, context);
      blocks.push(...nested);
    }
  }
  return blocks;
}

function convertBlock(
  type: string,
  labels: string[],
  labelSpans: Span[],
  property: JsonNode,
  body: JsonNode,
  context: JsonContext,
): Block {
  const attributes = new Map<string, Attribute>();
  const blocks: Block[] = [];
  for (const inner of objectProperties(body)) {
    const [key, value] = inner.children ?? [];
    const name = key?.value;
    if (typeof name !== 'string' || !value || name === '//') continue;
    if (isNestedBlock(type, name, value)) {
      const count = labelledNestedBlocks.has(name) ? 1 : 0;
      blocks.push(...labelledBlocks(name, count, [], [], inner, value, context));
      continue;
    }
    const attribute = convertProperty(inner, context);
    if (attribute) attributes.set(attribute.name, attribute);
  }
  return {
    type,
    labels,
    labelSpans,
    attributes,
    blocks,
    span: nodeSpan(property),
    openBrace: body.offset,
    closeBrace: body.offset + body.length - 1,
    file: context.file,
  };
}

function isNestedBlock(blockType: string, name: string, value: JsonNode): boolean {
  if (blockType === 'locals') return false;
  if (blockType === 'variable') return name === 'validation';
  if (mapArguments.has(name)) return false;
  if (value.type === 'object') return true;
  const items = value.children ?? [];
  return value.type === 'array' && items.length > 0 && items.every((item) => item.type === 'object');
}

function convertProperty(property: JsonNode, context: JsonContext): Attribute | undefined {
  const [key, value] = property.children ?? [];
  if (!key || typeof key.value !== 'string') return undefined;
  const end = property.offset + property.length;
  const expr: Expression = value
    ? convertValue(value, context)
    : { kind: 'other', span: { start: end, end }, file: context.file };
  return { name: key.value, nameSpan: keySpan(key), expr, span: nodeSpan(property) };
}

/** Converts a JSON value to an expression; strings are Terraform templates in `.tf.json`. */
function convertValue(node: JsonNode, context: JsonContext): Expression {
  const { file } = context;
  const span = nodeSpan(node);
  const raw = file.text.slice(span.start, span.end);
  switch (node.type) {
    case 'string':
      return convertString(node, context);
    case 'number':
      return { kind: 'number', raw, span, file };
    case 'boolean':
      return { kind: 'bool', raw, span, file };
    case 'null':
      return { kind: 'null', raw, span, file };
    case 'array': {
      const items = (node.children ?? []).map((item) => convertValue(item, context));
      return { kind: 'tuple', items, span, file };
    }
    case 'object':
      return { kind: 'object', entries: objectEntries(node, context), span, file };
    default:
      return { kind: 'other', span, file };
  }
}

function objectEntries(node: JsonNode, context: JsonContext): ObjectEntry[] {
  const entries: ObjectEntry[] = [];
  for (const property of objectProperties(node)) {
    const [key, value] = property.children ?? [];
    if (!key || !value) continue;
    const name = typeof key.value === 'string' ? key.value : undefined;
    entries.push({ key: name, keySpan: keySpan(key), value: convertValue(value, context) });
  }
  return entries;
}

/** A decoded JSON string with, for each decoded character, its offset in the file. */
interface DecodedString {
  value: string;
  hosts: number[];
  /** True where the decoded character is written as itself, not as an escape. */
  verbatim: boolean[];
}

const jsonEscapes: Record<string, string> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

function decodeJsonString(text: string, start: number, end: number): DecodedString {
  const decoded: DecodedString = { value: '', hosts: [], verbatim: [] };
  const push = (value: string, host: number, verbatim: boolean): void => {
    decoded.value += value;
    decoded.hosts.push(host);
    decoded.verbatim.push(verbatim);
  };
  let i = start;
  while (i < end) {
    if (text[i] !== '\\' || i + 1 >= end) {
      push(text[i], i, true);
      i += 1;
    } else if (text[i + 1] === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
      push(String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16)), i, false);
      i += 6;
    } else {
      push(jsonEscapes[text[i + 1]] ?? text[i + 1], i, false);
      i += 2;
    }
  }
  return decoded;
}

function convertString(node: JsonNode, context: JsonContext): Expression {
  const { file } = context;
  const span = nodeSpan(node);
  const closed = node.length >= 2 && file.text[span.end - 1] === '"';
  const content = { start: span.start + 1, end: closed ? span.end - 1 : span.end };
  const decoded = decodeJsonString(file.text, content.start, content.end);
  const isTemplate = context.templates && /[$%]\{/.test(decoded.value);
  const parts = isTemplate
    ? templateParts(decoded, content, context)
    : [literalPart(decoded, content, file)];
  const nonEmpty = parts.filter((part) => part.kind !== 'literal' || part.text.length > 0);
  return { kind: 'template', parts: nonEmpty, span, file };
}

function literalPart(decoded: DecodedString, content: Span, file: SourceFile): TemplatePart {
  const builder = new SourceMapBuilder(file.path);
  for (let i = 0; i < decoded.value.length; i++) {
    if (decoded.verbatim[i]) builder.appendVerbatim(decoded.value[i], decoded.hosts[i]);
    else builder.appendSynthetic(decoded.value[i]);
  }
  const { text, map } = builder.build(content.start, content.end);
  return { kind: 'literal', text, map, span: content };
}

/**
 * Parses a decoded string as an HCL template and moves every offset back into the JSON text.
 * Characters written as JSON escapes have no verbatim source, so they map to the nearest
 * verbatim character before them.
 */
function templateParts(decoded: DecodedString, content: Span, context: JsonContext): TemplatePart[] {
  const { file } = context;
  const toHost = (offset: number): number =>
    offset < decoded.value.length ? decoded.hosts[Math.max(0, offset)] : content.end;
  const toVerbatimHost = (offset: number): number | undefined =>
    offset < decoded.value.length && decoded.verbatim[offset] ? decoded.hosts[offset] : undefined;
  const parts = parseTemplateString(decoded.value, file.path, context.parser);
  return parts.map((part): TemplatePart => {
    const span = { start: toHost(part.span.start), end: toHost(part.span.end) };
    if (part.kind === 'directive') return { kind: 'directive', span };
    if (part.kind === 'interpolation') {
      const expr = part.expr ? remapExpression(part.expr, toHost, file) : undefined;
      return { kind: 'interpolation', expr, span };
    }
    const map = remapMap(part.text, part.map, toVerbatimHost, file.path, content);
    return { kind: 'literal', text: part.text, map, span };
  });
}
