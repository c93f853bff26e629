import type { FirewallForm, FirewallRule, IneffectiveReason, ScriptSource } from './facts';
import type { ChainFlush } from './netfilter';
import { insideAny, type ScriptRange } from './syntax';
import { hostSpan } from './values';

/** The traffic class of a rule's chain, or of its direction on Windows. */
export type ChainKind = 'output' | 'input' | 'forward' | 'docker-user' | 'other' | 'unknown';

/** The owner match of a rule. `not-root` exempts root, or Administrator on Windows. */
export type OwnerKind = 'none' | 'not-root' | 'root' | 'user' | 'not-user' | 'unknown';

/**
 * A firewall rule aimed at the metadata address, reduced to what decides whether it restricts
 * non-root users. Every syntax (iptables, nft, ufw, firewalld, rules files, Windows) is read into
 * this shape, so one evaluation covers them all.
 */
export interface RuleDraft {
  form: FirewallForm;
  op: 'append' | 'insert' | 'delete';
  /** 1-based position for `insert`; the head of the chain when absent. */
  insertAt?: number;
  table: 'filter' | 'nat' | 'unknown';
  /**
   * The iptables table as written (`mangle`, `raw`), when it is not the default filter table.
   * Mangle, raw and security rules count as filter rules, but only a flush of their own table
   * removes them.
   */
  tableName?: string;
  chain: ChainKind;
  protocol: 'tcp' | 'all' | 'udp' | 'other' | 'unknown';
  owner: OwnerKind;
  target: 'block' | 'accept' | 'other' | 'unknown';
  address: string;
  persistent: boolean;
  /** Script offsets of the rule. */
  start: number;
  end: number;
  /** Rules with the same key share one ordered chain, which decides the two-rule form. */
  listKey: string;
  /**
   * True when the destination is a near miss of the metadata address (`169.254.169.253`) in a
   * rule that otherwise has the shape of a metadata rule.
   */
  nearMiss?: boolean;
  /** firewalld direct-rule priority; lower priorities are matched first. */
  priority?: number;
  /**
   * Whether the destination ports the rule names include 80, where the metadata service listens:
   * `all` when it names none.
   */
  ports?: 'all' | 'includes-80' | 'excludes-80' | 'source-port' | 'unknown';
}

const windowsForms: FirewallForm[] = ['new-netfirewallrule', 'netsh'];

function chainReason(draft: RuleDraft): IneffectiveReason | undefined {
  const windows = windowsForms.includes(draft.form);
  switch (draft.chain) {
    case 'input':
      return windows ? 'direction-inbound' : 'chain-input';
    case 'forward':
      return 'chain-forward';
    case 'docker-user':
      return 'chain-docker-user';
    case 'other':
      return 'chain-other';
    default:
      return undefined;
  }
}

function ownerReason(draft: RuleDraft): IneffectiveReason | undefined {
  if (draft.target === 'accept') return undefined;
  // NOTE: an owner match on root alone (`--uid-owner 0 -j DROP`) blocks only root. No reason value
  // names that case, so it shares 'owner-non-root' with matches on other users.
  const exempts = ['root', 'user', 'not-user'];
  return exempts.includes(draft.owner) ? 'owner-non-root' : undefined;
}

/** Lists why a rule does not restrict non-root users, ignoring the two-rule form. */
export function reasonsFor(draft: RuleDraft): IneffectiveReason[] {
  const acceptReason = windowsForms.includes(draft.form) ? 'action-allow' : 'target-accept';
  const reasons: Array<IneffectiveReason | undefined> = [
    draft.nearMiss ? 'address-near-miss' : undefined,
    draft.op === 'delete' ? 'delete-rule' : undefined,
    draft.table === 'nat' ? 'nat-table' : undefined,
    chainReason(draft),
    draft.protocol === 'udp' ? 'udp-only' : undefined,
    draft.ports === 'excludes-80' ? 'port-other' : undefined,
    draft.ports === 'source-port' ? 'source-port' : undefined,
    draft.target === 'accept' ? acceptReason : undefined,
    ownerReason(draft),
  ];
  return reasons.filter((reason): reason is IneffectiveReason => reason !== undefined);
}

/** Names the parts of a rule whose value is unknown. */
export function unknownParts(draft: RuleDraft): string[] {
  const parts: string[] = [];
  if (draft.table === 'unknown') parts.push('table');
  if (draft.chain === 'unknown') parts.push('chain');
  if (draft.protocol === 'unknown') parts.push('protocol');
  if (draft.owner === 'unknown') parts.push('owner');
  if (draft.target === 'unknown') parts.push('target');
  if (draft.ports === 'unknown') parts.push('port');
  return parts;
}

