/**
 * Agencies that give servers temporary credentials: which agencies the agency rules check, the
 * servers that carry each one, and the roles each one grants.
 */
import { findAttributes, resourceReferences } from '../terraform/lookup';
import type { Block, Expression } from '../terraform/model';
import { findAgency } from './ecs-metadata-unrestricted';
import type { ModuleContext } from './rule';
import { serverKinds } from './servers';

/** Agency resource types of the Huawei-family providers, aliases included. */
export const agencyTypes: ReadonlySet<string> = new Set([
  'huaweicloud_identity_agency',
  'huaweicloud_iam_agency',
  'huaweicloud_iam_agency_v3',
  'sbercloud_identity_agency',
  'g42cloud_identity_agency',
  'flexibleengine_identity_agency_v3',
  'opentelekomcloud_identity_agency_v3',
]);

/** Custom role types whose `policy` is an IAM policy document (`Version "1.1"`). */
export const customRoleTypes: ReadonlySet<string> = new Set(['huaweicloud_identity_role']);

/** The trusted service name of agencies that ECS servers use. */
export const ecsServiceName = 'op_svc_ecs';

/** The attributes of an agency that list roles, as dotted paths. */
export type RoleListName =
  | 'project_role.roles'
  | 'domain_roles'
  | 'all_resources_roles'
  | 'enterprise_project_roles.roles';

const roleListNames: readonly RoleListName[] = [
  'project_role.roles',
  'domain_roles',
  'all_resources_roles',
  'enterprise_project_roles.roles',
];

/** An agency the agency rules check, with the servers that carry it. */
export interface ScopedAgency {
  /** `type.name` of the agency resource. */
  key: string;
  block: Block;
  /** The agency's `name` when it is known. */
  name: string | undefined;
  /** `type.name` of each server resource that carries the agency. */
  servers: string[];
  /** True when `delegated_service_name` or `delegated_domain_name` is `op_svc_ecs`. */
  trustedByEcs: boolean;
}

/** One role string in a roles list of an agency. */
export interface KnownRole {
  kind: 'known';
  role: string;
  list: RoleListName;
  /** The expression that gives the role: a string in the list, or a value it refers to. */
  item: Expression;
  /** The list literal that contains `item` directly, if any. Quick fixes edit only this list. */
  tuple: Expression | undefined;
  /** The custom role resource the entry names, by reference or by its literal name. */
  customRole: Block | undefined;
}

/** A role whose value the configuration does not give, such as a variable with no value. */
export interface UnknownRole {
  kind: 'unknown';
  list: RoleListName;
  item: Expression;
  reason: string;
}

export type RoleEntry = KnownRole | UnknownRole;

/** A broad system role and the roles list that contains it. */
export interface BroadRole {
  role: string;
  list: RoleListName;
}

/** Roles that grant administration of the whole account, or the power to assume agencies. */
const accountWideRoles = ['Tenant Administrator', 'FullAccess', 'Security Administrator', 'Agent Operator'];

/** Functions whose result lists the items of their list arguments. */
const listFunctions: ReadonlySet<string> = new Set(['toset', 'tolist', 'concat', 'distinct', 'compact']);

/** Maximum depth of lookups through variables and locals, which also ends reference cycles. */
const maxDepth = 8;

/**
 * Rates a system role by its display name, case-sensitively as the provider matches it: `error`
 * for account-wide administration, `warning` for full access to one service or to servers, and
 * undefined for every other role (`Tenant Guest`, `<Service> ReadOnlyAccess`, custom roles).
 */
export function roleSeverity(role: string): 'error' | 'warning' | undefined {
  if (accountWideRoles.includes(role)) return 'error';
  if (role === 'Server Administrator') return 'warning';
  if (/^\S.* (FullAccess|Administrator)$/.test(role)) return 'warning';
  return undefined;
}

/** Returns the service of a `<Service> FullAccess` or `<Service> Administrator` role. */
export function serviceOfRole(role: string): string | undefined {
  if (roleSeverity(role) !== 'warning' || role === 'Server Administrator') return undefined;
  return /^(\S.*) (FullAccess|Administrator)$/.exec(role)?.[1];
}

const scopeCache = new WeakMap<ModuleContext, ScopedAgency[]>();

/**
 * Lists the agencies in scope, in file order: every agency attached to a server (by a reference
 * to the agency or by its literal name) and every agency that ECS is trusted to use. Agencies
 * trusted by other services and carried by no server are left out.
 */
