import type { Node, Parser, Tree } from 'web-tree-sitter';
import { LineIndex, SourceMapBuilder, type SourceMap } from '../text';
import type {
  Attribute,
  Block,
  Expression,
  HeredocInfo,
  ObjectEntry,
  SourceFile,
  Span,
  TemplatePart,
} from './model';

/** One parsed Terraform file: its text and its top-level blocks and attributes. */
export interface ParsedFile {
  file: SourceFile;
  blocks: Block[];
  attributes: Attribute[];
}

/** The number of parse errors kept per file; later ones add nothing a reader can act on. */
export const maxParseErrors = 5;

/**
 * A tree-sitter node whose type, end offset, children and missing flag are read once and cached.
 * Each read of a web-tree-sitter `Node` property calls into WebAssembly, and `Node.children`
 * builds new wrapper objects on every call, while the converter looks at most nodes several times.
 */
class SyntaxNode {
  readonly type: string;
  readonly startIndex: number;
  private end = -1;
  private missing: boolean | undefined;
  private kids: SyntaxNode[] | undefined;

  constructor(
    private readonly node: Node,
    readonly hasErrors: boolean,
  ) {
    this.type = node.type;
    this.startIndex = node.startIndex;
  }

  get endIndex(): number {
    if (this.end < 0) this.end = this.node.endIndex;
    return this.end;
  }

  /** Missing nodes occur only in trees with errors, so other trees skip the read. */
  get isMissing(): boolean {
    this.missing ??= this.hasErrors && this.node.isMissing;
    return this.missing;
  }

  get children(): SyntaxNode[] {
    if (!this.kids) {
      this.kids = [];
      for (const child of this.node.children) {
        if (child) this.kids.push(new SyntaxNode(child, this.hasErrors));
      }
    }
    return this.kids;
  }
}

/**
 * Parses one HCL file (`.tf` or `.tfvars`) with tree-sitter. Everything that parsed is returned
 * even when the file has syntax errors, which are listed in `file.parseErrors`.
 */
export function parseHcl(path: string, text: string, parser: Parser): ParsedFile {
  const tree = parser.parse(text);
  try {
    return convertTree(path, text, tree);
  } finally {
    tree?.delete();
  }
}

/**
 * A callback that returns an earlier conversion of a top-level block or attribute, already
 * moved to the node's offsets. It returns undefined when the node must be converted.
 */
export type ReuseTopLevel = (
  node: { type: string; startIndex: number; endIndex: number },
  file: SourceFile,
) => Block | Attribute | undefined;

/**
 * Converts a syntax tree of `text` into a `ParsedFile`, leaving the tree to the caller.
 * `reuse` is asked for each top-level block and attribute of a tree without errors.
 */
export function convertTree(path: string, text: string, tree: Tree | null, reuse?: ReuseTopLevel): ParsedFile {
  const file = newSourceFile(path, text, 'hcl');
  if (!tree) {
    file.parseErrors.push({ start: 0, end: 0, message: 'the HCL parser returned no syntax tree' });
    return { file, blocks: [], attributes: [] };
  }
  const rootNode = tree.rootNode;
  collectParseErrors(rootNode, file);
  const root = new SyntaxNode(rootNode, rootNode.hasError);
  const body = root.children.find((node) => node.type === 'body');
  const topLevelReuse = rootNode.hasError ? undefined : reuse;
  const result = body ? convertBody(body, file, topLevelReuse) : { blocks: [], attributes: [] };
  return { file, ...result };
}

/** Creates a `SourceFile` with no parse errors yet. */
export function newSourceFile(path: string, text: string, syntax: 'hcl' | 'json'): SourceFile {
  return { path, text, lines: new LineIndex(text), syntax, parseErrors: [] };
}

function textOf(node: SyntaxNode, file: SourceFile): string {
  return file.text.slice(node.startIndex, node.endIndex);
}

function spanOf(node: SyntaxNode): Span {
  return { start: node.startIndex, end: node.endIndex };
}

