import type { FirewallRule, IneffectiveReason, ScriptFacts } from '../scripts/facts';
import type { Alternative, TextPiece } from '../terraform/evaluate';
import { SourceMap } from '../text';
import { getAttribute, resourceReferences } from '../terraform/lookup';
import type { Attribute, Block, Expression } from '../terraform/model';
import type { Finding, RelatedLocation } from '../types';
import { buildFirewallFixes, guestOs } from '../fixes/insertFirewallRule';
import { attachedAgency, broadestRole } from './agencies';
import { analyzeBootScript, userDataOfPiece } from './bootScripts';
import type { ModuleContext, ModuleRule } from './rule';
import type { RuleMeta } from './registry';
import { provisionerHostTypes, scalingGroupTypes, serverKinds, type ServerKind } from './servers';

const meta: RuleMeta = {
  id: 'ecs-metadata-unrestricted',
  title: 'Server metadata is open to every process on the server',
  summary:
    'A Huawei Cloud server is created with instance metadata open to every user on it, and ' +
    'nothing in the configuration restricts it: no guest firewall rule in its boot script and no ' +
    'call that changes its metadata options.',
  defaultSeverity: 'warning',
};

/** How far one boot script, or all of a server's boot scripts, limits metadata access. */
export type BootStatus = 'restricted' | 'open' | 'unknown';

/** The rule's view of one server's boot scripts. */
export interface BootAssessment {
  status: BootStatus;
  /** Boot script attributes that are present. */
  attributes: Attribute[];
  /** The alternatives of each present attribute that leave metadata open. */
  openAlternatives: Alternative[];
  /** Reasons the outcome is unknown, one per unresolved expression. */
  unknownReasons: string[];
  /** Firewall rules aimed at the metadata address that do not restrict non-root users. */
  ineffectiveRules: FirewallRule[];
  /** True when another value of the same attribute (a conditional's other branch) has the rule. */
  someRestricted?: boolean;
}

/** A server's attached agency, as far as the configuration shows it. */
export interface AgencyAttachment {
  display: string;
  attribute: Attribute;
  /** The broadest system role the agency holds, when its block is in this module. */
  broadestRole?: { role: string; list: string };
}

/** Explains each reason why a firewall rule does not restrict non-root users. */
export const reasonTexts: Record<IneffectiveReason, string> = {
  'chain-input': 'chain INPUT filters incoming traffic',
  'chain-forward': 'chain FORWARD filters routed traffic, not the server\'s own processes',
  'chain-docker-user': 'chain DOCKER-USER filters container traffic, not the server\'s own processes',
  'chain-other': 'the chain is not OUTPUT',
  'target-accept': 'its target is ACCEPT',
  'nat-table': 'it is a nat table rule',
  'udp-only': 'it matches UDP only, and the metadata service uses TCP',
  'owner-non-root': 'its owner match exempts a user other than root',
  'direction-inbound': 'it filters inbound traffic',
  'action-allow': 'its action is Allow',
  'delete-rule': 'it deletes a rule instead of adding one',
  'address-near-miss': 'its destination is not 169.254.169.254, the metadata address',
  'port-other': 'it matches destination ports other than 80, where the metadata service listens',
  'shadowed-by-accept': 'an earlier ACCEPT rule in the same chain lets users through before it',
  'flushed-later': 'a later iptables -F removes it',
  'deleted-later': 'a later iptables -D deletes it',
  'after-exit': 'the script exits before it',
  'never-called': 'it is in code that never runs (a function the script never calls, or a branch under if false or while false)',
  'source-port': 'it matches a fixed source port, and requests leave from ephemeral ports',
};

export const ecsMetadataUnrestricted: ModuleRule = {
  meta,
  check(context) {
    const hardened = serversWithMetadataOptionsStep(context);
    const findings: Finding[] = [];
    for (const [key, block] of context.module.resources) {
      const kind = serverKinds.get(block.labels[0]);
      if (!kind || hardened.has(key)) continue;
      const finding = checkServer(context, block, kind);
      if (finding) findings.push(finding);
    }
    return findings;
  },
};

function checkServer(context: ModuleContext, block: Block, kind: ServerKind): Finding | undefined {
  const boot = assessBootScripts(context, block, kind);
  if (boot.status === 'restricted') return undefined;

  const name = `${block.labels[0]}.${block.labels[1] ?? ''}`;
  const location = labelLocation(context, block);
  const related = relatedLocations(context, boot);
  if (boot.status === 'unknown') {
    return {
      ruleId: meta.id,
      severity: 'info',
      message: `Cannot verify that ${name} restricts instance metadata: ${boot.unknownReasons.join('; ')}.`,
      location,
      related,
      fixes: [],
      unknownValue: true,
    };
  }
  const agency = findAgency(context, block, kind);
  if (agency) {
    const scoped = attachedAgency(context, name);
    const role = scoped && broadestRole(context, scoped.block);
    if (role) agency.broadestRole = role;
  }
  return {
    ruleId: meta.id,
    severity: agency ? 'error' : 'warning',
    message: openMessage(name, { ...boot, hasBootScript: boot.attributes.length > 0 }, agency),
    location,
    related,
    fixes: buildFirewallFixes(context, block, kind, boot, guestOs(context, block, boot)),
  };
}

