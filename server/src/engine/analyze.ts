import * as path from 'path';
import { ignoreCommentFix } from './fixes/ignoreComment';
import { ModuleAnalysis } from './moduleContext';
import { getParsers, type Parsers } from './parsing/treeSitter';
import { moduleRules } from './rules/registry';
import type { SourceProvider } from './source';
import { findSuppressions, isSuppressed, type Suppression } from './suppressions';
import { loadModule } from './terraform/module';
import type { Block, Module } from './terraform/model';
import { LineIndex } from './text';
import type { Finding, Notice } from './types';
import { analysisUnitOf, unitKey, type AnalysisUnit } from './units';
import { findUnits } from './walk';

/** What one analysis returns. */
export interface AnalysisResult {
  findings: Finding[];
  notices: Notice[];
  /** Files that were analysed, whose diagnostics this result replaces (absolute paths). */
  analyzedFiles: string[];
  /** Every file the analysis read, including scripts named by `file()` and tfvars files. */
  dependencies: string[];
}

/** Runs the rules over Terraform modules. Create it once; it holds the loaded parsers. */
export class Engine {
  constructor(private readonly parsers: Parsers) {}

  /** Analyses the Terraform module in folder `dir` (its `.tf`, `.tf.json` and tfvars files). */
  analyzeModule(dir: string, source: SourceProvider): AnalysisResult {
    const { module, errors } = loadModule(dir, source, this.parsers);
    const notices: Notice[] = errors.map((error) => ({ file: error.file, message: error.message }));
    notices.push(...parseNotices(module));
    const analysis = new ModuleAnalysis(module, source, this.parsers);
    const findings: Finding[] = [];
    for (const rule of moduleRules) {
      try {
        findings.push(...rule.check(analysis));
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        notices.push({ file: dir, message: `rule ${rule.meta.id} failed on module ${dir}: ${reason}` });
      }
    }
    return {
      findings: applySuppressions(findings, module, analysis),
      notices,
      analyzedFiles: module.files.map((file) => file.path),
      dependencies: [...new Set([...module.readFiles, ...analysis.readFiles])],
    };
  }

  /** Analyses one unit: a module folder, or a stand-alone document with its own rules. */
  analyzeUnit(unit: AnalysisUnit, source: SourceProvider): AnalysisResult {
    if (unit.kind === 'module') return this.analyzeModule(unit.dir, source);
    return this.analyzeDocument(unit, source);
  }

  /**
   * Analyses every unit under the given files and folders, skipping `.git`, `node_modules` and
   * `.terraform`. Symbolic-link loops end the walk.
   */
  scan(paths: string[], source: SourceProvider): AnalysisResult {
    const units = new Map<string, AnalysisUnit>();
    for (const entry of paths) {
      const absolute = path.resolve(entry);
      const found = source.isDirectory(absolute) ? findUnits(absolute, source) : [analysisUnitOf(absolute, source)];
      for (const unit of found) if (unit) units.set(unitKey(unit), unit);
    }
    const result: AnalysisResult = { findings: [], notices: [], analyzedFiles: [], dependencies: [] };
    for (const key of [...units.keys()].sort()) {
      const part = this.analyzeUnit(units.get(key)!, source);
      result.findings.push(...part.findings);
      result.notices.push(...part.notices);
      result.analyzedFiles.push(...part.analyzedFiles);
      result.dependencies.push(...part.dependencies);
    }
    return result;
  }