function collectParseErrors(node: Node, file: SourceFile): void {
  if (file.parseErrors.length >= maxParseErrors) return;
  if (node.isMissing) {
    const message = `syntax error: missing "${node.type}"`;
    file.parseErrors.push({ start: node.startIndex, end: node.endIndex, message });
    return;
  }
  if (node.isError) {
    const snippet = file.text.slice(node.startIndex, Math.min(node.endIndex, node.startIndex + 30));
    const message = `syntax error near "${snippet.split(/\r?\n/)[0]}"`;
    file.parseErrors.push({ start: node.startIndex, end: node.endIndex, message });
  }
  if (!node.hasError) return;
  for (const child of node.children) if (child) collectParseErrors(child, file);
}

function convertBody(
  body: SyntaxNode,
  file: SourceFile,
  reuse?: ReuseTopLevel,
): { blocks: Block[]; attributes: Attribute[] } {
  const blocks: Block[] = [];
  const attributes: Attribute[] = [];
  for (const child of body.children) {
    const reused = reuse && (child.type === 'block' || child.type === 'attribute') ? reuse(child, file) : undefined;
    if (reused) {
      if (child.type === 'block') blocks.push(reused as Block);
      else attributes.push(reused as Attribute);
    } else if (child.type === 'block') blocks.push(convertBlock(child, file));
    else if (child.type === 'attribute') attributes.push(convertAttribute(child, file));
    else if (child.type === 'ERROR') {
      // Error recovery can wrap statements that did parse; keep them.
      const inner = convertBody(child, file);
      blocks.push(...inner.blocks);
      attributes.push(...inner.attributes);
    }
  }
  return { blocks, attributes };
}

function convertBlock(node: SyntaxNode, file: SourceFile): Block {
  const parts = node.children;
  const labels: string[] = [];
  const labelSpans: Span[] = [];
  for (const part of parts.slice(1)) {
    if (part.type === 'string_lit') {
      labels.push(file.text.slice(part.startIndex + 1, part.endIndex - 1));
      labelSpans.push({ start: part.startIndex + 1, end: part.endIndex - 1 });
    } else if (part.type === 'identifier') {
      labels.push(textOf(part, file));
      labelSpans.push(spanOf(part));
    }
  }
  const open = parts.find((part) => part.type === 'block_start');
  const close = parts.find((part) => part.type === 'block_end');
  const body = parts.find((part) => part.type === 'body');
  const content = body ? convertBody(body, file) : { blocks: [], attributes: [] };
  const attributes = new Map<string, Attribute>();
  for (const attribute of content.attributes) attributes.set(attribute.name, attribute);
  return {
    type: parts[0]?.type === 'identifier' ? textOf(parts[0], file) : '',
    labels,
    labelSpans,
    attributes,
    blocks: content.blocks,
    span: spanOf(node),
    openBrace: open ? open.startIndex : node.startIndex,
    closeBrace: close && !close.isMissing ? close.startIndex : lastOffset(node),
    file,
  };
}

function lastOffset(node: SyntaxNode): number {
  return Math.max(node.startIndex, node.endIndex - 1);
}

function convertAttribute(node: SyntaxNode, file: SourceFile): Attribute {
  const parts = node.children;
  const name = parts[0];
  const value = parts.find((part) => part.type === 'expression');
  const expr: Expression = value
    ? convertExpression(value, file)
    : { kind: 'other', span: { start: node.endIndex, end: node.endIndex }, file };
  return { name: textOf(name, file), nameSpan: spanOf(name), expr, span: spanOf(node) };
}

/**
 * Converts an `expression` node. A variable followed by attribute and index accesses becomes a
 * `reference`: `var.list[0]` gives the path `var, list, 0` and `x["k"]` gives `x, k`. A splat
 * or an index that is not a literal becomes the path item `*`, so
 * `huaweicloud_compute_instance.web[count.index].id` still names its resource.
 */
function convertExpression(node: SyntaxNode, file: SourceFile): Expression {
  const parts = node.children;
  if (parts.length === 0) return { kind: 'other', span: spanOf(node), file };
  if (parts[0].type === '(') {
    const inner = parts.find((part) => part.type === 'expression');
    if (inner && parts[parts.length - 1].type === ')') return convertExpression(inner, file);
    return otherWithChildren(node, file);
  }
  const head = parts[0];
  const accessors = parts.slice(1);
  if (accessors.length === 0) return convertTerm(head, file);
  if (head.type !== 'variable_expr') return otherWithChildren(node, file);
  const path = [textOf(head, file)];
  for (const accessor of accessors) path.push(...accessorItems(accessor, file));
  return { kind: 'reference', path, span: spanOf(node), file };
}