/**
 * Locates a resource by its labels on the header line. In `.tf.json` the type and the name are
 * keys on separate lines, so the name key alone is used.
 */
function labelLocation(context: ModuleContext, block: Block) {
  const last = block.labelSpans[block.labelSpans.length - 1];
  const first = block.file.syntax === 'json' ? last : block.labelSpans[0];
  const text = block.file.text;
  const quoted = text[first.start - 1] === '"' && text[last.end] === '"';
  return context.location(block.file.path, quoted ? first.start - 1 : first.start, quoted ? last.end + 1 : last.end);
}

/** Builds the message for a server whose metadata is open, naming its agency when one is attached. */
export function openMessage(
  name: string,
  boot: Pick<BootAssessment, 'ineffectiveRules' | 'someRestricted'> & { hasBootScript: boolean },
  agency: Pick<AgencyAttachment, 'display' | 'broadestRole'> | undefined,
): string {
  let cause: string;
  if (!boot.hasBootScript) {
    cause = 'it has no boot script (user data) with a guest firewall rule that limits 169.254.169.254 to root';
  } else if (boot.someRestricted) {
    cause =
      'one of the values its boot script can take (a conditional or a variable) has no guest ' +
      'firewall rule that limits 169.254.169.254 to root, while another value has one';
  } else if (boot.ineffectiveRules.length > 0) {
    const reasons = [...new Set(boot.ineffectiveRules.flatMap((rule) => rule.reasons))];
    cause = `the firewall rule in its boot script does not restrict non-root users (${reasons.map((r) => reasonTexts[r]).join('; ')})`;
  } else {
    cause = 'its boot script has no guest firewall rule that limits 169.254.169.254 to root';
  }
  let message =
    `${name} leaves instance metadata open to every process on the server: ${cause}, ` +
    'and no step changes its metadata options.';
  if (agency) {
    const role = agency.broadestRole ? ` with role "${agency.broadestRole.role}" in ${agency.broadestRole.list}` : '';
    message += ` Agency ${agency.display} is attached${role}, so any process can also read its temporary credentials.`;
  }
  return message;
}

/** Evaluates every boot script attribute of a server and decides whether one restricts metadata. */
export function assessBootScripts(context: ModuleContext, block: Block, kind: ServerKind): BootAssessment {
  const assessment: BootAssessment = {
    status: 'open',
    attributes: [],
    openAlternatives: [],
    unknownReasons: [],
    ineffectiveRules: [],
  };
  const statuses: BootStatus[] = [];
  for (const path of kind.bootScripts) {
    const attribute = getAttribute(block, path);
    if (!attribute || isEmptyValue(attribute.expr)) continue;
    assessment.attributes.push(attribute);
    statuses.push(assessAttribute(context, attribute, assessment));
  }
  if (statuses.includes('restricted')) assessment.status = 'restricted';
  else if (statuses.includes('unknown')) assessment.status = 'unknown';
  return assessment;
}

function assessAttribute(context: ModuleContext, attribute: Attribute, assessment: BootAssessment): BootStatus {
  let status: BootStatus = 'restricted';
  for (const alternative of context.evaluate(attribute.expr)) {
    const outcome = assessAlternative(context, alternative, assessment);
    if (outcome === 'restricted') {
      assessment.someRestricted = true;
    } else if (outcome === 'open') {
      assessment.openAlternatives.push(alternative);
      status = 'open';
    } else if (outcome === 'unknown' && status !== 'open') {
      status = 'unknown';
    }
  }
  return status;
}

function assessAlternative(context: ModuleContext, alternative: Alternative, assessment: BootAssessment): BootStatus {
  let unknown = false;
  for (const piece of alternative) {
    if (piece.kind === 'unknown') {
      assessment.unknownReasons.push(piece.reason);
      unknown = true;
      continue;
    }
    const userData = userDataOfPiece(piece);
    for (const error of userData.errors.slice(0, 1)) {
      assessment.unknownReasons.push(`its cloud-config user data could be read only in part (${error.message.split('\n')[0]})`);
      unknown = true;
    }
    const factsList = userData.scripts.map((boot) => analyzeBootScript(context, piece, boot));
    if (assessFacts(factsList, assessment) === 'restricted') return 'restricted';
    if (restrictsWithKnownSequences(context, piece)) return 'restricted';
    if (userData.format !== 'script') continue;
    const hole = wholeLinePlaceholder(context, piece);
    if (hole !== undefined) {
      assessment.unknownReasons.push(`the template sequence ${hole} fills a whole line of the boot script and its value is unknown`);
      unknown = true;
    }
  }
  return unknown ? 'unknown' : 'open';
}

