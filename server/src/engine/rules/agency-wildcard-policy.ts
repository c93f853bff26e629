import { findNodeAtLocation, parseTree, type Node as JsonNode } from 'jsonc-parser';
import {
  actionsJson,
  readOnlyActions,
  readOnlyActionsFix,
  replaceHclExpression,
  replaceInPiece,
} from '../fixes/policyActions';
import type { TextPiece } from '../terraform/evaluate';
import { resourceReferences } from '../terraform/lookup';
import type { Block, Expression } from '../terraform/model';
import type { FileEdit, Finding, Fix, Severity } from '../types';
import {
  agenciesInScope,
  agencyRoles,
  describeAgency,
  describeCarriers,
  knownText,
  referencedValue,
  unwrapTemplate,
  type ScopedAgency,
} from './agencies';
import type { RuleMeta } from './registry';
import type { ModuleContext, ModuleRule } from './rule';

const meta: RuleMeta = {
  id: 'agency-wildcard-policy',
  title: 'Custom policy of a server agency allows wildcard or escalation actions',
  summary:
    'A custom policy granted to an agency that servers carry, or that trusts ECS, allows every ' +
    'action (`*`), every action of a service (`svc:*:*`), IAM changes or assuming other agencies. ' +
    'Any process that can read instance metadata on those servers gets these permissions.',
  defaultSeverity: 'warning',
};

/** IAM policy resources (`Version "5.0"`) and the resources that attach them to agencies. */
const policyTypes: ReadonlySet<string> = new Set(['huaweicloud_identityv5_policy', 'huaweicloud_identity_policy']);
const policyAttachTypes: ReadonlySet<string> = new Set(['huaweicloud_identityv5_policy_agency_attach']);

/** Services whose wildcard actions let the credentials grant themselves more permissions. */
const escalationServices: ReadonlySet<string> = new Set(['iam', 'sts']);

/** Actions that let the credentials act as another agency. */
const assumeActions = ['iam:agencies:assume', 'iam:tokens:assume', 'sts:agencies:assume'];

/** A custom policy resource and the agencies in scope it is granted to. */
interface GrantedPolicy {
  key: string;
  block: Block;
  /** The attribute that contains the policy document. */
  documentAttribute: 'policy' | 'policy_document';
  agencies: ScopedAgency[];
}

/** An action string of a policy statement and where it is written. */
interface ActionString {
  value: string;
  file: string;
  start: number;
  end: number;
  /** Builds the edit that writes these actions in place of this one, when it can. */
  replace(actions: string[]): FileEdit | undefined;
}

/** One statement of a policy document; undefined values could not be resolved. */
interface Statement {
  effect: string | undefined;
  actions: ActionString[];
  resources: Array<string | undefined> | undefined;
}

/** The severity of a too broad action and the reason, for the message. */
interface ActionProblem {
  severity: Severity;
  reason: string;
}

export const agencyWildcardPolicy: ModuleRule = {
  meta,
  check(context) {
    const findings: Finding[] = [];
    const seen = new Set<string>();
    for (const policy of grantedPolicies(context)) {
      const attribute = policy.block.attributes.get(policy.documentAttribute);
      if (!attribute) continue;
      for (const statement of policyStatements(context, attribute.expr)) {
        if (statement.effect?.toLowerCase() !== 'allow') continue;
        for (const action of statement.actions) {
          const problem = actionProblem(action.value, statement.resources);
          const key = `${action.file}:${action.start}:${action.end}`;
          if (!problem || seen.has(key)) continue;
          seen.add(key);
          findings.push(actionFinding(context, policy, action, problem));
        }
      }
    }
    return findings;
  },
};

function actionFinding(context: ModuleContext, policy: GrantedPolicy, action: ActionString, problem: ActionProblem): Finding {
  const agencies = policy.agencies.map(describeAgency).join(', ');
  const servers = [...new Set(policy.agencies.flatMap((agency) => agency.servers))];
  const carriers = describeCarriers({ ...policy.agencies[0], servers });
  const name = knownText(context, policy.block.attributes.get('name')?.expr);
  const label = name !== undefined ? `"${name}" (${policy.key})` : policy.key;
  const noun = policy.agencies.length === 1 ? 'agency' : 'agencies';
  return {
    ruleId: meta.id,
    severity: problem.severity,
    message:
      `Custom policy ${label}, granted to ${noun} ${agencies}, allows "${action.value}": ${problem.reason}. ` +
      carriers,
    location: context.location(action.file, action.start, action.end),
    related: [
      {
        location: context.location(policy.block.file.path, policy.block.labelSpans[1]?.start ?? 0, policy.block.labelSpans[1]?.end ?? 0),
        message: `Policy ${policy.key} is defined here.`,
      },
    ],
    fixes: actionFixes(action),
  };
}