function accessorItems(node: SyntaxNode, file: SourceFile): string[] {
  if (node.type === 'get_attr') {
    const name = node.children.find((part) => part.type === 'identifier');
    return [name ? textOf(name, file) : '*'];
  }
  if (node.type === 'splat') {
    const items = ['*'];
    for (const part of (node.children[0] ?? node).children) {
      if (part.type === 'get_attr' || part.type === 'index') items.push(...accessorItems(part, file));
    }
    return items;
  }
  if (node.type === 'index') {
    const inner = node.children[0];
    if (inner?.type === 'legacy_index') return [textOf(inner, file).replace(/^\./, '')];
    const key = inner ? inner.children.find((part) => part.type === 'expression') : undefined;
    const value = key ? convertExpression(key, file) : undefined;
    return [value ? literalKey(value) ?? '*' : '*'];
  }
  return ['*'];
}

function literalKey(expr: Expression): string | undefined {
  if (expr.kind === 'number') return expr.raw;
  if (expr.kind !== 'template' || expr.parts.length > 1) return undefined;
  const part = expr.parts[0];
  if (!part) return '';
  return part.kind === 'literal' ? part.text : undefined;
}

function convertTerm(node: SyntaxNode, file: SourceFile): Expression {
  switch (node.type) {
    case 'expression':
      return convertExpression(node, file);
    case 'variable_expr':
      return { kind: 'reference', path: [textOf(node, file)], span: spanOf(node), file };
    case 'literal_value':
      return convertLiteral(node.children[0] ?? node, file);
    case 'template_expr':
      return convertTemplate(node.children[0] ?? node, file);
    case 'function_call':
      return convertCall(node, file);
    case 'collection_value':
      return convertCollection(node.children[0] ?? node, file);
    case 'conditional': {
      const [condition, whenTrue, whenFalse] = node.children
        .filter((part) => part.type === 'expression')
        .map((part) => convertExpression(part, file));
      if (!whenFalse) return otherWithChildren(node, file);
      return { kind: 'conditional', condition, whenTrue, whenFalse, span: spanOf(node), file };
    }
    default:
      return otherWithChildren(node, file);
  }
}

function convertLiteral(node: SyntaxNode, file: SourceFile): Expression {
  switch (node.type) {
    case 'numeric_lit':
      return { kind: 'number', raw: textOf(node, file), span: spanOf(node), file };
    case 'bool_lit':
      return { kind: 'bool', raw: textOf(node, file), span: spanOf(node), file };
    case 'null_lit':
      return { kind: 'null', raw: textOf(node, file), span: spanOf(node), file };
    case 'string_lit':
      return convertTemplate(node, file);
    default:
      return otherWithChildren(node, file);
  }
}

const termTypes = new Set([
  'literal_value',
  'template_expr',
  'function_call',
  'collection_value',
  'conditional',
]);
const accessorTypes = new Set(['get_attr', 'index', 'splat']);

/**
 * Builds an `other` expression that keeps its sub-expressions for reference lookups. Operators
 * hold their operands without an `expression` wrapper, so a variable and the accessors after it
 * are joined into one reference here.
 */
function otherWithChildren(node: SyntaxNode, file: SourceFile): Expression {
  const found: Expression[] = [];
  const visit = (current: SyntaxNode): void => {
    const parts = current.children;
    for (let i = 0; i < parts.length; i++) {
      const child = parts[i];
      if (child.type === 'expression' || termTypes.has(child.type)) {
        found.push(convertTerm(child, file));
      } else if (child.type === 'variable_expr') {
        const path = [textOf(child, file)];
        let end = child.endIndex;
        while (i + 1 < parts.length && accessorTypes.has(parts[i + 1].type)) {
          path.push(...accessorItems(parts[++i], file));
          end = parts[i].endIndex;
        }
        found.push({ kind: 'reference', path, span: { start: child.startIndex, end }, file });
      } else {
        visit(child);
      }
    }
  };
  visit(node);
  return { kind: 'other', span: spanOf(node), file, children: found };
}