/**
 * Decides from the analysed boot scripts of one user data value whether an effective rule
 * restricts metadata; otherwise records the ineffective rules and returns `open`. Terraform and
 * Ansible servers share it.
 */
export function assessFacts(factsList: ScriptFacts[], assessment: BootAssessment): 'restricted' | 'open' {
  for (const facts of factsList) {
    if (facts.firewallRules.some((rule) => rule.effective)) return 'restricted';
  }
  for (const facts of factsList) assessment.ineffectiveRules.push(...facts.firewallRules.filter((rule) => !rule.effective));
  return 'open';
}

/**
 * Tells whether the script restricts metadata once its template sequences whose values are known
 * (`${local.rule}` where the local is a plain string) are filled in. Sequences stay placeholders
 * in the piece itself, because fixes edit the piece's verbatim text. The filled text serves
 * only this decision.
 */
function restrictsWithKnownSequences(context: ModuleContext, piece: TextPiece): boolean {
  if (piece.placeholders.length === 0) return false;
  let text = piece.text;
  for (const placeholder of [...piece.placeholders].reverse()) {
    const value = sequenceValue(context, piece, placeholder);
    if (value === undefined) return false;
    text = text.slice(0, placeholder.start) + value + text.slice(placeholder.end);
  }
  const map = SourceMap.opaque(piece.map.file, piece.map.fallbackStart, piece.map.fallbackEnd);
  const filled: TextPiece = { ...piece, text, map, placeholders: [] };
  const factsList = userDataOfPiece(filled).scripts.map((boot) => analyzeBootScript(context, filled, boot));
  return factsList.some((facts) => facts.firewallRules.some((rule) => rule.effective));
}

/**
 * Returns the known text of the HCL template sequence behind a placeholder, or undefined when
 * its value is unknown or the piece is not an inline HCL template (`templatefile()` holes).
 */
function sequenceValue(context: ModuleContext, piece: TextPiece, placeholder: { start: number }): string | undefined {
  const template = piece.expr;
  if (template.kind !== 'template') return undefined;
  if (piece.origin.kind !== 'hcl-heredoc' && piece.origin.kind !== 'hcl-quoted') return undefined;
  const hostStart = piece.map.toHost(placeholder.start);
  const part = template.parts.find((candidate) => candidate.kind === 'interpolation' && candidate.span.start === hostStart);
  return part?.kind === 'interpolation' && part.expr ? knownText(context, part.expr) : undefined;
}

/** Returns the value of an expression when it is one known text without template sequences. */
function knownText(context: ModuleContext, expr: Expression): string | undefined {
  const alternatives = context.evaluate(expr);
  const only = alternatives.length === 1 && alternatives[0].length === 1 ? alternatives[0][0] : undefined;
  return only?.kind === 'text' && only.placeholders.length === 0 ? only.text : undefined;
}

/**
 * Finds a template sequence whose value is unknown and that is alone on its line, so it may
 * expand to commands, including a firewall rule. A sequence inside a command line cannot add one.
 */
function wholeLinePlaceholder(context: ModuleContext, piece: TextPiece): string | undefined {
  for (const placeholder of piece.placeholders) {
    const lineStart = piece.text.lastIndexOf('\n', placeholder.start - 1) + 1;
    let lineEnd = piece.text.indexOf('\n', placeholder.end);
    if (lineEnd < 0) lineEnd = piece.text.length;
    const before = piece.text.slice(lineStart, placeholder.start);
    const after = piece.text.slice(placeholder.end, lineEnd);
    if (before.trim() === '' && after.trim() === '' && sequenceValue(context, piece, placeholder) === undefined) {
      return sourceTextOf(context, piece, placeholder.start, placeholder.end);
    }
  }
  return undefined;
}

function sourceTextOf(context: ModuleContext, piece: TextPiece, start: number, end: number): string {
  const host = piece.map.rangeToHost(start, end);
  const text = context.lines(piece.map.file)?.text.slice(host.start, host.end) ?? '';
  return text.length > 0 && text.length <= 80 ? `"${text}"` : 'at this position';
}

function isEmptyValue(expr: Expression): boolean {
  if (expr.kind === 'null') return true;
  if (expr.kind !== 'template') return false;
  return expr.parts.length === 0 || expr.parts.every((part) => part.kind === 'literal' && part.text === '');
}