export function agenciesInScope(context: ModuleContext): ScopedAgency[] {
  const cached = scopeCache.get(context);
  if (cached) return cached;
  const scoped: ScopedAgency[] = [];
  const attachments = serverAttachments(context);
  for (const [key, block] of context.module.resources) {
    if (!agencyTypes.has(block.labels[0])) continue;
    const name = knownText(context, block.attributes.get('name')?.expr);
    const servers = attachments
      .filter((attachment) => attachment.references.includes(key) || (name !== undefined && attachment.name === name))
      .map((attachment) => attachment.server);
    const trustedByEcs = ['delegated_service_name', 'delegated_domain_name'].some(
      (attribute) => knownText(context, block.attributes.get(attribute)?.expr) === ecsServiceName,
    );
    if (servers.length > 0 || trustedByEcs) scoped.push({ key, block, name, servers, trustedByEcs });
  }
  scopeCache.set(context, scoped);
  return scoped;
}

interface ServerAttachment {
  server: string;
  references: string[];
  name: string | undefined;
}

function serverAttachments(context: ModuleContext): ServerAttachment[] {
  const attachments: ServerAttachment[] = [];
  for (const [key, block] of context.module.resources) {
    const kind = serverKinds.get(block.labels[0]);
    const agency = kind && findAgency(context, block, kind);
    if (!agency) continue;
    const expr = agency.attribute.expr;
    attachments.push({ server: key, references: resourceReferences(expr), name: knownText(context, expr) });
  }
  return attachments;
}

/** Finds the agency in scope that a server carries, by the server's `type.name`. */
export function attachedAgency(context: ModuleContext, serverKey: string): ScopedAgency | undefined {
  return agenciesInScope(context).find((agency) => agency.servers.includes(serverKey));
}

/** Lists the role entries of an agency, list by list, in the order they are written. */
export function agencyRoles(context: ModuleContext, agency: Block): RoleEntry[] {
  const entries: RoleEntry[] = [];
  for (const list of roleListNames) {
    for (const attribute of findAttributes(agency, list)) {
      entries.push(...rolesOfValue(context, attribute.expr, list, { tuple: undefined, followed: false }, 0));
    }
  }
  return entries;
}

/** Finds the broadest system role an agency grants: account-wide roles first, in list order. */
export function broadestRole(context: ModuleContext, agencyBlock: Block): BroadRole | undefined {
  let best: BroadRole | undefined;
  for (const entry of agencyRoles(context, agencyBlock)) {
    if (entry.kind !== 'known' || entry.customRole) continue;
    const severity = roleSeverity(entry.role);
    if (severity === 'error') return { role: entry.role, list: entry.list };
    if (severity === 'warning' && !best) best = { role: entry.role, list: entry.list };
  }
  return best;
}

/** Names an agency for messages: its `name` when known, and its resource address. */
export function describeAgency(agency: ScopedAgency): string {
  return agency.name !== undefined ? `"${agency.name}" (${agency.key})` : agency.key;
}

/**
 * Describes, as a sentence, who gets an agency's permissions: the servers that carry it, or any
 * ECS server it may be attached to when no server in the module carries it.
 */
export function describeCarriers(agency: ScopedAgency): string {
  if (agency.servers.length === 0) {
    return (
      `No server in this module carries it, but it trusts ECS (${ecsServiceName}), so any process ` +
      'on a server it is attached to can get these permissions from instance metadata.'
    );
  }
  const noun = agency.servers.length === 1 ? 'server' : 'servers';
  return (
    `It is attached to ${noun} ${agency.servers.join(', ')}, where any process that reads ` +
    'instance metadata gets these permissions.'
  );
}

/**
 * Place of a value: the list literal that contains it, and whether a variable or local was
 * followed to reach it. Quick fixes edit only lists written in the agency itself, because a
 * variable's default may serve other resources too.
 */
interface ValuePlace {
  tuple: Expression | undefined;
  followed: boolean;
}

function rolesOfValue(
  context: ModuleContext,
  expr: Expression,
  list: RoleListName,
  place: ValuePlace,
  depth: number,
): RoleEntry[] {
  const value = unwrapTemplate(expr);
  if (depth > maxDepth) return [{ kind: 'unknown', list, item: expr, reason: 'the value refers to itself' }];
  const inner = (next: Expression, tuple?: Expression): RoleEntry[] =>
    rolesOfValue(context, next, list, { tuple: place.followed ? undefined : tuple, followed: place.followed }, depth + 1);
  if (value.kind === 'tuple') return value.items.flatMap((item) => inner(item, value));
  if (value.kind === 'call' && listFunctions.has(value.name)) return value.args.flatMap((arg) => inner(arg));
  if (value.kind === 'conditional') return [value.whenTrue, value.whenFalse].flatMap((branch) => inner(branch));
  const target = value.kind === 'reference' ? referencedValue(context, value.path) : undefined;
  if (target && unwrapTemplate(target).kind !== 'template') {
    return rolesOfValue(context, target, list, { tuple: undefined, followed: true }, depth + 1);
  }
  return rolesOfString(context, expr, list, place.tuple);
}