function convertCall(node: SyntaxNode, file: SourceFile): Expression {
  const parts = node.children;
  const open = parts.findIndex((part) => part.type === '(');
  const nameParts = parts.slice(0, open < 0 ? 1 : open);
  const argumentList = parts.find((part) => part.type === 'function_arguments');
  const args = argumentList
    ? argumentList.children
        .filter((part) => part.type === 'expression')
        .map((part) => convertExpression(part, file))
    : [];
  const name = nameParts.map((part) => textOf(part, file)).join('');
  return { kind: 'call', name, args, span: spanOf(node), file };
}

function convertCollection(node: SyntaxNode, file: SourceFile): Expression {
  if (node.type === 'tuple') {
    const items = node.children
      .filter((part) => part.type === 'expression')
      .map((part) => convertExpression(part, file));
    return { kind: 'tuple', items, span: spanOf(node), file };
  }
  if (node.type !== 'object') return otherWithChildren(node, file);
  const entries: ObjectEntry[] = [];
  for (const element of node.children.filter((part) => part.type === 'object_elem')) {
    const [keyNode, valueNode] = element.children.filter((part) => part.type === 'expression');
    if (!keyNode || !valueNode) continue;
    entries.push({
      key: objectKey(keyNode, file),
      keySpan: spanOf(keyNode),
      value: convertExpression(valueNode, file),
    });
  }
  return { kind: 'object', entries, span: spanOf(node), file };
}

function objectKey(node: SyntaxNode, file: SourceFile): string | undefined {
  const key = convertExpression(node, file);
  if (key.kind === 'reference' && key.path.length === 1) return key.path[0];
  return literalKey(key);
}

function convertTemplate(node: SyntaxNode, file: SourceFile): Expression {
  if (node.type === 'heredoc_template') return convertHeredoc(node, file);
  if (node.type === 'string_lit' && !node.hasErrors && !hasSequence(file.text, node.startIndex, node.endIndex)) {
    // In a tree without errors every string is closed, so its children add nothing here.
    const content = { start: node.startIndex + 1, end: node.endIndex - 1 };
    const templateParts = buildTemplateParts(undefined, content, file, 'quoted');
    checkLineBreaks(templateParts, file);
    return { kind: 'template', parts: templateParts, span: spanOf(node), file };
  }
  const parts = node.children;
  const last = parts[parts.length - 1];
  const closed = parts.length > 1 && last.type === 'quoted_template_end' && !last.isMissing;
  const start = node.startIndex + 1;
  const end = closed ? node.endIndex - 1 : node.endIndex;
  const templateParts = buildTemplateParts(node, { start, end }, file, 'quoted');
  if (!node.hasErrors) checkLineBreaks(templateParts, file);
  return { kind: 'template', parts: templateParts, span: spanOf(node), file };
}

/**
 * Records a syntax error for a line break in the literal text of a quoted string. Terraform
 * rejects such strings, while the tree-sitter grammar accepts them.
 */
function checkLineBreaks(parts: TemplatePart[], file: SourceFile): void {
  for (const part of parts) {
    if (part.kind !== 'literal' || file.parseErrors.length >= maxParseErrors) continue;
    for (let i = part.span.start; i < part.span.end; i++) {
      const code = file.text.charCodeAt(i);
      if (code !== 10 /* \n */ && code !== 13 /* \r */) continue;
      const message = 'syntax error: a quoted string cannot contain a line break; use a heredoc (<<EOT) for text on several lines';
      // A CRLF pair is one line break, and an offset between its two characters is no position.
      const end = code === 13 && file.text.charCodeAt(i + 1) === 10 ? i + 2 : i + 1;
      file.parseErrors.push({ start: i, end, message });
      break;
    }
  }
}

