/**
 * Pulumi YAML programs (`Pulumi.yaml`), read into the Terraform model: each entry of
 * `resources:` whose `type` is a Huawei Cloud token becomes a resource block.
 */
import * as path from 'path';
import { isMap, isPair, isScalar, isSeq, parseDocument, type Node as YamlNode, type Pair, type Scalar, type YAMLMap } from 'yaml';
import type { Attribute, Expression, ObjectEntry, SourceFile, Span, TemplatePart } from '../terraform/model';
import { SourceMap } from '../text';
import {
  programFile,
  programModule,
  pulumiTokenType,
  resourceBlock,
  terraformName,
  uniqueKey,
  ProgramSourceInfo,
  type LiteralStyle,
} from './model';
import { decodeYamlDoubleQuoted, decodeYamlLiteralBlock, decodeYamlSingleQuoted, type DecodedString } from './strings';
import type { LoadedProgram } from './typescript';

/** True for the file names Pulumi reads a YAML program from. */
export function isPulumiYamlFile(file: string): boolean {
  return /^Pulumi\.ya?ml$/.test(path.basename(file));
}

/** The state of one conversion: the file, the source facts and the resource keys by name. */
interface YamlScope {
  file: SourceFile;
  info: ProgramSourceInfo;
  /** `type.key` of each resource by its name in `resources:`. */
  resources: Map<string, string>;
}

/** Reads a Pulumi YAML program into a module of its Huawei Cloud resources. */
export function loadPulumiYaml(file: string, text: string): LoadedProgram {
  const sourceFile = programFile(file, text);
  const module = programModule(sourceFile);
  const info = new ProgramSourceInfo();
  const document = parseDocument(text, { uniqueKeys: false });
  const firstError = document.errors[0];
  const parseError = firstError && { start: firstError.pos[0], end: firstError.pos[1], message: firstError.message };
  const resources = document.get('resources', true);
  if (!isMap(resources)) return { module, info, parseError };
  const scope: YamlScope = { file: sourceFile, info, resources: new Map() };
  const entries = resources.items.filter((item) => isScalar(item.key) && isMap(item.value) && resourceType(item) !== undefined);
  for (const item of entries) {
    const type = resourceType(item)!;
    const key = uniqueKey(module, type, String((item.key as Scalar).value));
    scope.resources.set(String((item.key as Scalar).value), `${type}.${key}`);
    // Reserves the key so that the next resource gets another one; addResource stores the block.
    module.resources.set(`${type}.${key}`, undefined as never);
  }
  for (const item of entries) {
    const [type, key] = splitKey(scope.resources.get(String((item.key as Scalar).value))!);
    addResource(scope, item, type, key, module.resources);
  }
  return { module, info, parseError };
}

function resourceType(item: Pair): string | undefined {
  const type = (item.value as YAMLMap).get('type');
  return typeof type === 'string' ? pulumiTokenType(type) : undefined;
}

function splitKey(key: string): [string, string] {
  const dot = key.indexOf('.');
  return [key.slice(0, dot), key.slice(dot + 1)];
}

function addResource(scope: YamlScope, item: Pair, type: string, key: string, resources: Map<string, unknown>): void {
  const keyNode = item.key as Scalar;
  const body = item.value as YAMLMap;
  const properties = body.get('properties', true);
  const attributes: Attribute[] = [];
  if (isMap(properties)) {
    for (const entry of properties.items) {
      if (!isScalar(entry.key) || typeof entry.key.value !== 'string') continue;
      const nameSpan = rangeSpan(entry.key);
      const expr = convertValue(entry.value as YamlNode | null, scope, false, nameSpan);
      attributes.push({ name: terraformName(entry.key.value), nameSpan, expr, span: { start: nameSpan.start, end: expr.span.end } });
    }
  }
  const span = { start: rangeSpan(keyNode).start, end: (body.range ?? [0, 0, 0])[2] };
  const block = resourceBlock({ type, key, labelSpan: rangeSpan(keyNode), span, attributes, file: scope.file });
  scope.info.properties.set(block, {
    kind: 'yaml-map',
    keyStart: rangeSpan(keyNode).start,
    entries: (isMap(properties) ? properties : body).items.map((entry) => pairSpan(entry)),
    hasProperties: isMap(properties),
    itemIndent: '',
  });
  resources.set(`${type}.${key}`, block);
}

function rangeSpan(node: YamlNode): Span {
  const range = node.range ?? [0, 0, 0];
  return { start: range[0], end: range[1] };
}

function pairSpan(pair: Pair): Span {
  const key = pair.key as YamlNode;
  const value = pair.value as YamlNode | null;
  return { start: rangeSpan(key).start, end: value ? rangeSpan(value).end : rangeSpan(key).end };
}

/** Converts a YAML value into a model expression; `rawKeys` keeps policy keys as written. */
function convertValue(node: YamlNode | null, scope: YamlScope, rawKeys: boolean, fallback: Span): Expression {
  if (!node) return { kind: 'null', raw: 'null', span: fallback, file: scope.file };
  if (isScalar(node)) return convertScalar(node, scope);
  if (isSeq(node)) {
    const items = node.items.map((item) => convertValue(item as YamlNode, scope, rawKeys, rangeSpan(node)));
    for (const item of items) {
      const info = scope.info.literals.get(item);
      if (info) info.list = node.flow ? 'yaml-flow' : 'yaml-block';
    }
    return { kind: 'tuple', items, span: rangeSpan(node), file: scope.file };
  }
  if (isMap(node)) return convertMap(node, scope, rawKeys);
  return { kind: 'other', span: rangeSpan(node), file: scope.file };
}

