/**
 * Static values of TypeScript expressions, as model expressions: string and template literals,
 * `const` bindings, relative imports, `fs.readFileSync` of a path built from `__dirname`,
 * `Buffer.from(...).toString("base64")`, `JSON.stringify({...})` and another resource's
 * properties. Everything else becomes an `other` expression, which the evaluator reports as
 * unknown.
 */
import * as path from 'path';
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import type { Expression, ObjectEntry, SourceFile, Span, TemplatePart } from '../terraform/model';
import { SourceMap } from '../text';
import { terraformName, type LiteralStyle, type ProgramSourceInfo } from './model';
import { decodeTypeScriptText } from './strings';

type Node = TSESTree.Node;

/** Maximum depth of `const` and import lookups, which also ends reference cycles. */
const maxDepth = 16;

/** Resolves names that a file's expressions use: bindings, resources and imports. */
export interface TsScope {
  file: SourceFile;
  info: ProgramSourceInfo;
  /** `const` initialisers by name; undefined where a name is bound more than once. */
  bindings: Map<string, Node | undefined>;
  /** `type.key` of the resource each variable holds. */
  resourceVariables: Map<string, string>;
  /** Returns the value a relative import binds to a local name, or undefined. */
  importedValue(name: string, depth: number): Expression | undefined;
  /** Returns the `type.key` of a resource that a relative import binds to a local name. */
  importedResource(name: string): string | undefined;
}

/** Converts a TypeScript expression node into a model expression. */
export function convertExpression(node: Node, scope: TsScope, depth = 0, rawKeys = false): Expression {
  const value = unwrapTypes(node);
  if (depth > maxDepth) return other(value, scope);
  switch (value.type) {
    case 'Literal':
      return convertLiteral(value, scope);
    case 'TemplateLiteral':
      return convertTemplate(value, scope, depth);
    case 'TaggedTemplateExpression':
      return convertTemplate(value.quasi, scope, depth);
    case 'Identifier':
      return convertIdentifier(value, scope, depth, rawKeys);
    case 'MemberExpression':
      return convertMember(value, scope, depth);
    case 'CallExpression':
      return convertCall(value, scope, depth);
    case 'ObjectExpression':
      return convertObject(value, scope, depth, rawKeys);
    case 'ArrayExpression':
      return convertArray(value, scope, depth, rawKeys);
    case 'ConditionalExpression':
      return conditional(value, scope, depth, rawKeys);
    case 'BinaryExpression':
      return value.operator === '+' ? concatenate(value, scope, depth) : other(value, scope);
    default:
      return other(value, scope);
  }
}

/** Removes type assertions (`as`, `!`, `satisfies`) and parentheses around an expression. */
export function unwrapTypes(node: Node): Node {
  let current = node;
  while (
    current.type === 'TSAsExpression' ||
    current.type === 'TSNonNullExpression' ||
    current.type === 'TSSatisfiesExpression' ||
    current.type === 'TSTypeAssertion'
  ) {
    current = current.expression;
  }
  return current;
}

/** Returns the span of a node in its file. */
export function spanOf(node: Node): Span {
  return { start: node.range[0], end: node.range[1] };
}

function other(node: Node, scope: TsScope): Expression {
  return { kind: 'other', span: spanOf(node), file: scope.file };
}

function convertLiteral(node: TSESTree.Literal, scope: TsScope): Expression {
  const span = spanOf(node);
  if (typeof node.value === 'string') {
    const quote = scope.file.text[span.start];
    const decoded = decodeTypeScriptText(scope.file.text.slice(span.start + 1, span.end - 1), span.start + 1, scope.file.path);
    const part: TemplatePart = { kind: 'literal', text: decoded.text, map: decoded.map, span };
    return literalTemplate([part], span, scope, quote === "'" ? 'ts-single' : 'ts-double');
  }
  if (node.value === null) return { kind: 'null', raw: 'null', span, file: scope.file };
  if (typeof node.value === 'boolean') return { kind: 'bool', raw: String(node.value), span, file: scope.file };
  if (typeof node.value === 'number') return { kind: 'number', raw: String(node.value), span, file: scope.file };
  return other(node, scope);
}