function convertHeredoc(node: SyntaxNode, file: SourceFile): Expression {
  const parts = node.children;
  const markers = parts.filter((part) => part.type === 'heredoc_identifier');
  const opening = markers[0];
  const stripIndent = parts[0] !== undefined && textOf(parts[0], file) === '<<-';
  const lineBreak = file.text.indexOf('\n', opening ? opening.endIndex : node.startIndex);
  const contentStart = lineBreak < 0 ? node.endIndex : Math.min(lineBreak + 1, node.endIndex);
  let contentEnd = node.endIndex;
  const closing = markers.length > 1 ? markers[markers.length - 1] : undefined;
  if (closing) contentEnd = file.lines.lineStart(file.lines.positionAt(closing.startIndex).line);
  contentEnd = Math.max(contentStart, contentEnd);
  const heredoc: HeredocInfo = {
    marker: opening ? textOf(opening, file) : '',
    stripIndent,
    contentStart,
    contentEnd,
  };
  const content = { start: contentStart, end: contentEnd };
  const mode = stripIndent ? 'flush-heredoc' : 'heredoc';
  // Without a sequence start in the text there is nothing for the children to add.
  const sequenceNode = hasSequence(file.text, node.startIndex, node.endIndex) ? node : undefined;
  const templateParts = buildTemplateParts(sequenceNode, content, file, mode);
  return { kind: 'template', parts: templateParts, heredoc, span: spanOf(node), file };
}

type TemplateMode = 'quoted' | 'heredoc' | 'flush-heredoc';

/**
 * Splits the template text in `content` into literal parts and `${...}` / `%{...}` sequences.
 * Literal text is taken from the host text between sequences, because tree-sitter leaves
 * whitespace out of its literal nodes. Each `%{...}` marker of an `if` or `for` directive is its
 * own part, so the literal text between `%{ if }` and `%{ endif }` stays visible.
 */
function buildTemplateParts(
  node: SyntaxNode | undefined,
  content: Span,
  file: SourceFile,
  mode: TemplateMode,
): TemplatePart[] {
  const sequences: TemplatePart[] = [];
  if (node) collectSequences(node, file, sequences);
  sequences.sort((a, b) => a.span.start - b.span.start);
  const skipped = mode === 'flush-heredoc' ? indentationToStrip(file.text, content, sequences) : [];
  const parts: TemplatePart[] = [];
  let cursor = content.start;
  for (const sequence of sequences) {
    if (sequence.span.start < cursor || sequence.span.end > content.end) continue;
    pushLiteral(parts, file, { start: cursor, end: sequence.span.start }, mode, skipped);
    parts.push(sequence);
    cursor = sequence.span.end;
  }
  pushLiteral(parts, file, { start: cursor, end: content.end }, mode, skipped);
  return parts;
}

/** True when the text from `start` to `end` contains a `${` or `%{` sequence start. */
function hasSequence(text: string, start: number, end: number): boolean {
  for (let i = start + 1; i < end; i++) {
    if (text.charCodeAt(i) !== 123 /* { */) continue;
    const before = text.charCodeAt(i - 1);
    if (before === 36 /* $ */ || before === 37 /* % */) return true;
  }
  return false;
}

function collectSequences(node: SyntaxNode, file: SourceFile, out: TemplatePart[]): void {
  for (const child of node.children) {
    if (child.type === 'template_interpolation') {
      const inner = child.children.find((part) => part.type === 'expression');
      const expr = inner ? convertExpression(inner, file) : undefined;
      out.push({ kind: 'interpolation', expr, span: spanOf(child) });
    } else if (child.children[0]?.type === 'template_directive_start') {
      out.push({ kind: 'directive', span: spanOf(child) });
      collectSequences(child, file, out);
    } else if (child.children.length > 0) {
      collectSequences(child, file, out);
    }
  }
}

function pushLiteral(
  parts: TemplatePart[],
  file: SourceFile,
  span: Span,
  mode: TemplateMode,
  skipped: Span[],
): void {
  if (span.end <= span.start) return;
  const builder = new SourceMapBuilder(file.path);
  decodeLiteral(file.text, span, mode === 'quoted', skipped, builder);
  const { text, map } = builder.build(span.start, span.end);
  parts.push({ kind: 'literal', text, map, span });
}

