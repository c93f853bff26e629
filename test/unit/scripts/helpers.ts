import { getParsers } from '../../../server/src/engine/parsing/treeSitter';
import { analyzeScript } from '../../../server/src/engine/scripts/analyze';
import type { FirewallRule, ScriptFacts } from '../../../server/src/engine/scripts/facts';
import { SourceMap } from '../../../server/src/engine/text';

/** Analyses a script that is a whole file of its own (identity source map). */
export async function analyze(text: string): Promise<ScriptFacts> {
  const parsers = await getParsers();
  return analyzeScript({ text, map: SourceMap.identity('/work/init.sh', 0, text.length) }, parsers);
}

/** Analyses a bash script given without a shebang line. */
export function analyzeBashText(body: string): Promise<ScriptFacts> {
  return analyze(`#!/bin/bash\n${body}\n`);
}

/** Returns the only firewall rule of a script, failing when there is not exactly one. */
export function onlyRule(facts: ScriptFacts): FirewallRule {
  if (facts.firewallRules.length !== 1) {
    throw new Error(`expected one firewall rule, found ${facts.firewallRules.length}`);
  }
  return facts.firewallRules[0];
}
