import { readUserData, type UserData } from '../cloudinit/userData';
import { ScriptEditor, type HostEncoding } from '../fixes/scriptEditor';
import { scriptRules } from '../rules/registry';
import type { ScriptTarget } from '../rules/scriptRule';
import { analyzeScript } from '../scripts/analyze';
import { analyzeBash } from '../scripts/bash';
import { analyzePowerShell } from '../scripts/powershell';
import type { ScriptFacts } from '../scripts/facts';
import { LineIndex, SourceMap } from '../text';
import type { Finding, Notice } from '../types';
import type { DocumentAnalysis, DocumentContext } from './kinds';

/** Boot scripts of a user data value, each with the facts its analyser found. */
export interface AnalysedUserData {
  userData: UserData;
  facts: ScriptFacts[];
}

/** A script language a document kind sets from the file name, whatever the first line is. */
export type ForcedLanguage = 'bash' | 'powershell' | undefined;

/**
 * Reads user data and analyses every boot script in it. `language` applies to a plain script
 * (not cloud-config) whose file name decides its language.
 */
export function analyseUserData(userData: UserData, context: DocumentContext, language?: ForcedLanguage): AnalysedUserData {
  const facts = userData.scripts.map((boot) => {
    if (language === 'powershell' && !boot.section) return analyzePowerShell(boot.source, context.parsers.powershell);
    if (language === 'bash' && !boot.section) return analyzeBash(boot.source, context.parsers.bash);
    return analyzeScript(boot.source, context.parsers);
  });
  return { userData, facts };
}

/** Runs the script rules on analysed user data. `encoding` tells how fixes may edit its host. */
export function checkUserData(analysed: AnalysedUserData, lines: LineIndex | undefined, encoding: HostEncoding): Finding[] {
  const findings: Finding[] = [];
  analysed.userData.scripts.forEach((boot, index) => {
    const target: ScriptTarget = {
      boot,
      facts: analysed.facts[index],
      editor: new ScriptEditor(boot.source.map.isVerbatim ? lines : undefined, encoding, boot),
      lines: (file) => (lines && file === boot.source.map.file ? lines : undefined),
    };
    for (const rule of scriptRules) findings.push(...rule.check(target));
  });
  return findings;
}

/**
 * Returns a document analyser that reads a whole file as user data: a script, cloud-config or
 * MIME multipart text.
 */
export function userDataFileAnalyzer(language?: ForcedLanguage) {
  return (file: string, text: string, context: DocumentContext): DocumentAnalysis =>
    analyzeUserDataFile(file, text, context, language);
}

function analyzeUserDataFile(file: string, text: string, context: DocumentContext, language: ForcedLanguage): DocumentAnalysis {
  const lines = new LineIndex(text);
  const userData = readUserData({ text, map: SourceMap.identity(file, 0, text.length) });
  const analysed = analyseUserData(userData, context, language);
  const notices: Notice[] = userData.errors.slice(0, 1).map((error) => ({
    file,
    range: lines.range(error.start, error.end),
    message: `${file} was analysed only in part: YAML parsing failed (${error.message.split('\n')[0]}).`,
  }));
  return { findings: checkUserData(analysed, lines, 'lines'), notices, dependencies: [] };
}
