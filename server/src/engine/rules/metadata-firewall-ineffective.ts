import { bashRuleLines, powerShellRuleLines } from '../fixes/firewallSnippet';
import type { FirewallRule, IneffectiveReason } from '../scripts/facts';
import type { Finding, Fix, TextEdit } from '../types';
import { reasonTexts } from './ecs-metadata-unrestricted';
import type { RuleMeta } from './registry';
import { spanLocation, spanText, type ScriptRule, type ScriptTarget } from './scriptRule';

const meta: RuleMeta = {
  id: 'metadata-firewall-ineffective',
  title: 'Guest firewall rule does not limit metadata to root',
  summary:
    'A firewall rule aimed at 169.254.169.254 leaves non-root users able to reach instance ' +
    'metadata (wrong chain, direction or target, UDP only, or an owner match on another user), ' +
    'or blocks root and SYSTEM too, which cloud-init and agents need.',
  defaultSeverity: 'warning',
};

/** Reasons that concern other commands of the script, not the rule's own text. */
const removedReasons: IneffectiveReason[] = ['flushed-later', 'deleted-later', 'after-exit', 'never-called'];

export const metadataFirewallIneffective: ScriptRule = {
  meta,
  check(target) {
    const findings: Finding[] = [];
    const restricted = target.facts.firewallRules.some((rule) => rule.effective);
    for (const rule of target.facts.firewallRules) {
      // A FORWARD or DOCKER-USER rule protects containers. Beside a rule that restricts the
      // server's own users it is a second layer, not a mistake.
      if (restricted && isContainerRule(rule)) continue;
      if (!rule.effective && rule.reasons.length > 0) findings.push(ineffectiveFinding(target, rule));
      else if (rule.effective && rule.blocksRoot) findings.push(blocksRootFinding(target, rule));
    }
    return findings;
  },
};

function ineffectiveFinding(target: ScriptTarget, rule: FirewallRule): Finding {
  const reasons = rule.reasons.map((reason) => reasonTexts[reason]).join('; ');
  const users = isWindowsRule(rule) ? 'users other than Administrator and SYSTEM' : 'non-root users';
  return {
    ruleId: meta.id,
    severity: 'warning',
    message: `This firewall rule for ${rule.address} does not stop ${users} from reading instance metadata: ${reasons}.`,
    location: spanLocation(target, rule.span),
    related: [],
    fixes: rewriteFixes(target, rule),
  };
}

function isWindowsRule(rule: FirewallRule): boolean {
  return rule.form === 'new-netfirewallrule' || rule.form === 'netsh';
}

function blocksRootFinding(target: ScriptTarget, rule: FirewallRule): Finding {
  const accounts = isWindowsRule(rule) ? 'SYSTEM and Administrator' : 'root';
  return {
    ruleId: meta.id,
    severity: 'info',
    message:
      `This firewall rule blocks ${rule.address} for every user, ${accounts} included, so cloud-init and ` +
      'agents that read instance metadata lose it too. Exempt the administrator account.',
    location: spanLocation(target, rule.span),
    related: [],
    fixes: rewriteFixes(target, rule),
  };
}

/** Replaces an iptables or New-NetFirewallRule command with the documented form. */
function rewriteFixes(target: ScriptTarget, rule: FirewallRule): Fix[] {
  const rewrite = rewriteEdits(target, rule);
  if (!rewrite) return [];
  const { edits, saved } = rewrite;
  return [{
    title: isContainerRule(rule)
      ? 'Add a rule after this container rule so that only root reaches metadata (boot scripts run once: running servers are not changed)'
      : 'Rewrite the rule so that only the administrator account reaches metadata (boot scripts run once: running servers keep the old rule)',
    // A rewrite without the save it needs leaves a not-persistent finding behind, so Fix All
    // would change the script again. The user applies this fix and the next one by hand.
    isPreferred: saved,
    edits: [{ file: rule.span.file, edits: edits }],
  }];
}

/**
 * Builds the rewrite of a rule. `saved` is false when the rule needs a save that could not be
 * written with it, because a `runcmd` item contains one command.
 */
function rewriteEdits(target: ScriptTarget, rule: FirewallRule): { edits: TextEdit[]; saved: boolean } | undefined {
  const text = spanText(target, rule.span);
  if (text === undefined) return undefined;
  // A shadowed, flushed or deleted rule already has the documented form; the ACCEPT before it
  // or the command after it is what must go.
  const removedLater = removedReasons.some((reason) => rule.reasons.includes(reason));
  if (rule.reasons.includes('shadowed-by-accept') || removedLater) return undefined;
  if (rule.form === 'iptables' || rule.form === 'ip6tables') {
    if (rule.form === 'ip6tables' || !/^\s*(sudo\s+)?\S*iptables/.test(text)) return undefined;
    // The rewritten rule is saved too when the script runs once and nothing saves it later, so
    // that fixing it does not raise metadata-firewall-not-persistent in turn.
    const save = needsSave(target, rule);
    const lines = save ? bashRuleLines.slice(1) : bashRuleLines.slice(1, 2);
    if (isContainerRule(rule)) {
      // The container rule stays; the documented rule for the server's own users goes after it.
      const added = target.editor.insertLines(rule.span.end, lines, 'after', rule.span.start);
      return added ? { edits: [added], saved: true } : undefined;
    }
    const withSave = lines.length > 1 ? target.editor.replaceLines(rule.span.start, rule.span.end, lines) : undefined;
    if (withSave) return { edits: [withSave], saved: true };
    const edit = target.editor.replace(rule.span.start, rule.span.end, bashRuleLines[1]);
    return edit ? { edits: [edit], saved: !save } : undefined;
  }
  if (rule.form === 'new-netfirewallrule') {
    const edit = target.editor.replaceLines(rule.span.start, rule.span.end, powerShellRuleLines.slice(1));
    return edit ? { edits: [edit], saved: true } : undefined;
  }
  // NOTE: nft, firewalld, ufw, netsh and rules-file lines get no rewrite yet.
  return undefined;
}

function needsSave(target: ScriptTarget, rule: FirewallRule): boolean {
  if (target.boot.runs !== 'once') return false;
  return !target.facts.saves.some((save) => save.span.file === rule.span.file && save.span.start >= rule.span.end);
}

function isContainerRule(rule: FirewallRule): boolean {
  return rule.reasons.length === 1 && (rule.reasons[0] === 'chain-forward' || rule.reasons[0] === 'chain-docker-user');
}
