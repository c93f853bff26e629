import type { KnownRole } from '../rules/agencies';
import { serviceOfRole } from '../rules/agencies';
import type { ModuleContext } from '../rules/rule';
import type { Expression } from '../terraform/model';
import type { Fix } from '../types';

/**
 * Builds the fix that removes a role string from its list, taking one neighbouring comma with
 * it so that the list stays valid HCL or JSON. Returns undefined when the role is the only item
 * of its list, or when it is not written directly in a list literal.
 */
export function removeRoleFix(context: ModuleContext, entry: KnownRole, preferred: boolean): Fix | undefined {
  const tuple = entry.tuple;
  if (!tuple || tuple.kind !== 'tuple' || tuple.items.length < 2) return undefined;
  const index = tuple.items.indexOf(entry.item);
  if (index < 0) return undefined;
  const range = removalRange(tuple.items, index);
  const location = context.location(entry.item.file.path, range.start, range.end);
  return {
    title: `Remove role "${entry.role}" from ${entry.list}`,
    isPreferred: preferred,
    edits: [{ file: location.file, edits: [{ range: location.range, newText: '' }] }],
  };
}

/**
 * Returns the offsets to delete for item `index`: from its start to the start of the next item,
 * or, for the last item, from the end of the item before it. A trailing comma after the last
 * item stays, which HCL accepts and JSON never has.
 */
function removalRange(items: Expression[], index: number): { start: number; end: number } {
  const item = items[index];
  if (index + 1 < items.length) return { start: item.span.start, end: items[index + 1].span.start };
  return { start: items[index - 1].span.end, end: item.span.end };
}

/**
 * Builds the fix that replaces `<Service> FullAccess` or `<Service> Administrator` with
 * `<Service> ReadOnlyAccess`. Only a string written literally in the file, with no escapes,
 * is replaced.
 */
export function readOnlyRoleFix(context: ModuleContext, entry: KnownRole, preferred: boolean): Fix | undefined {
  const service = serviceOfRole(entry.role);
  if (!service || !/^[A-Za-z0-9 ._-]+$/.test(service)) return undefined;
  const { item } = entry;
  if (item.kind !== 'template') return undefined;
  const start = item.span.start + 1;
  const end = item.span.end - 1;
  if (item.file.text.slice(start, end) !== entry.role) return undefined;
  // NOTE: not every service is known to have a role of this name; the rule docs say to check.
  const replacement = `${service} ReadOnlyAccess`;
  const location = context.location(item.file.path, start, end);
  return {
    title: `Replace role "${entry.role}" with "${replacement}"`,
    isPreferred: preferred,
    edits: [{ file: location.file, edits: [{ range: location.range, newText: replacement }] }],
  };
}