function blocksRootFor(draft: RuleDraft, reasons: IneffectiveReason[]): boolean {
  if (draft.target !== 'block' || draft.owner === 'unknown' || draft.owner === 'not-root') return false;
  return reasons.every((reason) => reason === 'owner-non-root');
}

function toRule(source: ScriptSource, draft: RuleDraft): FirewallRule {
  const reasons = reasonsFor(draft);
  const unknown = unknownParts(draft);
  const rule: FirewallRule = {
    form: draft.form,
    effective: reasons.length === 0 && unknown.length === 0,
    reasons,
    blocksRoot: unknown.length === 0 && blocksRootFor(draft, reasons),
    address: draft.address,
    persistentByItself: draft.persistent,
    span: hostSpan(source, draft.start, draft.end),
  };
  if (unknown.length > 0) rule.unknownValues = unknown;
  return rule;
}

/** Groups drafts by chain, each group in the order the kernel would see it. */
function orderedChains(drafts: RuleDraft[]): RuleDraft[][] {
  const byList = new Map<string, RuleDraft[]>();
  for (const draft of drafts) byList.set(draft.listKey, [...(byList.get(draft.listKey) ?? []), draft]);
  return [...byList.values()].map(simulateChain);
}

/** Orders the rules of one chain as the kernel would see them after every command ran. */
function simulateChain(drafts: RuleDraft[]): RuleDraft[] {
  const chain: RuleDraft[] = [];
  for (const draft of drafts) {
    if (draft.op === 'append') chain.push(draft);
    else if (draft.op === 'insert') chain.splice(Math.max(0, (draft.insertAt ?? 1) - 1), 0, draft);
  }
  return chain.map((draft, index) => ({ draft, index }))
    .sort((a, b) => (a.draft.priority ?? 0) - (b.draft.priority ?? 0) || a.index - b.index)
    .map((entry) => entry.draft);
}

function isRootAccept(draft: RuleDraft): boolean {
  const reasons = reasonsFor(draft);
  const onlyAccept = reasons.length === 1 && reasons[0] === 'target-accept';
  const protocolCovers = draft.protocol === 'tcp' || draft.protocol === 'all';
  return onlyAccept && draft.owner === 'root' && protocolCovers && unknownParts(draft).length === 0;
}

/** Links each ACCEPT-for-root rule to a later block-all rule in the same chain. */
function findPairs(drafts: RuleDraft[], rules: Map<RuleDraft, FirewallRule>): void {
  for (const chain of orderedChains(drafts)) {
    for (let j = 0; j < chain.length; j++) {
      const block = rules.get(chain[j]) as FirewallRule;
      if (!block.effective || !block.blocksRoot || chain[j].owner !== 'none') continue;
      const accept = chain.slice(0, j).find(isRootAccept);
      if (!accept) continue;
      const acceptRule = rules.get(accept) as FirewallRule;
      Object.assign(acceptRule, { effective: true, reasons: [], blocksRoot: false, pairedWith: block.span });
      Object.assign(block, { blocksRoot: false, pairedWith: acceptRule.span });
    }
  }
}

/**
 * Marks rules added at run time that a later `iptables -F` of their chain (or of every chain in
 * their table), or a later `-D` of the same rule, removes. Rules written to a rules file are not
 * affected.
 */
function findFlushed(drafts: RuleDraft[], rules: Map<RuleDraft, FirewallRule>, flushes: ChainFlush[]): void {
  for (const draft of drafts) {
    if (!draft.listKey.startsWith(`${draft.form}:`)) continue;
    // Nat rules are ineffective already, and a rule in an unknown table may be in any table.
    const flushed = draft.table === 'filter' && flushes.some((flush) =>
      flush.form === draft.form && flush.start > draft.start && flush.tableName === (draft.tableName ?? 'filter') &&
      (flush.chain === undefined || flush.chain === draft.chain));
    if (flushed) {
      Object.assign(rules.get(draft) as FirewallRule, { effective: false, reasons: ['flushed-later'], blocksRoot: false });
    } else if (draft.op !== 'delete' && drafts.some((other) => deletes(other, draft))) {
      Object.assign(rules.get(draft) as FirewallRule, { effective: false, reasons: ['deleted-later'], blocksRoot: false });
    }
  }
}