function literalTemplate(parts: TemplatePart[], span: Span, scope: TsScope, style: LiteralStyle): Expression {
  const expr: Expression = { kind: 'template', parts, span, file: scope.file };
  scope.info.literals.set(expr, { style });
  scope.info.addLiteral(scope.file.path, span, style);
  return expr;
}

/**
 * Converts a template literal: its text parts are decoded, and each `${...}` hole becomes an
 * interpolation, which the evaluator keeps as a placeholder of unknown value.
 */
function convertTemplate(node: TSESTree.TemplateLiteral, scope: TsScope, depth: number): Expression {
  const parts: TemplatePart[] = [];
  node.quasis.forEach((quasi, index) => {
    const start = quasi.range[0] + 1;
    const raw = quasi.value.raw;
    if (raw.length > 0) {
      const decoded = decodeTypeScriptText(raw, start, scope.file.path);
      parts.push({ kind: 'literal', text: decoded.text, map: decoded.map, span: { start, end: start + raw.length } });
    }
    const hole = node.expressions[index];
    const next = node.quasis[index + 1];
    if (!hole || !next) return;
    const span = { start: quasi.range[1] - 2, end: next.range[0] + 1 };
    parts.push({ kind: 'interpolation', expr: convertExpression(hole, scope, depth + 1), span });
  });
  return literalTemplate(parts, spanOf(node), scope, 'ts-template');
}

function convertIdentifier(node: TSESTree.Identifier, scope: TsScope, depth: number, rawKeys: boolean): Expression {
  if (node.name === '__dirname') return syntheticString(scope.file.path ? path.dirname(scope.file.path) : '', node, scope);
  if (scope.resourceVariables.has(node.name)) return other(node, scope);
  const bound = scope.bindings.get(node.name);
  if (bound) return convertExpression(bound, scope, depth + 1, rawKeys);
  return scope.importedValue(node.name, depth + 1) ?? other(node, scope);
}

/** Builds a string with no verbatim source, such as a resolved path. */
function syntheticString(text: string, node: Node, scope: TsScope): Expression {
  const span = spanOf(node);
  const map = SourceMap.opaque(scope.file.path, span.start, span.end);
  return { kind: 'template', parts: [{ kind: 'literal', text, map, span }], span, file: scope.file };
}

/** Converts `resource.prop` into a reference to the resource, and `obj.key` of a const object. */
function convertMember(node: TSESTree.MemberExpression, scope: TsScope, depth: number): Expression {
  const property = propertyName(node);
  const object = unwrapTypes(node.object);
  if (property === undefined) return other(node, scope);
  const resource = object.type === 'Identifier'
    ? scope.resourceVariables.get(object.name) ?? scope.importedResource(object.name)
    : undefined;
  if (resource) {
    const [type, key] = splitKey(resource);
    return { kind: 'reference', path: [type, key, property], span: spanOf(node), file: scope.file };
  }
  const target = object.type === 'Identifier' ? scope.bindings.get(object.name) : undefined;
  const literal = target && unwrapTypes(target);
  if (literal?.type !== 'ObjectExpression') return other(node, scope);
  for (const entry of literal.properties) {
    if (entry.type === 'Property' && keyName(entry) === property) return convertExpression(entry.value as Node, scope, depth + 1);
  }
  return other(node, scope);
}

function splitKey(key: string): [string, string] {
  const dot = key.indexOf('.');
  return [key.slice(0, dot), key.slice(dot + 1)];
}

/** Returns the name of a non-computed member (`a.b`, `a["b"]`), or undefined. */
export function propertyName(node: TSESTree.MemberExpression): string | undefined {
  if (!node.computed && node.property.type === 'Identifier') return node.property.name;
  if (node.property.type === 'Literal' && typeof node.property.value === 'string') return node.property.value;
  return undefined;
}

/** Returns the key of an object property written as a name or a string, or undefined. */
export function keyName(property: TSESTree.Property): string | undefined {
  if (property.computed) return undefined;
  if (property.key.type === 'Identifier') return property.key.name;
  if (property.key.type === 'Literal' && typeof property.key.value === 'string') return property.key.value;
  return undefined;
}