  private analyzeDocument(unit: Extract<AnalysisUnit, { kind: 'document' }>, source: SourceProvider): AnalysisResult {
    let text: string;
    try {
      text = source.readText(unit.file);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return { findings: [], notices: [{ file: unit.file, message: `skipped: ${reason}` }], analyzedFiles: [unit.file], dependencies: [unit.file] };
    }
    const notices: Notice[] = [];
    let findings: Finding[] = [];
    let dependencies: string[] = [];
    try {
      const analysis = unit.documentKind.analyze(unit.file, text, { source, parsers: this.parsers });
      findings = analysis.findings;
      notices.push(...analysis.notices);
      dependencies = analysis.dependencies;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      notices.push({ file: unit.file, message: `analysis of ${unit.documentKind.id} document failed: ${reason}` });
    }
    const lines = new LineIndex(text);
    const suppressions = findSuppressions(lines);
    const kept: Finding[] = [];
    for (const finding of findings) {
      const line = finding.location.range.start.line;
      if (finding.location.file === unit.file && isSuppressed(suppressions, lines, finding.ruleId, line, (l) => l)) continue;
      const ignore = finding.location.file === unit.file && unit.documentKind.commentSyntax
        ? ignoreCommentFix(finding.ruleId, finding.location, lines, unit.documentKind.commentSyntax)
        : undefined;
      kept.push(ignore ? { ...finding, fixes: [...finding.fixes, ignore] } : finding);
    }
    return { findings: kept, notices, analyzedFiles: [unit.file], dependencies: [unit.file, ...dependencies] };
  }
}

/** Loads the parsers and returns an engine. */
export async function createEngine(): Promise<Engine> {
  return new Engine(await getParsers());
}

function parseNotices(module: Module): Notice[] {
  const notices: Notice[] = [];
  for (const file of module.files) {
    const first = file.parseErrors[0];
    if (!first) continue;
    const range = file.lines.range(first.start, first.end);
    notices.push({
      file: file.path,
      range,
      message:
        `${path.basename(file.path)} was analysed only in part: parsing failed at line ` +
        `${range.start.line + 1}, column ${range.start.character + 1} (${first.message}).`,
    });
  }
  return notices;
}

/** Drops suppressed findings and adds the "ignore with a comment" fix to the rest. */
function applySuppressions(findings: Finding[], module: Module, analysis: ModuleAnalysis): Finding[] {
  const byFile = new Map<string, Suppression[]>();
  const kept: Finding[] = [];
  for (const finding of findings) {
    const file = finding.location.file;
    const lines = analysis.lines(file);
    if (!lines) {
      kept.push(finding);
      continue;
    }
    if (!byFile.has(file)) byFile.set(file, findSuppressions(lines));
    const extent = (line: number) => statementEndLine(module, file, line);
    if (isSuppressed(byFile.get(file)!, lines, finding.ruleId, finding.location.range.start.line, extent)) continue;
    const ignore = ignoreCommentFix(finding.ruleId, finding.location, lines, commentSyntax(module, file));
    kept.push(ignore ? { ...finding, fixes: [...finding.fixes, ignore] } : finding);
  }
  return kept;
}

/** Names the comment syntax of a file: its Terraform syntax, or one guessed from its name. */
function commentSyntax(module: Module, file: string): string {
  const own = module.files.find((candidate) => candidate.path === file);
  if (own) return own.syntax;
  if (/\.json$/i.test(file)) return 'json';
  if (/\.ya?ml$/i.test(file)) return 'yaml';
  if (/\.(ps1|psm1)$/i.test(file)) return 'powershell';
  return 'bash';
}

/** Returns the last line of the block or attribute that starts on `line`, or `line` itself. */
function statementEndLine(module: Module, file: string, line: number): number {
  const blocks: Block[] = [...module.resources.values(), ...module.dataSources.values(), ...module.variables.values()];
  for (const block of blocks) {
    if (block.file.path !== file) continue;
    const end = statementEndInBlock(block, line);
    if (end !== undefined) return end;
  }
  return line;
}

function statementEndInBlock(block: Block, line: number): number | undefined {
  const lines = block.file.lines;
  if (lines.positionAt(block.span.start).line === line) return lines.positionAt(block.span.end).line;
  for (const attribute of block.attributes.values()) {
    if (lines.positionAt(attribute.span.start).line === line) return lines.positionAt(attribute.span.end).line;
  }
  for (const nested of block.blocks) {
    const end = statementEndInBlock(nested, line);
    if (end !== undefined) return end;
  }
  return undefined;
}
