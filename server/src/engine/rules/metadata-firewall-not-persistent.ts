import type { HostItem } from '../cloudinit/userData';
import type { FirewallRule } from '../scripts/facts';
import type { LineIndex } from '../text';
import type { Finding, Fix, TextEdit } from '../types';
import type { RuleMeta } from './registry';
import { spanLocation, type ScriptRule, type ScriptTarget } from './scriptRule';

const meta: RuleMeta = {
  id: 'metadata-firewall-not-persistent',
  title: 'Guest firewall rule for metadata is lost at reboot',
  summary:
    'A Linux firewall rule that restricts instance metadata is added at run time by a script that ' +
    'runs once (user data, cloud-init runcmd, a stand-alone script), and nothing saves it, so the ' +
    'server is open again after its first reboot.',
  defaultSeverity: 'warning',
};

/** Rule forms that last only until reboot unless something saves them. */
const runtimeForms = new Set<FirewallRule['form']>(['iptables', 'ip6tables', 'nft', 'firewalld-direct']);

/** Lines that save the running rules where iptables-persistent loads them at boot. */
const saveLines: Partial<Record<FirewallRule['form'], string[]>> = {
  iptables: ['mkdir -p /etc/iptables', 'iptables-save > /etc/iptables/rules.v4'],
  ip6tables: ['mkdir -p /etc/iptables', 'ip6tables-save > /etc/iptables/rules.v6'],
  'firewalld-direct': ['firewall-cmd --runtime-to-permanent'],
};

/** How each rule form is usually saved, for the finding's message. */
const saveHints: Partial<Record<FirewallRule['form'], string>> = {
  iptables: 'iptables-save to /etc/iptables/rules.v4, netfilter-persistent save',
  ip6tables: 'ip6tables-save to /etc/iptables/rules.v6, netfilter-persistent save',
  nft: 'nft list ruleset written to /etc/nftables.conf, with nftables.service enabled',
  'firewalld-direct': 'firewall-cmd --runtime-to-permanent, or --permanent on the rule',
};

export const metadataFirewallNotPersistent: ScriptRule = {
  meta,
  check(target) {
    if (target.boot.runs !== 'once') return [];
    const findings: Finding[] = [];
    for (const rule of target.facts.firewallRules) {
      if (!rule.effective || rule.persistentByItself || !runtimeForms.has(rule.form)) continue;
      if (isSavedAfter(target, rule)) continue;
      findings.push({
        ruleId: meta.id,
        severity: 'warning',
        message:
          'This firewall rule restricts instance metadata only until the next reboot: the script runs ' +
          `once and nothing saves the rule (${saveHints[rule.form] ?? saveHints.iptables}, or a cloud-init bootcmd).`,
        location: spanLocation(target, rule.span),
        related: [],
        fixes: persistFixes(target, rule),
      });
    }
    return findings;
  },
};

/**
 * True when the rule's line opens a heredoc (`<<EOF`): lines added after it would land in the
 * heredoc's body instead of running as commands.
 */