function convertCall(node: TSESTree.CallExpression, scope: TsScope, depth: number): Expression {
  const callee = unwrapTypes(node.callee);
  const name = calleeName(callee);
  const first = node.arguments[0];
  const call = (callName: string, args: Expression[]): Expression => ({
    kind: 'call',
    name: callName,
    args,
    span: spanOf(node),
    file: scope.file,
  });
  if (name === 'JSON.stringify' && first) return call('jsonencode', [convertExpression(first, scope, depth + 1, true)]);
  if (name.endsWith('readFileSync') && first) return readFile(node, first, scope);
  if (callee.type === 'MemberExpression' && propertyName(callee) === 'toString') {
    return convertToString(node, unwrapTypes(callee.object), scope, depth) ?? other(node, scope);
  }
  return other(node, scope);
}

/** Names a callee as dotted text (`fs.readFileSync`), or returns an empty string. */
function calleeName(callee: Node): string {
  if (callee.type === 'Identifier') return callee.name;
  if (callee.type !== 'MemberExpression') return '';
  const property = propertyName(callee);
  const object = unwrapTypes(callee.object);
  const prefix = object.type === 'Identifier' ? object.name : calleeName(object);
  return property === undefined || prefix === '' ? '' : `${prefix}.${property}`;
}

/**
 * Converts `x.toString(...)`: `Buffer.from(s).toString("base64")` encodes, `Buffer.from(s,
 * "base64").toString()` decodes, and the text of `readFileSync(...)` passes through.
 */
function convertToString(node: TSESTree.CallExpression, object: Node, scope: TsScope, depth: number): Expression | undefined {
  const encoding = stringArgument(node.arguments[0]) ?? 'utf8';
  if (object.type !== 'CallExpression') return undefined;
  const inner = calleeName(unwrapTypes(object.callee));
  const source = object.arguments[0];
  if (!source) return undefined;
  if (inner.endsWith('readFileSync') && /^utf-?8$/i.test(encoding)) return readFile(object, source, scope);
  if (inner !== 'Buffer.from') return undefined;
  const from = stringArgument(object.arguments[1]) ?? 'utf8';
  const call = (name: string): Expression => ({
    kind: 'call',
    name,
    args: [convertExpression(source, scope, depth + 1)],
    span: spanOf(node),
    file: scope.file,
  });
  if (encoding === 'base64' && /^utf-?8$/i.test(from)) return call('base64encode');
  if (from === 'base64' && /^utf-?8$/i.test(encoding)) return call('base64decode');
  return undefined;
}

function stringArgument(node: Node | undefined): string | undefined {
  const value = node && unwrapTypes(node);
  return value?.type === 'Literal' && typeof value.value === 'string' ? value.value : undefined;
}

/** Converts `readFileSync(p)` into `file(p)` when `p` is a path built from `__dirname`. */
function readFile(node: Node, argument: Node, scope: TsScope): Expression {
  const resolved = staticPath(argument, scope, 0);
  if (resolved === undefined) return other(node, scope);
  const span = spanOf(node);
  return { kind: 'call', name: 'file', args: [syntheticString(resolved, argument, scope)], span, file: scope.file };
}

/**
 * Evaluates a path built from `__dirname`: `path.join(__dirname, ...)`, `path.resolve(...)`,
 * `__dirname + "/x"` and `` `${__dirname}/x` ``. Other paths depend on the working directory
 * the program runs in, so they are not followed.
 */
function staticPath(node: Node, scope: TsScope, depth: number): string | undefined {
  const value = unwrapTypes(node);
  if (depth > maxDepth) return undefined;
  if (value.type === 'Identifier' && scope.bindings.get(value.name)) {
    return staticPath(scope.bindings.get(value.name)!, scope, depth + 1);
  }
  const pieces = pathPieces(value);
  if (!pieces || pieces.length === 0) return undefined;
  const first = unwrapTypes(pieces[0]);
  if (first.type !== 'Identifier' || first.name !== '__dirname') return undefined;
  const rest = pieces.slice(1).map((piece) => staticString(piece, scope, depth + 1));
  if (rest.some((piece) => piece === undefined)) return undefined;
  const joined = path.join(path.dirname(scope.file.path), ...(rest as string[]));
  return value.type === 'CallExpression' ? joined : path.dirname(scope.file.path) + (rest as string[]).join('');
}