function relatedLocations(context: ModuleContext, boot: BootAssessment): RelatedLocation[] {
  const related: RelatedLocation[] = [];
  for (const attribute of boot.attributes) {
    const file = attribute.expr.file.path;
    related.push({
      location: context.location(file, attribute.nameSpan.start, attribute.nameSpan.end),
      message: `Boot script ${attribute.name} is set here.`,
    });
  }
  const files = new Set<string>();
  for (const alternative of boot.openAlternatives) {
    for (const piece of alternative) {
      if (piece.kind === 'text' && piece.origin.kind === 'file') files.add(piece.origin.path);
    }
  }
  for (const file of files) {
    related.push({ location: context.location(file, 0, 0), message: 'The boot script is read from this file.' });
  }
  for (const rule of boot.ineffectiveRules) {
    related.push({
      location: context.location(rule.span.file, rule.span.start, rule.span.end),
      message: `This rule does not restrict non-root users: ${rule.reasons.map((r) => reasonTexts[r]).join('; ')}.`,
    });
  }
  return related;
}

/** Finds the agency a server carries: on the resource itself, or on a scaling group that uses it. */
export function findAgency(context: ModuleContext, block: Block, kind: ServerKind): AgencyAttachment | undefined {
  for (const path of kind.agency) {
    const attribute = getAttribute(block, path);
    if (attribute && !isEmptyValue(attribute.expr)) return { display: agencyDisplay(context, attribute), attribute };
  }
  if (block.labels[0] !== 'huaweicloud_as_configuration') return undefined;
  const ownKey = `${block.labels[0]}.${block.labels[1]}`;
  for (const groupType of scalingGroupTypes) {
    for (const group of context.resourcesOfType(groupType)) {
      const configuration = group.attributes.get('scaling_configuration_id');
      if (!configuration || !resourceReferences(configuration.expr).includes(ownKey)) continue;
      const attribute = group.attributes.get('agency_name');
      if (attribute && !isEmptyValue(attribute.expr)) return { display: agencyDisplay(context, attribute), attribute };
    }
  }
  return undefined;
}

function agencyDisplay(context: ModuleContext, attribute: Attribute): string {
  const only = attribute.expr.kind === 'template' && attribute.expr.parts.length === 1 ? attribute.expr.parts[0] : undefined;
  // `.tf.json` writes a reference as a string holding one sequence: `"${huaweicloud_identity_agency.x.name}"`.
  const expr = only?.kind === 'interpolation' && only.expr ? only.expr : attribute.expr;
  // `huaweicloud_identity_agency.x.name` is shown as the agency's own name where it is known.
  if (expr.kind === 'reference' && expr.path.length === 3 && expr.path[2] === 'name') {
    const agency = context.module.resources.get(`${expr.path[0]}.${expr.path[1]}`);
    const name = agency?.attributes.get('name');
    if (name) return agencyDisplay(context, name);
  }
  const values = context.evaluate(expr);
  const first = values[0]?.[0];
  if (values.length === 1 && values[0].length === 1 && first?.kind === 'text' && first.placeholders.length === 0) {
    return `"${first.text}"`;
  }
  const span = attribute.expr.span;
  return attribute.expr.file.text.slice(span.start, span.end);
}

/**
 * Finds servers hardened by a `terraform_data` or `null_resource` whose `local-exec` command
 * requires token (V2) requests or disables metadata, and that refers to the server.
 */
function serversWithMetadataOptionsStep(context: ModuleContext): Set<string> {
  const hardened = new Set<string>();
  for (const type of provisionerHostTypes) {
    for (const block of context.resourcesOfType(type)) {
      if (!hasMetadataOptionsCommand(context, block)) continue;
      for (const reference of blockReferences(block)) hardened.add(reference);
    }
  }
  return hardened;
}

function hasMetadataOptionsCommand(context: ModuleContext, block: Block): boolean {
  for (const provisioner of block.blocks) {
    if (provisioner.type !== 'provisioner' || provisioner.labels[0] !== 'local-exec') continue;
    const command = provisioner.attributes.get('command');
    if (!command) continue;
    for (const alternative of context.evaluate(command.expr)) {
      for (const piece of alternative) {
        if (piece.kind !== 'text') continue;
        const calls = context.analyzeScript(piece).metadataOptionsCalls;
        if (calls.some((call) => call.httpTokens === 'required' || call.httpEndpoint === 'disabled')) return true;
      }
    }
  }
  return false;
}

function blockReferences(block: Block): string[] {
  const references: string[] = [];
  for (const attribute of block.attributes.values()) references.push(...resourceReferences(attribute.expr));
  for (const nested of block.blocks) references.push(...blockReferences(nested));
  return references;
}