const simpleEscapes: Record<string, string> = { n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\' };

/**
 * Appends the decoded value of literal template text to `builder`. `$${` and `%%{` become `${`
 * and `%{` in every template; backslash escapes are decoded only in quoted strings, because
 * heredocs keep backslashes as they are.
 */
export function decodeLiteral(
  text: string,
  span: Span,
  escapes: boolean,
  skipped: Span[],
  builder: SourceMapBuilder,
): void {
  let skipIndex = 0;
  let i = span.start;
  while (i < span.end) {
    while (skipIndex < skipped.length && skipped[skipIndex].end <= i) skipIndex++;
    const skip = skipped[skipIndex];
    if (skip && skip.start <= i) {
      i = skip.end;
      continue;
    }
    const char = text[i];
    if (escapes && char === '\\' && i + 1 < span.end) {
      i += appendEscape(text, i, span.end, builder);
    } else if ((char === '$' || char === '%') && text[i + 1] === char && text[i + 2] === '{') {
      builder.appendVerbatim(`${char}{`, i + 1);
      i += 3;
    } else {
      // Copy the run of plain characters up to the next escape, sequence or skipped range.
      const stop = Math.min(span.end, skip ? skip.start : span.end);
      let end = i + 1;
      while (end < stop && !startsSpecial(text, end, escapes)) end++;
      builder.appendVerbatim(text.slice(i, end), i);
      i = end;
    }
  }
}

/** True when a backslash (with `escapes`), `$$` or `%%` starts at `at`. */
function startsSpecial(text: string, at: number, escapes: boolean): boolean {
  const code = text.charCodeAt(at);
  if (code === 92 /* \\ */) return escapes;
  return (code === 36 /* $ */ || code === 37 /* % */) && text.charCodeAt(at + 1) === code;
}

/** Appends one backslash escape and returns how many host characters it used. */
function appendEscape(text: string, at: number, end: number, builder: SourceMapBuilder): number {
  const letter = text[at + 1];
  if (simpleEscapes[letter] !== undefined) {
    builder.appendSynthetic(simpleEscapes[letter]);
    return 2;
  }
  let digits = 0;
  if (letter === 'u') digits = 4;
  else if (letter === 'U') digits = 8;
  const hex = text.slice(at + 2, at + 2 + digits);
  if (digits > 0 && at + 2 + digits <= end && /^[0-9a-fA-F]+$/.test(hex)) {
    const codePoint = parseInt(hex, 16);
    builder.appendSynthetic(codePoint <= 0x10ffff ? String.fromCodePoint(codePoint) : '\ufffd');
    return 2 + digits;
  }
  // An unknown escape is invalid in HCL; keep it as written so no character is lost.
  builder.appendVerbatim(text.slice(at, at + 2), at);
  return 2;
}

/**
 * Finds the leading whitespace that `<<-` removes: the smallest indentation over the content
 * lines, where lines holding only whitespace do not count and a line that starts with a
 * template sequence counts as indentation zero. Returns one range per line to leave out.
 */
function indentationToStrip(text: string, content: Span, sequences: TemplatePart[]): Span[] {
  const lines: Array<{ start: number; indent: number; blank: boolean }> = [];
  let lineStart = content.start;
  while (lineStart < content.end) {
    let i = lineStart;
    while (i < content.end && (text[i] === ' ' || text[i] === '\t')) i++;
    const blank = i >= content.end || text[i] === '\n' || text[i] === '\r';
    const insideSequence = sequences.some((s) => s.span.start < lineStart && lineStart < s.span.end);
    if (!insideSequence) lines.push({ start: lineStart, indent: i - lineStart, blank });
    const lineBreak = text.indexOf('\n', lineStart);
    lineStart = lineBreak < 0 || lineBreak >= content.end ? content.end : lineBreak + 1;
  }
  const counted = lines.filter((line) => !line.blank).map((line) => line.indent);
  const strip = counted.length > 0 ? Math.min(...counted) : 0;
  if (strip === 0) return [];
  return lines.map((line) => ({ start: line.start, end: line.start + Math.min(strip, line.indent) }));
}

/**
 * Parses a standalone template string, such as the decoded value of a `.tf.json` string, into
 * template parts. Spans and maps of the result are offsets into `source`, where 0 is its first
 * character. The expressions belong to a temporary file named `path`, so callers remap them.
 */
export function parseTemplateString(source: string, path: string, parser: Parser): TemplatePart[] {
  let marker = 'MGTEMPLATE';
  while (source.includes(marker)) marker += '_';
  const prefix = `x = <<${marker}\n`;
  const wrapped = `${prefix}${source}\n${marker}\n`;
  const parsed = parseHcl(path, wrapped, parser);
  const attribute = parsed.attributes[0];
  const expr = attribute?.expr;
  if (!expr || expr.kind !== 'template' || !expr.heredoc) return [];
  const content = { start: prefix.length, end: prefix.length + source.length };
  const shift = (offset: number): number => Math.max(0, offset - prefix.length);
  return expr.parts
    .filter((part) => part.span.start < content.end)
    .map((part) => clipPart(part, content.end, parsed.file))
    .map((part) => shiftPart(part, shift, parsed.file));
}

function clipPart(part: TemplatePart, end: number, file: SourceFile): TemplatePart {
  if (part.kind !== 'literal' || part.span.end <= end) return part;
  const builder = new SourceMapBuilder(file.path);
  decodeLiteral(file.text, { start: part.span.start, end }, false, [], builder);
  const { text, map } = builder.build(part.span.start, end);
  return { kind: 'literal', text, map, span: { start: part.span.start, end } };
}

function shiftPart(
  part: TemplatePart,
  shift: (offset: number) => number,
  file: SourceFile,
): TemplatePart {
  const span = { start: shift(part.span.start), end: shift(part.span.end) };
  if (part.kind === 'directive') return { kind: 'directive', span };
  if (part.kind === 'interpolation') {
    const expr = part.expr ? remapExpression(part.expr, shift, file) : undefined;
    return { kind: 'interpolation', expr, span };
  }
  return { kind: 'literal', text: part.text, map: remapMap(part.text, part.map, shift), span };
}

/**
 * Rebuilds a literal's source map after its host offsets move. `translate` returns the new host
 * offset of an old one, or undefined when the character has no verbatim source there.
 */
export function remapMap(
  text: string,
  map: SourceMap,
  translate: (offset: number) => number | undefined,
  path = map.file,
  fallback?: Span,
): SourceMap {
  const builder = new SourceMapBuilder(path);
  let segmentIndex = 0;
  for (let i = 0; i < text.length; i++) {
    let segment = map.segments[segmentIndex];
    while (segment && segment.textStart + segment.length <= i) segment = map.segments[++segmentIndex];
    const covered = segment !== undefined && segment.textStart <= i;
    const host = covered ? translate(segment.hostStart + i - segment.textStart) : undefined;
    if (host === undefined) builder.appendSynthetic(text[i]);
    else builder.appendVerbatim(text[i], host);
  }
  const start = translate(map.fallbackStart) ?? fallback?.start ?? 0;
  const end = translate(map.fallbackEnd) ?? fallback?.end ?? start;
  return builder.build(start, Math.max(start, end)).map;
}

/** Copies an expression with every offset moved by `translate` and every node put in `file`. */
export function remapExpression(
  expr: Expression,
  translate: (offset: number) => number,
  file: SourceFile,
): Expression {
  const span = { start: translate(expr.span.start), end: translate(expr.span.end) };
  const move = (inner: Expression): Expression => remapExpression(inner, translate, file);
  switch (expr.kind) {
    case 'template': {
      const parts = expr.parts.map((part) => shiftPart(part, translate, file));
      return { kind: 'template', parts, span, file };
    }
    case 'call':
      return { ...expr, args: expr.args.map(move), span, file };
    case 'conditional':
      return {
        ...expr,
        condition: move(expr.condition),
        whenTrue: move(expr.whenTrue),
        whenFalse: move(expr.whenFalse),
        span,
        file,
      };
    case 'object': {
      const entries = expr.entries.map((entry) => ({
        key: entry.key,
        keySpan: { start: translate(entry.keySpan.start), end: translate(entry.keySpan.end) },
        value: move(entry.value),
      }));
      return { kind: 'object', entries, span, file };
    }
    case 'tuple':
      return { kind: 'tuple', items: expr.items.map(move), span, file };
    case 'other':
      return { kind: 'other', span, file, children: expr.children?.map(move) };
    default:
      return { ...expr, span, file };
  }
}