function actionFixes(action: ActionString): Fix[] {
  const actions = readOnlyActions(action.value);
  const edit = actions && action.replace(actions);
  return actions && edit ? [readOnlyActionsFix(action.value, actions, edit)] : [];
}

/**
 * Decides whether an allowed action is too broad. These are: every action (`*`, `*:*:*`), IAM or
 * STS with a wildcard action part (`iam:*:*`, `iam:agencies:*`), and every action of one service
 * (`svc:*:*`, `svc:*`). A pattern that covers assuming an agency is too broad unless a narrow
 * `Resource` limits it. A narrow action with a wildcard suffix, such as `obs:object:Get*`, is not.
 */
export function actionProblem(action: string, resources: Array<string | undefined> | undefined): ActionProblem | undefined {
  const parts = action.trim().split(':');
  if (parts.every((part) => part === '*')) {
    return { severity: 'error', reason: 'every action of every service, the same as full administration' };
  }
  const service = parts[0].toLowerCase();
  const actionPart = parts.length >= 3 ? parts[parts.length - 1] : parts[1];
  if (escalationServices.has(service) && (actionPart === undefined || actionPart === '*')) {
    return {
      severity: 'error',
      reason: `a wildcard over ${service} actions, which lets the credentials grant themselves more permissions`,
    };
  }
  if (coversAssume(action) && !hasNarrowResource(resources)) {
    return { severity: 'error', reason: 'it can assume other agencies, and no narrow Resource limits which ones' };
  }
  if (parts.length >= 2 && parts.slice(1).every((part) => part === '*')) {
    return { severity: 'warning', reason: `every action of service ${parts[0]}` };
  }
  return undefined;
}

