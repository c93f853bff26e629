import { readUserData, type BootScript, type UserData } from '../cloudinit/userData';
import { ScriptEditor, type HostEncoding } from '../fixes/scriptEditor';
import type { ScriptFacts } from '../scripts/facts';
import type { TextOrigin, TextPiece } from '../terraform/evaluate';
import { getAttribute } from '../terraform/lookup';
import type { LineIndex } from '../text';
import type { Finding } from '../types';
import type { ModuleContext } from './rule';
import type { ScriptRule, ScriptTarget } from './scriptRule';
import { provisionerHostTypes, serverKinds } from './servers';

/** Findings of the script rules on a module's boot scripts, and the script files they read. */
export interface BootScriptCheck {
  findings: Finding[];
  /** Files read through `file()` or `templatefile()` as boot scripts, whatever their extension. */
  scriptFiles: string[];
  /** Boot script files left to their own analysis because `skipFile` claimed them. */
  standaloneFiles: string[];
}

/** Analyses one boot script taken out of a Terraform text piece, through the module's cache. */
export function analyzeBootScript(context: ModuleContext, piece: TextPiece, boot: BootScript): ScriptFacts {
  if (boot.source.text === piece.text && boot.source.map === piece.map) return context.analyzeScript(piece);
  return context.analyzeScript({ ...piece, text: boot.source.text, map: boot.source.map, placeholders: [] });
}

/** Reads a Terraform text piece as user data: a script, cloud-config or MIME multipart. */
export function userDataOfPiece(piece: TextPiece): UserData {
  return readUserData({ text: piece.text, map: piece.map, placeholders: piece.placeholders });
}

/** How a fix writes into the place a text piece came from. */
export function encodingOf(origin: TextOrigin): HostEncoding {
  switch (origin.kind) {
    case 'hcl-heredoc':
      return 'template-lines';
    case 'hcl-quoted':
      return 'hcl-quoted';
    case 'json-string':
      return 'json-string';
    case 'file':
      return origin.viaTemplatefile ? 'template-lines' : 'lines';
    default:
      return 'none';
  }
}

/**
 * Runs the script rules on every boot script of every server in the module, and
 * `metadata-v1-enabled` on `local-exec` commands. Script files that `skipFile` claims (files
 * analysed as stand-alone documents) are left to that analysis, so no finding is reported twice.
 */
export function checkBootScripts(
  context: ModuleContext,
  rules: ScriptRule[],
  skipFile: (file: string) => boolean,
): BootScriptCheck {
  const check: BootScriptCheck = { findings: [], scriptFiles: [], standaloneFiles: [] };
  const seen = new Set<string>();
  const run = (piece: TextPiece, ruleSet: ScriptRule[]) => {
    if (piece.origin.kind === 'file') {
      if (skipFile(piece.origin.path)) {
        if (!check.standaloneFiles.includes(piece.origin.path)) check.standaloneFiles.push(piece.origin.path);
        return;
      }
      if (!check.scriptFiles.includes(piece.origin.path)) check.scriptFiles.push(piece.origin.path);
    }
    for (const finding of checkPiece(context, piece, ruleSet)) {
      const { start } = finding.location.range;
      const key = `${finding.ruleId}\u0000${finding.location.file}\u0000${start.line}:${start.character}\u0000${finding.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      check.findings.push(finding);
    }
  };
  for (const block of context.module.resources.values()) {
    const kind = serverKinds.get(block.labels[0]);
    for (const path of kind?.bootScripts ?? []) {
      const attribute = getAttribute(block, path);
      if (attribute) forEachPiece(context, attribute.expr, (piece) => run(piece, rules));
    }
    if (provisionerHostTypes.has(block.labels[0])) {
      const optionRules = rules.filter((rule) => rule.meta.id === 'metadata-v1-enabled');
      for (const provisioner of block.blocks) {
        const command = provisioner.type === 'provisioner' ? provisioner.attributes.get('command') : undefined;
        if (command) forEachPiece(context, command.expr, (piece) => run(piece, optionRules));
      }
    }
  }
  return check;
}

function forEachPiece(context: ModuleContext, expr: Parameters<ModuleContext['evaluate']>[0], visit: (piece: TextPiece) => void): void {
  for (const alternative of context.evaluate(expr)) {
    for (const piece of alternative) if (piece.kind === 'text') visit(piece);
  }
}

function checkPiece(context: ModuleContext, piece: TextPiece, rules: ScriptRule[]): Finding[] {
  const findings: Finding[] = [];
  const encoding = encodingOf(piece.origin);
  const lines = (file: string): LineIndex | undefined => context.lines(file);
  for (const boot of userDataOfPiece(piece).scripts) {
    const facts = analyzeBootScript(context, piece, boot);
    const target: ScriptTarget = {
      boot,
      facts,
      editor: new ScriptEditor(piece.map.isVerbatim ? lines(piece.map.file) : undefined, encoding, boot),
      lines,
    };
    for (const rule of rules) findings.push(...rule.check(target));
  }
  return findings;
}