function pathPieces(node: Node): Node[] | undefined {
  if (node.type === 'CallExpression') {
    const name = calleeName(unwrapTypes(node.callee));
    return /(^|\.)(join|resolve)$/.test(name) ? (node.arguments as Node[]) : undefined;
  }
  if (node.type === 'BinaryExpression' && node.operator === '+') {
    const left = node.left as Node;
    return [...(pathPieces(left) ?? [left]), node.right];
  }
  if (node.type === 'TemplateLiteral' && node.quasis[0]?.value.cooked === '' && node.expressions.length === 1) {
    return [node.expressions[0], ...node.quasis.slice(1)];
  }
  return undefined;
}

function staticString(node: Node, scope: TsScope, depth: number): string | undefined {
  const value = unwrapTypes(node);
  if (depth > maxDepth) return undefined;
  if (value.type === 'Literal' && typeof value.value === 'string') return value.value;
  if (value.type === 'TemplateElement') return value.value.cooked ?? undefined;
  if (value.type === 'TemplateLiteral' && value.expressions.length === 0) return value.quasis[0].value.cooked ?? undefined;
  if (value.type === 'Identifier' && scope.bindings.get(value.name)) {
    return staticString(scope.bindings.get(value.name)!, scope, depth + 1);
  }
  return undefined;
}

function convertObject(node: TSESTree.ObjectExpression, scope: TsScope, depth: number, rawKeys: boolean): Expression {
  const entries: ObjectEntry[] = [];
  for (const property of node.properties) {
    if (property.type !== 'Property') continue;
    const key = keyName(property);
    entries.push({
      key: key === undefined ? undefined : rawKeys ? key : terraformName(key),
      keySpan: spanOf(property.key),
      value: convertExpression(property.value as Node, scope, depth + 1, rawKeys),
    });
  }
  return { kind: 'object', entries, span: spanOf(node), file: scope.file };
}

function convertArray(node: TSESTree.ArrayExpression, scope: TsScope, depth: number, rawKeys: boolean): Expression {
  const items: Expression[] = [];
  for (const element of node.elements) {
    if (!element || element.type === 'SpreadElement') continue;
    const item = convertExpression(element, scope, depth + 1, rawKeys);
    const info = scope.info.literals.get(item);
    if (info && item.span.start === unwrapTypes(element).range[0]) info.list = 'ts-array';
    items.push(item);
  }
  return { kind: 'tuple', items, span: spanOf(node), file: scope.file };
}

function conditional(node: TSESTree.ConditionalExpression, scope: TsScope, depth: number, rawKeys: boolean): Expression {
  return {
    kind: 'conditional',
    condition: other(node.test, scope),
    whenTrue: convertExpression(node.consequent, scope, depth + 1, rawKeys),
    whenFalse: convertExpression(node.alternate, scope, depth + 1, rawKeys),
    span: spanOf(node),
    file: scope.file,
  };
}

/**
 * Joins `a + b` into one template: text parts written in this file keep their positions, and
 * any other operand becomes an interpolation of unknown value.
 */
function concatenate(node: TSESTree.BinaryExpression, scope: TsScope, depth: number): Expression {
  const parts: TemplatePart[] = [];
  for (const operand of [node.left, node.right] as Node[]) {
    const converted = convertExpression(operand, scope, depth + 1);
    if (converted.kind === 'template' && converted.file === scope.file) {
      parts.push(...converted.parts);
    } else {
      parts.push({ kind: 'interpolation', expr: converted, span: spanOf(operand) });
    }
  }
  const expr: Expression = { kind: 'template', parts, span: spanOf(node), file: scope.file };
  return expr;
}
