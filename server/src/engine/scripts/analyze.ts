import type { Parsers } from '../parsing/treeSitter';
import { analyzeBash } from './bash';
import type { ScriptFacts, ScriptSource } from './facts';
import { detectScriptLanguage } from './language';
import { linesOf } from './netfilter';
import { parseNetshArgs } from './netsh';
import { analyzePowerShell } from './powershell';
import { evaluateDrafts, type RuleDraft } from './rules';
import { emptyFacts, maskPlaceholders, tokenizeLine } from './values';

/**
 * Scans a Windows batch script for `netsh advfirewall firewall add rule` lines. Only the firewall
 * rules are read: batch scripts get no request or metadata-options analysis.
 */
export function analyzeCmd(source: ScriptSource): ScriptFacts {
  const masked = maskPlaceholders(source.text, source.placeholders);
  const drafts: RuleDraft[] = [];
  for (const { line, offset } of linesOf(masked)) {
    const match = /^(\s*(?:@\s*)?)netsh(\.exe)?\s/i.exec(line);
    if (!match) continue;
    const start = offset + match[1].length;
    const tokens = tokenizeLine(line.slice(match[1].length), start);
    const draft = parseNetshArgs(tokens.slice(1), start, offset + line.trimEnd().length);
    if (draft) drafts.push(draft);
  }
  const facts = emptyFacts('cmd');
  facts.firewallRules = evaluateDrafts(source, drafts);
  return facts;
}

/**
 * Analyses a boot script with the analyser for its language. Cloud-config and unrecognised text
 * give empty facts (language `bash`). Parser errors are not caught here: the caller logs them.
 */
export function analyzeScript(source: ScriptSource, parsers: Parsers): ScriptFacts {
  switch (detectScriptLanguage(source.text)) {
    case 'bash':
      return analyzeBash(source, parsers.bash);
    case 'powershell':
      return analyzePowerShell(source, parsers.powershell);
    case 'cmd':
      return analyzeCmd(source);
    default:
      return emptyFacts('bash');
  }
}
