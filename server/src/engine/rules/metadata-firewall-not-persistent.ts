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

/** The usual save step of each rule form, named in the finding's message. */
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
 * True when the rule's lines open a heredoc (`<<EOF`): lines added after them would land in the
 * heredoc's body instead of running as commands.
 */
function opensHeredoc(target: ScriptTarget, rule: FirewallRule): boolean {
  const lines = target.lines(rule.span.file);
  if (!lines) return false;
  const lineEnd = lines.lineEnd(lines.positionAt(Math.max(rule.span.start, rule.span.end - 1)).line);
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
  const split = item.style === 'literal' ? splitFromLiteral(lines, item, rule, boot) : undefined;
  if (split) return split;
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

/**
 * Moves only the rule's lines out of a `- |` block that runs other commands too, so those keep
 * running once: the lines leave the block and become one new `bootcmd` item. Blocks with shell
 * structure (`if`, loops, functions, continuations, heredocs) are left whole, because a line
 * taken out of them could change what the rest does. Returns undefined when the block is only
 * the rule or cannot be split.
 */
function splitFromLiteral(lines: LineIndex, item: HostItem, rule: FirewallRule, boot: ScriptTarget['boot']): TextEdit[] | undefined {
  const firstLine = lines.positionAt(item.start).line + 1;
  const lastLine = lines.positionAt(Math.max(item.start, item.end - 1)).line;
  const ruleFirst = lines.positionAt(rule.span.start).line;
  const ruleLast = lines.positionAt(Math.max(rule.span.start, rule.span.end - 1)).line;
  if (ruleFirst !== ruleLast || ruleFirst < firstLine || ruleLast > lastLine) return undefined;
  const lineText = (line: number) => lines.text.slice(lines.lineStart(line), lines.lineEnd(line));
  const body = Array.from({ length: lastLine - firstLine + 1 }, (_, index) => lineText(firstLine + index));
  const others = body.filter((text, index) => firstLine + index !== ruleFirst && text.trim() !== '');
  if (others.length === 0) return undefined;
  if (body.some(hasShellStructure)) return undefined;

  const command = lineText(ruleFirst).trim();
  const removeStart = lines.lineStart(ruleFirst);
  const removeEnd = ruleFirst + 1 < lines.lineCount ? lines.lineStart(ruleFirst + 1) : lines.text.length;
  const remove: TextEdit = { range: lines.range(removeStart, removeEnd), newText: '' };
  const itemLine = lineText(lines.positionAt(item.start).line);
  const dash = /^([ \t]*-[ \t]+)/.exec(itemLine)?.[1];
  if (!dash) return undefined;
  const entry = `${dash}${yamlScalar(command)}${lines.eol}`;
  const bootcmd = boot.lists?.bootcmd;
  if (bootcmd) {
    const last = bootcmd.items[bootcmd.items.length - 1];
    const lastBlock = last && itemLines(lines, last);
    if (bootcmd.flow || !lastBlock) return undefined;
    const targetDash = /^([ \t]*-[ \t]+)/.exec(lastBlock.text)?.[1] ?? dash;
    const position = lines.positionAt(lastBlock.end);
    return [{ range: { start: position, end: position }, newText: `${targetDash}${yamlScalar(command)}${lines.eol}` }, remove];
  }
  const runcmd = boot.lists!.runcmd!;
  const keyLine = lines.positionAt(runcmd.keyStart).line;
  const keyIndent = /^[ \t]*/.exec(lines.text.slice(lines.lineStart(keyLine), runcmd.keyStart))![0];
  const position = lines.positionAt(lines.lineStart(keyLine));
  return [{ range: { start: position, end: position }, newText: `${keyIndent}bootcmd:${lines.eol}${entry}` }, remove];
}

const structureKeyword = /^\s*(if|then|else|elif|fi|for|while|until|do|done|case|esac|function|select|\{|\}|\(|\))(\s|;|$)/;
// Anchored at the line start, so a long run of name characters is read once.
const functionStart = /^\s*[\w.-]+\s*\(\)/;

/** True for a line that opens, continues or closes shell structure: a keyword, `\` at the end, a heredoc or a function. */
function hasShellStructure(text: string): boolean {
  return structureKeyword.test(text) || text.trimEnd().endsWith('\\') || text.includes('<<') || functionStart.test(text);
}

/** Writes a command as a YAML list item value: plain when that reads back the same, else quoted. */
function yamlScalar(text: string): string {
  const plainSafe = !/^[-?:,[\]{}#&*!|>'"%@`]/.test(text) && !/(: | #|:$)/.test(text);
  return plainSafe ? text : `'${text.replace(/'/g, "''")}'`;
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