function coversAssume(action: string): boolean {
  const pattern = new RegExp(`^${action.split('*').map(escapeRegExp).join('.*')}$`, 'i');
  return assumeActions.some((assume) => pattern.test(assume));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * True when every resource is known and names something narrower than everything. A resource
 * whose value is unknown counts as narrow, so that an unresolved variable gives no finding.
 */
function hasNarrowResource(resources: Array<string | undefined> | undefined): boolean {
  if (!resources || resources.length === 0) return false;
  return resources.every((resource) => resource === undefined || (resource !== '*' && !resource.endsWith(':*')));
}

/** Lists the custom policies granted to agencies in scope, each once. */
function grantedPolicies(context: ModuleContext): GrantedPolicy[] {
  const byKey = new Map<string, GrantedPolicy>();
  const grant = (block: Block, documentAttribute: GrantedPolicy['documentAttribute'], agency: ScopedAgency): void => {
    const key = `${block.labels[0]}.${block.labels[1]}`;
    const policy = byKey.get(key) ?? { key, block, documentAttribute, agencies: [] };
    if (!policy.agencies.includes(agency)) policy.agencies.push(agency);
    byKey.set(key, policy);
  };
  const agencies = agenciesInScope(context);
  for (const agency of agencies) {
    for (const entry of agencyRoles(context, agency.block)) {
      if (entry.kind === 'known' && entry.customRole) grant(entry.customRole, 'policy', agency);
    }
  }
  for (const type of policyAttachTypes) {
    for (const attach of context.resourcesOfType(type)) {
      const agencyRefs = referencesOf(attach, 'agency_id');
      const policyRefs = referencesOf(attach, 'policy_id');
      for (const agency of agencies.filter((candidate) => agencyRefs.includes(candidate.key))) {
        for (const policyKey of policyRefs) {
          const block = context.module.resources.get(policyKey);
          if (block && policyTypes.has(block.labels[0])) grant(block, 'policy_document', agency);
        }
      }
    }
  }
  return [...byKey.values()];
}

function referencesOf(block: Block, attribute: string): string[] {
  const value = block.attributes.get(attribute);
  return value ? resourceReferences(value.expr) : [];
}

/**
 * Reads the statements of a policy document: an HCL object inside `jsonencode(...)` is walked
 * directly, and any other value (heredoc, quoted string, `file()`) is evaluated and parsed as JSON.
 */
function policyStatements(context: ModuleContext, expr: Expression): Statement[] {
  const value = resolve(context, expr);
  if (value.kind === 'call' && value.name === 'jsonencode' && value.args.length === 1) {
    return hclStatements(context, value.args[0]);
  }
  const statements: Statement[] = [];
  // NOTE: a document the evaluator cannot resolve (a variable with no value) gives no finding.
  for (const alternative of context.evaluate(expr)) {
    for (const piece of alternative) {
      if (piece.kind === 'text') statements.push(...textStatements(context, piece));
    }
  }
  return statements;
}

/** Follows `"${...}"` wrappers, variables and locals to the expression that gives a value. */
function resolve(context: ModuleContext, expr: Expression): Expression {
  let current = unwrapTemplate(expr);
  for (let depth = 0; depth < 8 && current.kind === 'reference'; depth++) {
    const target = referencedValue(context, current.path);
    if (!target) break;
    current = unwrapTemplate(target);
  }
  return current;
}

function hclStatements(context: ModuleContext, expr: Expression): Statement[] {
  const document = resolve(context, expr);
  const statementValue = document.kind === 'object' ? entryValue(document, 'Statement') : undefined;
  if (!statementValue) return [];
  const resolved = resolve(context, statementValue);
  const objects = resolved.kind === 'tuple' ? resolved.items.map((item) => resolve(context, item)) : [resolved];
  return objects
    .filter((object) => object.kind === 'object')
    .map((object) => {
      const effect = entryValue(object, 'Effect');
      const resources = entryValue(object, 'Resource');
      return {
        effect: effect && knownText(context, effect),
        actions: hclActions(context, entryValue(object, 'Action')),
        resources: resources && hclStrings(context, resources).map((item) => knownText(context, item)),
      };
    });
}

function entryValue(object: Expression, key: string): Expression | undefined {
  if (object.kind !== 'object') return undefined;
  return object.entries.find((entry) => entry.key === key)?.value;
}

/** Lists the string items of an HCL value: the items of a list, or the value itself. */
function hclStrings(context: ModuleContext, expr: Expression): Expression[] {
  const value = resolve(context, expr);
  return value.kind === 'tuple' ? value.items : [expr];
}

function hclActions(context: ModuleContext, expr: Expression | undefined): ActionString[] {
  if (!expr) return [];
  const inArray = resolve(context, expr).kind === 'tuple';
  const actions: ActionString[] = [];
  for (const item of hclStrings(context, expr)) {
    const value = knownText(context, item);
    if (value === undefined) continue;
    const raw = JSON.stringify(value);
    actions.push({
      value,
      file: item.file.path,
      start: item.span.start,
      end: item.span.end,
      replace: (replacement) => replaceHclExpression(context, item, raw, actionsJson(replacement, inArray)),
    });
  }
  return actions;
}

/** Parses an evaluated policy text as JSON and reads its statements, with host positions. */
function textStatements(context: ModuleContext, piece: TextPiece): Statement[] {
  const root = parseTree(piece.text, [], { allowTrailingComma: true });
  const statementNode = root && findNodeAtLocation(root, ['Statement']);
  if (!statementNode) return [];
  const objects = statementNode.type === 'array' ? statementNode.children ?? [] : [statementNode];
  return objects
    .filter((object) => object.type === 'object')
    .map((object) => {
      const effect = findNodeAtLocation(object, ['Effect']);
      const resources = findNodeAtLocation(object, ['Resource']);
      return {
        effect: effect && stringValue(piece, effect),
        actions: textActions(context, piece, findNodeAtLocation(object, ['Action'])),
        resources: resources && jsonStrings(resources).map((node) => stringValue(piece, node)),
      };
    });
}

function jsonStrings(node: JsonNode): JsonNode[] {
  return node.type === 'array' ? node.children ?? [] : [node];
}

/** Returns a JSON string's value, or undefined when it is not a string or contains a placeholder. */
function stringValue(piece: TextPiece, node: JsonNode): string | undefined {
  if (node.type !== 'string' || typeof node.value !== 'string') return undefined;
  const end = node.offset + node.length;
  const holed = piece.placeholders.some((hole) => hole.start < end && hole.end > node.offset);
  return holed ? undefined : node.value;
}

function textActions(context: ModuleContext, piece: TextPiece, node: JsonNode | undefined): ActionString[] {
  if (!node) return [];
  const inArray = node.type === 'array';
  const actions: ActionString[] = [];
  for (const item of jsonStrings(node)) {
    const value = stringValue(piece, item);
    if (value === undefined) continue;
    const host = piece.map.rangeToHost(item.offset, item.offset + item.length);
    actions.push({
      value,
      file: piece.map.file,
      start: host.start,
      end: host.end,
      replace: (replacement) =>
        replaceInPiece(context, piece, item.offset, item.offset + item.length, actionsJson(replacement, inArray)),
    });
  }
  return actions;
}
