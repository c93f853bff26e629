/**
 * Analysis of infrastructure programs: the module rules run over the program's resources, read
 * into the Terraform model, and the quick fixes are rebuilt to edit the program's own source.
 */
import * as path from 'path';
import type { DocumentAnalysis, DocumentContext, DocumentKind } from '../documents/kinds';
import { guestOs } from '../fixes/insertFirewallRule';
import { ModuleAnalysis } from '../moduleContext';
import { assessBootScripts } from '../rules/ecs-metadata-unrestricted';
import { moduleRules } from '../rules/registry';
import { serverKinds } from '../rules/servers';
import { visitExpressions } from '../terraform/lookup';
import type { Expression } from '../terraform/model';
import type { LineIndex } from '../text';
import type { Finding, Notice } from '../types';
import { programActionFix, programFirewallFixes } from './fixes';
import { isPulumiYamlFile, loadPulumiYaml } from './pulumiYaml';
import { importsHuaweiCloud, loadTypeScriptProgram, type LoadedProgram } from './typescript';

const noFindings = (): DocumentAnalysis => ({ findings: [], notices: [], dependencies: [] });

/**
 * Pulumi and CDK for Terraform programs in TypeScript. Every `.ts` file matches by name, and
 * `analyze` returns at once, before parsing, for files that do not import Huawei Cloud classes.
 */
export const typeScriptProgramKind: DocumentKind = {
  id: 'typescript-program',
  commentSyntax: 'typescript',
  matches: (file) => /\.(ts|tsx|mts|cts)$/i.test(file) && !/\.d\.[mc]?ts$/i.test(file),
  analyze(file, text, context) {
    if (!importsHuaweiCloud(text)) return noFindings();
    return analyzeProgram(loadTypeScriptProgram(file, text, context.source), context);
  },
};

/** Pulumi YAML programs: `Pulumi.yaml` and `Pulumi.yml`. */
export const pulumiYamlKind: DocumentKind = {
  id: 'pulumi-yaml',
  commentSyntax: 'yaml',
  matches: (file) => isPulumiYamlFile(file),
  analyze(file, text, context) {
    if (!text.includes('huaweicloud:')) return noFindings();
    return analyzeProgram(loadPulumiYaml(file, text), context);
  },
};

/** Runs the module rules over a loaded program and puts program fixes on the findings. */
export function analyzeProgram(program: LoadedProgram, context: DocumentContext): DocumentAnalysis {
  const { module } = program;
  const file = module.files[0];
  const notices: Notice[] = [];
  if (program.parseError) notices.push(parseNotice(file.path, file.lines, program.parseError));
  const analysis = new ModuleAnalysis(module, context.source, context.parsers);
  const findings: Finding[] = [];
  for (const rule of moduleRules) {
    try {
      findings.push(...rule.check(analysis));
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      notices.push({ file: file.path, message: `rule ${rule.meta.id} failed on program ${file.path}: ${reason}` });
    }
  }
  const dependencies = [...new Set([...module.readFiles, ...analysis.readFiles])].filter((read) => read !== file.path);
  // Resources imported from other files are in the module only so that references resolve.
  const own = findings.filter((finding) => finding.location.file === file.path);
  return { findings: own.map((finding) => withProgramFixes(finding, program, analysis)), notices, dependencies };
}

function parseNotice(file: string, lines: LineIndex, error: NonNullable<LoadedProgram['parseError']>): Notice {
  const range = lines.range(error.start, error.end);
  return {
    file,
    range,
    message:
      `${path.basename(file)} was analysed only in part: parsing failed at line ` +
      `${range.start.line + 1}, column ${range.start.character + 1} (${error.message}).`,
  };
}

/**
 * Replaces the fixes a rule built for Terraform syntax with fixes for the program. Role fixes
 * edit list items by their spans, which is the same in every syntax, so they are kept.
 */
function withProgramFixes(finding: Finding, program: LoadedProgram, analysis: ModuleAnalysis): Finding {
  if (finding.ruleId === 'ecs-metadata-unrestricted' && finding.severity !== 'info') {
    return { ...finding, fixes: serverFixes(finding, program, analysis) };
  }
  if (finding.ruleId === 'agency-wildcard-policy') {
    const literal = literalAt(program, finding);
    if (!literal) return finding;
    const fix = programActionFix(analysis, literal, program.info);
    return { ...finding, fixes: fix ? [fix] : [] };
  }
  return finding;
}

function serverFixes(finding: Finding, program: LoadedProgram, analysis: ModuleAnalysis) {
  const lines = program.module.files[0].lines;
  const offset = lines.offsetAt(finding.location.range.start);
  for (const block of program.module.resources.values()) {
    const kind = serverKinds.get(block.labels[0]);
    if (!kind || block.labelSpans[0].start !== offset) continue;
    const boot = assessBootScripts(analysis, block, kind);
    return programFirewallFixes(analysis, block, kind, boot, guestOs(analysis, block, boot), program.info);
  }
  return [];
}

/** Finds the string literal of the program that a finding's range covers exactly. */
function literalAt(program: LoadedProgram, finding: Finding): Expression | undefined {
  let found: Expression | undefined;
  for (const block of program.module.resources.values()) {
    for (const attribute of block.attributes.values()) {
      visitExpressions(attribute.expr, (expr) => {
        if (found || !program.info.literals.has(expr)) return;
        const lines = expr.file.lines;
        const start = lines.positionAt(expr.span.start);
        const end = lines.positionAt(expr.span.end);
        const range = finding.location.range;
        const same = expr.file.path === finding.location.file && start.line === range.start.line &&
          start.character === range.start.character && end.line === range.end.line && end.character === range.end.character;
        if (same) found = expr;
      });
    }
  }
  return found;
}
