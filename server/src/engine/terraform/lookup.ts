import type { Attribute, Block, Expression, ObjectEntry } from './model';

/** First path items that are not resource types: `var.x`, `local.y`, `count.index` and so on. */
const nonResourceRoots = new Set([
  'var',
  'local',
  'path',
  'module',
  'count',
  'each',
  'self',
  'terraform',
]);

/**
 * Finds the attribute at a dotted path such as `instance_config.user_data` or
 * `metadata.agency_name`. Each step goes into a nested block of that type or into an object
 * value of that key; the first match wins. An object entry is returned as an `Attribute` whose
 * span runs from its key to the end of its value.
 */
export function getAttribute(block: Block, path: string): Attribute | undefined {
  return findAttributes(block, path)[0];
}

/** Finds every attribute at a dotted path, through all repeated nested blocks (`part`, `disks`). */
export function findAttributes(block: Block, path: string): Attribute[] {
  const steps = path.split('.').filter((step) => step.length > 0);
  if (steps.length === 0) return [];
  return findInBlock(block, steps);
}

function findInBlock(block: Block, steps: string[]): Attribute[] {
  const [step, ...rest] = steps;
  const found: Attribute[] = [];
  const attribute = block.attributes.get(step);
  if (attribute) {
    if (rest.length === 0) found.push(attribute);
    else found.push(...findInExpression(attribute.expr, rest));
  }
  if (rest.length === 0) return found;
  for (const nested of block.blocks) {
    if (nested.type === step) found.push(...findInBlock(nested, rest));
  }
  return found;
}

function findInExpression(expr: Expression, steps: string[]): Attribute[] {
  if (expr.kind === 'tuple') return expr.items.flatMap((item) => findInExpression(item, steps));
  if (expr.kind !== 'object') return [];
  const [step, ...rest] = steps;
  const found: Attribute[] = [];
  for (const entry of expr.entries) {
    if (entry.key !== step) continue;
    if (rest.length === 0) found.push(entryAttribute(entry));
    else found.push(...findInExpression(entry.value, rest));
  }
  return found;
}

function entryAttribute(entry: ObjectEntry): Attribute {
  return {
    name: entry.key ?? '',
    nameSpan: entry.keySpan,
    expr: entry.value,
    span: { start: entry.keySpan.start, end: entry.value.span.end },
  };
}

/**
 * Lists the resources and data sources an expression refers to, without repeats: `type.name` for
 * a resource and `data.type.name` for a data source, in the order they first appear.
 */
export function resourceReferences(expr: Expression): string[] {
  const found = new Set<string>();
  visitExpressions(expr, (inner) => {
    if (inner.kind !== 'reference') return;
    const key = referenceKey(inner.path);
    if (key) found.add(key);
  });
  return [...found];
}

function referenceKey(path: string[]): string | undefined {
  if (path[0] === 'data') {
    return path.length >= 3 ? `data.${path[1]}.${path[2]}` : undefined;
  }
  if (path.length < 2 || nonResourceRoots.has(path[0]) || path[1] === '*') return undefined;
  return `${path[0]}.${path[1]}`;
}

/** Calls `visit` on an expression and on every expression inside it, parents first. */
export function visitExpressions(expr: Expression, visit: (expr: Expression) => void): void {
  visit(expr);
  const inner: Expression[] = [];
  switch (expr.kind) {
    case 'template':
      for (const part of expr.parts) {
        if (part.kind === 'interpolation' && part.expr) inner.push(part.expr);
      }
      break;
    case 'call':
      inner.push(...expr.args);
      break;
    case 'conditional':
      inner.push(expr.condition, expr.whenTrue, expr.whenFalse);
      break;
    case 'object':
      inner.push(...expr.entries.map((entry) => entry.value));
      break;
    case 'tuple':
      inner.push(...expr.items);
      break;
    case 'other':
      inner.push(...(expr.children ?? []));
      break;
  }
  for (const child of inner) visitExpressions(child, visit);
}