/** True when `other` is a later `-D` of the same rule as `draft`. */
function deletes(other: RuleDraft, draft: RuleDraft): boolean {
  return other.op === 'delete' && other.start > draft.start && other.listKey === draft.listKey &&
    other.protocol === draft.protocol && other.owner === draft.owner && other.target === draft.target &&
    other.address === draft.address && other.ports === draft.ports;
}

/**
 * True for an ACCEPT that lets some non-root user reach the metadata service on port 80: for
 * every user, every non-root user, or one named user other than root.
 */
function isOpenAccept(draft: RuleDraft): boolean {
  const protocolCovers = draft.protocol === 'tcp' || draft.protocol === 'all';
  const ownerCovers = draft.owner === 'none' || draft.owner === 'not-root' || draft.owner === 'user';
  const portCovers = draft.ports !== 'excludes-80' && draft.ports !== 'source-port';
  return draft.target === 'accept' && draft.op !== 'delete' && protocolCovers && ownerCovers && portCovers && !draft.nearMiss;
}

/**
 * Clears the finding on an ACCEPT for root that comes before an effective block rule in the
 * same chain: root keeps its access either way, so the ACCEPT is harmless.
 */
function findRedundantRootAccepts(drafts: RuleDraft[], rules: Map<RuleDraft, FirewallRule>): void {
  for (const chain of orderedChains(drafts)) {
    chain.forEach((draft, index) => {
      if (!isRootAccept(draft)) return;
      const blocked = chain.slice(index + 1).some((later) => (rules.get(later) as FirewallRule).effective && later.target === 'block');
      if (blocked) Object.assign(rules.get(draft) as FirewallRule, { effective: true, reasons: [], blocksRoot: false });
    });
  }
}

/**
 * Marks block rules that an earlier ACCEPT in the same chain shadows: the kernel stops at the
 * first matching rule, so non-root users reach metadata before the block rule is tried.
 */
function findShadowed(drafts: RuleDraft[], rules: Map<RuleDraft, FirewallRule>): void {
  for (const chain of orderedChains(drafts)) {
    for (let j = 0; j < chain.length; j++) {
      const block = rules.get(chain[j]) as FirewallRule;
      if (!block.effective || chain[j].target !== 'block') continue;
      if (!chain.slice(0, j).some(isOpenAccept)) continue;
      Object.assign(block, { effective: false, reasons: ['shadowed-by-accept'], blocksRoot: false });
    }
  }
}

/**
 * Turns drafts into firewall rules in script order: each rule is judged on its own, then the
 * two-rule form (ACCEPT for root before REJECT or DROP for everyone) makes both rules effective.
 * Rules whose target or protocol cannot touch metadata traffic (LOG, ICMP) are left out.
 */
export function evaluateDrafts(source: ScriptSource, drafts: RuleDraft[], flushes: ChainFlush[] = []): FirewallRule[] {
  const relevant = drafts.filter((draft) => draft.target !== 'other' && draft.protocol !== 'other');
  const rules = new Map<RuleDraft, FirewallRule>();
  for (const draft of relevant) rules.set(draft, toRule(source, draft));
  findPairs(relevant, rules);
  findShadowed(relevant, rules);
  findFlushed(relevant, rules, flushes);
  findRedundantRootAccepts(relevant, rules);
  return relevant.map((draft) => rules.get(draft) as FirewallRule);
}

/**
 * Evaluates drafts like `evaluateDrafts`, except for drafts that start in code that never runs
 * (`neverRun`, script offsets of uncalled functions and `if false` branches). Those become
 * ineffective rules with the reason `never-called`, and they neither shadow nor flush the rules
 * that do run. The rules come back in script order.
 */
export function evaluateReachableDrafts(
  source: ScriptSource,
  drafts: RuleDraft[],
  neverRun: ScriptRange[],
  flushes: ChainFlush[] = [],
): FirewallRule[] {
  const sorted = [...drafts].sort((a, b) => a.start - b.start);
  const reached = sorted.filter((draft) => !insideAny(neverRun, draft.start));
  const unreached = sorted.filter((draft) => insideAny(neverRun, draft.start));
  const running = flushes.filter((flush) => !insideAny(neverRun, flush.start));
  const notRun = evaluateDrafts(source, unreached).map((rule): FirewallRule => ({
    ...rule, effective: false, reasons: ['never-called'], blocksRoot: false,
  }));
  return [...evaluateDrafts(source, reached, running), ...notRun].sort((a, b) => a.span.start - b.span.start);
}