function opensHeredoc(target: ScriptTarget, rule: FirewallRule): boolean {
  const lines = target.lines(rule.span.file);
  if (!lines) return false;
  const lineEnd = lines.lineEnd(lines.positionAt(rule.span.start).line);
  return /<<-?\s*['"]?[\w-]/.test(lines.text.slice(rule.span.start, lineEnd));
}

function isSavedAfter(target: ScriptTarget, rule: FirewallRule): boolean {
  return target.facts.saves.some((save) => save.span.file === rule.span.file && save.span.start >= rule.span.end);
}

function persistFixes(target: ScriptTarget, rule: FirewallRule): Fix[] {
  const fixes: Fix[] = [];
  const move = moveToBootcmdEdits(target, rule);
  if (move) {
    fixes.push({
      title: 'Move the command from runcmd to bootcmd, which runs at every boot (servers created after the change)',
      isPreferred: true,
      edits: [{ file: rule.span.file, edits: move }],
    });
  }
  const lines = saveLines[rule.form] && !opensHeredoc(target, rule) ? saveLines[rule.form] : undefined;
  const save = lines && target.editor.insertLines(rule.span.end, lines, 'after', rule.span.start);
  if (save) {
    fixes.push({
      title: 'Save the rule after adding it so that it survives reboots (servers created after the change)',
      isPreferred: fixes.length === 0,
      edits: [{ file: rule.span.file, edits: [save] }],
    });
  }
  return fixes;
}

/**
 * Moves the runcmd item that contains the rule to the end of bootcmd, or into a new bootcmd list
 * written just before runcmd (a sole item moves by renaming the key). Only block lists whose
 * items start their own lines are edited.
 */
function moveToBootcmdEdits(target: ScriptTarget, rule: FirewallRule): TextEdit[] | undefined {
  const { boot } = target;
  const runcmd = boot.lists?.runcmd;
  const lines = target.lines(rule.span.file);
  if (boot.section !== 'runcmd' || !runcmd || runcmd.flow || !lines || !target.editor.movesLines) return undefined;
  const item = runcmd.items.find((candidate) => candidate.start <= rule.span.start && rule.span.end <= candidate.end);
  const block = item && itemLines(lines, item);
  if (!block) return undefined;
  const itemIndent = /^[ \t]*/.exec(block.text)![0];
  const bootcmd = boot.lists?.bootcmd;
  const onlyItem = runcmd.items.length === 1;
  // With a single item and no bootcmd yet, renaming the key moves the item and leaves no empty
  // runcmd behind.
  if (onlyItem && !bootcmd && lines.text.startsWith('runcmd', runcmd.keyStart)) {
    return [{ range: lines.range(runcmd.keyStart, runcmd.keyStart + 'runcmd'.length), newText: 'bootcmd' }];
  }
  // The last item takes its runcmd key with it, so no empty key (null in YAML) stays behind.
  const keyLineStart = lines.lineStart(lines.positionAt(runcmd.keyStart).line);
  const removeFrom = onlyItem && lines.text.slice(keyLineStart, block.start).trim() === 'runcmd:' ? keyLineStart : block.start;
  const remove: TextEdit = { range: lines.range(removeFrom, block.end), newText: '' };
  if (bootcmd) {
    const last = bootcmd.items[bootcmd.items.length - 1];
    const lastBlock = last && itemLines(lines, last);
    if (bootcmd.flow || !lastBlock) return undefined;
    const targetIndent = /^[ \t]*/.exec(lastBlock.text)![0];
    const moved = reindent(block.text, itemIndent, targetIndent);
    const position = lines.positionAt(lastBlock.end);
    return [{ range: { start: position, end: position }, newText: moved }, remove];
  }
  const keyLine = lines.positionAt(runcmd.keyStart).line;
  const keyIndent = /^[ \t]*/.exec(lines.text.slice(lines.lineStart(keyLine), runcmd.keyStart))![0];
  const position = lines.positionAt(lines.lineStart(keyLine));
  return [{ range: { start: position, end: position }, newText: `${keyIndent}bootcmd:${lines.eol}${block.text}` }, remove];
}

/** Returns the whole lines of a list item, line breaks included, when nothing else shares them. */
function itemLines(lines: LineIndex, item: HostItem): { start: number; end: number; text: string } | undefined {
  const first = lines.positionAt(item.start).line;
  const start = lines.lineStart(first);
  if (lines.text.slice(start, item.start).trim() !== '') return undefined;
  const lastLine = lines.positionAt(Math.max(item.start, item.end - 1)).line;
  if (lines.text.slice(item.end, lines.lineEnd(lastLine)).trim().replace(/^#.*/, '') !== '') return undefined;
  const end = lastLine + 1 < lines.lineCount ? lines.lineStart(lastLine + 1) : lines.text.length;
  let text = lines.text.slice(start, end);
  if (!/\n$/.test(text)) text += lines.eol;
  return { start, end, text };
}

function reindent(text: string, from: string, to: string): string {
  if (from === to) return text;
  return text.split(/(?<=\n)/).map((line) => (line.startsWith(from) ? to + line.slice(from.length) : line)).join('');
}
