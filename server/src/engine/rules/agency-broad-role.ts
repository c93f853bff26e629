import { readOnlyRoleFix, removeRoleFix } from '../fixes/agencyRoles';
import type { Finding, Fix } from '../types';
import {
  agenciesInScope,
  agencyRoles,
  describeAgency,
  describeCarriers,
  roleSeverity,
  sourceText,
  type KnownRole,
  type ScopedAgency,
  type UnknownRole,
} from './agencies';
import type { RuleMeta } from './registry';
import type { ModuleContext, ModuleRule } from './rule';

const meta: RuleMeta = {
  id: 'agency-broad-role',
  title: 'Agency used by servers grants a broad system role',
  summary:
    'An agency that servers carry, or that trusts ECS, grants a broad system role such as ' +
    'Tenant Administrator or a <Service> FullAccess role. Any process that can read instance ' +
    'metadata on those servers gets temporary credentials with these permissions.',
  defaultSeverity: 'warning',
};

export const agencyBroadRole: ModuleRule = {
  meta,
  check(context) {
    const findings: Finding[] = [];
    for (const agency of agenciesInScope(context)) {
      for (const entry of agencyRoles(context, agency.block)) {
        const finding = entry.kind === 'known' ? checkRole(context, agency, entry) : unknownRole(context, agency, entry);
        if (finding) findings.push(finding);
      }
    }
    return findings;
  },
};

function checkRole(context: ModuleContext, agency: ScopedAgency, entry: KnownRole): Finding | undefined {
  if (entry.customRole) return undefined;
  const severity = roleSeverity(entry.role);
  if (!severity) return undefined;

  const { item } = entry;
  const scope = entry.list === 'all_resources_roles' ? ', which applies the role to every project' : '';
  return {
    ruleId: meta.id,
    severity,
    message:
      `Agency ${describeAgency(agency)} grants the broad role "${entry.role}" in ${entry.list}${scope}. ` +
      describeCarriers(agency),
    location: context.location(item.file.path, item.span.start, item.span.end),
    related: [relatedAgency(context, agency)],
    fixes: roleFixes(context, entry),
  };
}

/** Offers removal first when the list keeps other roles, then the read-only replacement. */
function roleFixes(context: ModuleContext, entry: KnownRole): Fix[] {
  const remove = removeRoleFix(context, entry, true);
  const replace = readOnlyRoleFix(context, entry, remove === undefined);
  return [remove, replace].filter((fix): fix is Fix => fix !== undefined);
}

function unknownRole(context: ModuleContext, agency: ScopedAgency, entry: UnknownRole): Finding {
  const { item } = entry;
  return {
    ruleId: meta.id,
    severity: 'info',
    message:
      `Cannot check role ${sourceText(item)} in ${entry.list} of agency ${describeAgency(agency)}: ` +
      `${entry.reason}. ${describeCarriers(agency)}`,
    location: context.location(item.file.path, item.span.start, item.span.end),
    related: [relatedAgency(context, agency)],
    fixes: [],
    unknownValue: true,
  };
}

function relatedAgency(context: ModuleContext, agency: ScopedAgency) {
  const { block } = agency;
  const label = block.labelSpans[block.labelSpans.length - 1] ?? block.span;
  return {
    location: context.location(block.file.path, label.start, label.end),
    message: `Agency ${agency.key} is defined here.`,
  };
}