function rolesOfString(
  context: ModuleContext,
  item: Expression,
  list: RoleListName,
  tuple: Expression | undefined,
): RoleEntry[] {
  const value = unwrapTemplate(item);
  if (value.kind === 'reference' && customRoleTypes.has(value.path[0]) && value.path.length >= 2) {
    const customRole = context.module.resources.get(`${value.path[0]}.${value.path[1]}`);
    const role = knownText(context, customRole?.attributes.get('name')?.expr) ?? value.path.slice(0, 3).join('.');
    return [{ kind: 'known', role, list, item, tuple, customRole }];
  }
  const texts = knownTexts(context, item);
  if ('reason' in texts) return [{ kind: 'unknown', list, item, reason: texts.reason }];
  return texts.values.map((role) => ({ kind: 'known', role, list, item, tuple, customRole: customRoleNamed(context, role) }));
}

function customRoleNamed(context: ModuleContext, name: string): Block | undefined {
  for (const type of customRoleTypes) {
    for (const block of context.resourcesOfType(type)) {
      if (knownText(context, block.attributes.get('name')?.expr) === name) return block;
    }
  }
  return undefined;
}

/**
 * Follows `var.x` (a tfvars value first, then the default) and `local.x` to the expression that
 * gives their value. Returns undefined for other references and for variables with no value.
 */
export function referencedValue(context: ModuleContext, path: string[]): Expression | undefined {
  const { module } = context;
  if (path[0] === 'local' && path.length === 2) return module.locals.get(path[1])?.expr;
  if (path[0] !== 'var' || path.length !== 2) return undefined;
  const fromFile = module.tfvars.get(path[1]);
  if (fromFile) return fromFile.expr;
  return module.variables.get(path[1])?.attributes.get('default')?.expr;
}

/** Returns the inner expression of a template that is only `"${expr}"`, as `.tf.json` writes it. */
export function unwrapTemplate(expr: Expression): Expression {
  if (expr.kind !== 'template' || expr.parts.length !== 1) return expr;
  const part = expr.parts[0];
  return part.kind === 'interpolation' && part.expr ? part.expr : expr;
}

/** Returns the text of a string literal with no template sequences, or undefined. */
export function literalText(expr: Expression): string | undefined {
  if (expr.kind !== 'template') return undefined;
  if (!expr.parts.every((part) => part.kind === 'literal')) return undefined;
  return expr.parts.map((part) => (part.kind === 'literal' ? part.text : '')).join('');
}

/** Evaluates an expression that has one known text, or returns undefined. */
export function knownText(context: ModuleContext, expr: Expression | undefined): string | undefined {
  if (!expr) return undefined;
  const texts = knownTexts(context, expr);
  return 'values' in texts && texts.values.length === 1 ? texts.values[0] : undefined;
}

/** Evaluates an expression to all the texts it can take, or to the reason one is not known. */
export function knownTexts(context: ModuleContext, expr: Expression): { values: string[] } | { reason: string } {
  const literal = literalText(expr);
  if (literal !== undefined) return { values: [literal] };
  const values: string[] = [];
  for (const alternative of context.evaluate(expr)) {
    const unknown = alternative.find((piece) => piece.kind === 'unknown');
    if (unknown && unknown.kind === 'unknown') return { reason: unknown.reason };
    const text = alternative.map((piece) => (piece.kind === 'text' ? piece.text : '')).join('');
    const partial = alternative.some((piece) => piece.kind === 'text' && piece.placeholders.length > 0);
    if (partial) return { reason: `${sourceText(expr)} is only partly known` };
    values.push(text);
  }
  if (values.length === 0) return { reason: `the value of ${sourceText(expr)} is not known` };
  return { values: [...new Set(values)] };
}

/** Returns the source text of an expression, shortened for messages. */
export function sourceText(expr: Expression): string {
  const text = expr.file.text.slice(expr.span.start, expr.span.end);
  return text.length <= 60 ? text : `${text.slice(0, 57)}...`;
}
