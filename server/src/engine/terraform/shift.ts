import { SourceMap } from '../text';
import type { Attribute, Block, Expression, HeredocInfo, ObjectEntry, SourceFile, Span, TemplatePart } from './model';

/**
 * Copies converted configuration into a new version of its file: every offset moves by `delta`
 * and every node points to `file`. The parse cache uses it for blocks that an edit left as they
 * were, possibly further down the file.
 */
export function shiftBlock(block: Block, delta: number, file: SourceFile): Block {
  const attributes = new Map<string, Attribute>();
  for (const [name, attribute] of block.attributes) attributes.set(name, shiftAttribute(attribute, delta, file));
  return {
    type: block.type,
    labels: block.labels,
    labelSpans: block.labelSpans.map((span) => shiftSpan(span, delta)),
    attributes,
    blocks: block.blocks.map((inner) => shiftBlock(inner, delta, file)),
    span: shiftSpan(block.span, delta),
    openBrace: block.openBrace + delta,
    closeBrace: block.closeBrace + delta,
    file,
  };
}

/** Copies an attribute as `shiftBlock` copies a block. */
export function shiftAttribute(attribute: Attribute, delta: number, file: SourceFile): Attribute {
  return {
    name: attribute.name,
    nameSpan: shiftSpan(attribute.nameSpan, delta),
    expr: shiftExpression(attribute.expr, delta, file),
    span: shiftSpan(attribute.span, delta),
  };
}

function shiftSpan(span: Span, delta: number): Span {
  return { start: span.start + delta, end: span.end + delta };
}

function shiftExpression(expr: Expression, delta: number, file: SourceFile): Expression {
  const span = shiftSpan(expr.span, delta);
  const move = (inner: Expression): Expression => shiftExpression(inner, delta, file);
  switch (expr.kind) {
    case 'template': {
      const parts = expr.parts.map((part) => shiftPart(part, delta, file));
      const heredoc = expr.heredoc ? shiftHeredoc(expr.heredoc, delta) : undefined;
      return heredoc ? { kind: 'template', parts, heredoc, span, file } : { kind: 'template', parts, span, file };
    }
    case 'call':
      return { kind: 'call', name: expr.name, args: expr.args.map(move), span, file };
    case 'conditional':
      return {
        kind: 'conditional',
        condition: move(expr.condition),
        whenTrue: move(expr.whenTrue),
        whenFalse: move(expr.whenFalse),
        span,
        file,
      };
    case 'object': {
      const entries: ObjectEntry[] = expr.entries.map((entry) => ({
        key: entry.key,
        keySpan: shiftSpan(entry.keySpan, delta),
        value: move(entry.value),
      }));
      return { kind: 'object', entries, span, file };
    }
    case 'tuple':
      return { kind: 'tuple', items: expr.items.map(move), span, file };
    case 'reference':
      return { kind: 'reference', path: expr.path, span, file };
    case 'other':
      return expr.children ? { kind: 'other', span, file, children: expr.children.map(move) } : { kind: 'other', span, file };
    default:
      return { kind: expr.kind, raw: expr.raw, span, file };
  }
}

function shiftHeredoc(heredoc: HeredocInfo, delta: number): HeredocInfo {
  return { ...heredoc, contentStart: heredoc.contentStart + delta, contentEnd: heredoc.contentEnd + delta };
}

function shiftPart(part: TemplatePart, delta: number, file: SourceFile): TemplatePart {
  const span = shiftSpan(part.span, delta);
  if (part.kind === 'directive') return { kind: 'directive', span };
  if (part.kind === 'interpolation') {
    return { kind: 'interpolation', expr: part.expr ? shiftExpression(part.expr, delta, file) : undefined, span };
  }
  return { kind: 'literal', text: part.text, map: shiftMap(part.map, delta), span };
}

function shiftMap(map: SourceMap, delta: number): SourceMap {
  if (delta === 0) return map;
  const segments = map.segments.map((segment) => ({ ...segment, hostStart: segment.hostStart + delta }));
  return new SourceMap(map.file, segments, map.fallbackStart + delta, map.fallbackEnd + delta);
}