/** Pulumi YAML built-in functions and the evaluator function each one corresponds to. */
const functions: ReadonlyMap<string, string> = new Map([
  ['fn::readFile', 'file'],
  ['fn::toBase64', 'base64encode'],
  ['fn::fromBase64', 'base64decode'],
  ['fn::toJSON', 'jsonencode'],
]);

function convertMap(node: YAMLMap, scope: YamlScope, rawKeys: boolean): Expression {
  const span = rangeSpan(node);
  const only = node.items.length === 1 ? node.items[0] : undefined;
  const fnName = only && isScalar(only.key) ? String(only.key.value) : '';
  if (fnName === 'fn::secret') return convertValue(only!.value as YamlNode, scope, rawKeys, span);
  const callName = functions.get(fnName);
  if (callName) {
    const argument = convertValue(only!.value as YamlNode, scope, callName === 'jsonencode', span);
    const args = callName === 'file' ? [relativePath(argument, scope)] : [argument];
    return { kind: 'call', name: callName, args, span, file: scope.file };
  }
  if (fnName.startsWith('fn::')) return { kind: 'other', span, file: scope.file };
  const entries: ObjectEntry[] = node.items.filter(isPair).map((pair) => {
    const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
    const keySpan = rangeSpan(pair.key as YamlNode);
    const value = convertValue(pair.value as YamlNode | null, scope, rawKeys, keySpan);
    return { key: key === undefined || rawKeys ? key : terraformName(key), keySpan, value };
  });
  return { kind: 'object', entries, span, file: scope.file };
}

/** Keeps a `fn::readFile` path as written: the evaluator reads it relative to the program's folder. */
function relativePath(argument: Expression, scope: YamlScope): Expression {
  if (argument.kind !== 'template') return argument;
  const text = argument.parts.map((part) => (part.kind === 'literal' ? part.text : '')).join('');
  const map = SourceMap.opaque(scope.file.path, argument.span.start, argument.span.end);
  return { ...argument, parts: [{ kind: 'literal', text: text.replace(/^\.\//, ''), map, span: argument.span }] };
}

function convertScalar(node: Scalar, scope: YamlScope): Expression {
  const span = rangeSpan(node);
  const file = scope.file;
  if (node.value === null) return { kind: 'null', raw: 'null', span, file };
  if (typeof node.value === 'boolean') return { kind: 'bool', raw: String(node.value), span, file };
  if (typeof node.value === 'number') return { kind: 'number', raw: String(node.value), span, file };
  const { decoded, style } = decodeScalar(node, scope);
  const whole = /^\$\{([A-Za-z0-9_-]+)\.([A-Za-z0-9_.]+)\}$/.exec(decoded.text);
  const resource = whole && scope.resources.get(whole[1]);
  if (whole && resource) {
    return { kind: 'reference', path: [...splitKey(resource), ...whole[2].split('.')], span, file };
  }
  const expr: Expression = { kind: 'template', parts: templateParts(decoded, scope), span, file };
  scope.info.literals.set(expr, { style });
  scope.info.addLiteral(file.path, { start: span.start - 1, end: span.end + 1 }, style);
  return expr;
}

function decodeScalar(node: Scalar, scope: YamlScope): { decoded: DecodedString; style: LiteralStyle } {
  const { text, path: file } = scope.file;
  const [start, end] = node.range ?? [0, 0, 0];
  switch (node.type) {
    case 'QUOTE_DOUBLE':
      return { decoded: decodeYamlDoubleQuoted(text.slice(start + 1, end - 1), start + 1, file), style: 'yaml-double' };
    case 'QUOTE_SINGLE':
      return { decoded: decodeYamlSingleQuoted(text.slice(start + 1, end - 1), start + 1, file), style: 'yaml-single' };
    case 'BLOCK_LITERAL': {
      const contentStart = text.indexOf('\n', start) + 1;
      return { decoded: decodeYamlLiteralBlock(text, contentStart, end, file), style: 'yaml-literal' };
    }
    default: {
      const value = String(node.value);
      const verbatim = text.slice(start, end) === value;
      const map = verbatim ? SourceMap.identity(file, start, value.length) : SourceMap.opaque(file, start, end);
      return { decoded: { text: value, map }, style: node.type === 'PLAIN' ? 'yaml-plain' : 'yaml-other' };
    }
  }
}

/** Splits a string at Pulumi `${...}` interpolations, which become placeholders of unknown value. */
function templateParts(decoded: DecodedString, scope: YamlScope): TemplatePart[] {
  const parts: TemplatePart[] = [];
  const pattern = /\$\{[^}]*\}/g;
  let cursor = 0;
  for (let match = pattern.exec(decoded.text); match; match = pattern.exec(decoded.text)) {
    if (match.index > 0 && decoded.text[match.index - 1] === '$') continue;
    parts.push(literalPart(decoded, cursor, match.index));
    const host = decoded.map.rangeToHost(match.index, match.index + match[0].length);
    parts.push({ kind: 'interpolation', expr: { kind: 'other', span: host, file: scope.file }, span: host });
    cursor = match.index + match[0].length;
  }
  parts.push(literalPart(decoded, cursor, decoded.text.length));
  return parts.filter((part) => part.kind !== 'literal' || part.text.length > 0);
}

function literalPart(decoded: DecodedString, start: number, end: number): TemplatePart {
  const map = decoded.map.slice(start);
  const hostStart = map.toHost(0);
  return { kind: 'literal', text: decoded.text.slice(start, end), map, span: { start: hostStart, end: map.toHost(end - start) } };
}
