import * as path from 'path';
import { ignoreCommentFix } from './fixes/ignoreComment';
import { ModuleAnalysis } from './moduleContext';
import { getParsers, type Parsers } from './parsing/treeSitter';
import { checkBootScripts } from './rules/bootScripts';
import { moduleRules, rules as allRules, scriptRules } from './rules/registry';
import type { ModuleRule } from './rules/rule';
import type { SourceProvider } from './source';
import { describeFileError, FileTooLargeError, maxFileBytes } from './source';
import { coveringSuppression, expiryNote, findSuppressions, isExpired, suppressionProblems, type Suppression } from './suppressions';
import { HclParseCache } from './terraform/hclCache';
import { loadModule } from './terraform/module';
import type { Block, Module } from './terraform/model';
import { LineIndex } from './text';
import type { Finding, Fix, Notice, Position, TextEdit } from './types';
import { analysisUnitOf, unitKey, type AnalysisUnit } from './units';
import { findUnits } from './walk';

/** The result of one analysis: findings, notices, and the files analysed and read. */
export interface AnalysisResult {
  findings: Finding[];
  notices: Notice[];
  /** Files that were analysed, whose diagnostics this result replaces (absolute paths). */
  analyzedFiles: string[];
  /** Every file the analysis read, including scripts named by `file()` and tfvars files. */
  dependencies: string[];
  /**
   * Analysed files that could not be read (over the size limit, unreadable), each with a notice.
   * They stay in `analyzedFiles`, so their notice replaces earlier diagnostics.
   */
  skippedFiles?: string[];
  /**
   * Stand-alone documents that a module reads as boot scripts (a `.sh` file named by `file()`).
   * The module leaves their findings to their own analysis, which `scan` runs when the scanned
   * paths do not already include them.
   */
  standaloneScripts?: string[];
}

/**
 * Lists the stand-alone boot scripts that the results name and that are not among the scanned
 * unit keys, sorted, each once.
 */
export function standaloneScriptsToAdd(results: AnalysisResult[], scannedKeys: ReadonlySet<string>): string[] {
  const files = new Set(results.flatMap((result) => result.standaloneScripts ?? []));
  return [...files].filter((file) => !scannedKeys.has(file)).sort();
}

/** Options of `Engine.scan`. */
export interface ScanOptions {
  /** Tells whether a file or folder, by absolute path, is left out of the walk. */
  exclude?: (file: string) => boolean;
}

/** Runs the rules over analysis units. Create it once, because it keeps the loaded parsers. */
export class Engine {
  /**
   * Creates an engine over loaded parsers. `rules` replaces the registered module rules; only
   * tests pass it (to inject a failing rule), and neither the CLI nor the server exposes it.
   */
  constructor(
    private readonly parsers: Parsers,
    private readonly rules: readonly ModuleRule[] = moduleRules,
    private readonly hclCache?: HclParseCache,
  ) {}

  /** Analyses the Terraform module in folder `dir` (its `.tf`, `.tf.json` and tfvars files). */
  analyzeModule(dir: string, source: SourceProvider): AnalysisResult {
    const { module, errors } = loadModule(dir, source, this.parsers, this.hclCache);
    const notices: Notice[] = errors.map((error) =>
      error.tooLarge ? tooLargeNotice(error.file) : { file: error.file, message: error.message },
    );
    notices.push(...parseNotices(module));
    const analysis = new ModuleAnalysis(module, source, this.parsers);
    const findings: Finding[] = [];
    for (const rule of this.rules) {
      try {
        findings.push(...rule.check(analysis));
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        notices.push({ file: dir, message: `rule ${rule.meta.id} failed on module ${dir}: ${reason}` });
      }
    }
    const scripts = this.checkModuleScripts(analysis, source, notices);
    findings.push(...scripts.findings);
    for (const file of new Set([...module.files.map((entry) => entry.path), ...findings.map((entry) => entry.location.file)])) {
      const lines = analysis.lines(file);
      if (lines) notices.push(...suppressionNotices(file, lines));
    }
    return {
      findings: applySuppressions(findings, module, analysis).map((finding) => demoteFixesInBrokenFiles(finding, module)),
      notices,
      analyzedFiles: [...module.files.map((file) => file.path), ...scripts.scriptFiles],
      dependencies: [...new Set([...module.readFiles, ...analysis.readFiles])],
      standaloneScripts: scripts.standaloneFiles,
    };
  }

  /**
   * Runs the script rules on the module's boot scripts. Script files that are stand-alone
   * documents (a `.sh` file named by `file()`) are reported by their own analysis instead.
   */
  private checkModuleScripts(analysis: ModuleAnalysis, source: SourceProvider, notices: Notice[]) {
    const standalone = (file: string) => analysisUnitOf(file, source)?.kind === 'document';
    try {
      return checkBootScripts(analysis, scriptRules, standalone);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      notices.push({ file: analysis.module.dir, message: `script rules failed on module ${analysis.module.dir}: ${reason}` });
      return { findings: [], scriptFiles: [], standaloneFiles: [] };
    }
  }

  /** Analyses one unit: a module folder, or a stand-alone document with its own rules. */
  analyzeUnit(unit: AnalysisUnit, source: SourceProvider): AnalysisResult {
    if (unit.kind === 'module') return this.analyzeModule(unit.dir, source);
    return this.analyzeDocument(unit, source);
  }

  /**
   * Analyses every unit under the given files and folders, skipping `.git`, `node_modules`,
   * `.terraform` and whatever `options.exclude` rejects (absolute paths). Symbolic-link loops end
   * the walk. Stand-alone scripts that a scanned module reads as boot scripts are analysed too,
   * once, even when they lie outside the given paths.
   */
  scan(paths: string[], source: SourceProvider, options: ScanOptions = {}): AnalysisResult {
    const excluded = options.exclude ?? (() => false);
    const units = new Map<string, AnalysisUnit>();
    for (const entry of paths) {
      const absolute = path.resolve(entry);
      const found = source.isDirectory(absolute) ? findUnits(absolute, source, excluded) : [analysisUnitOf(absolute, source)];
      for (const unit of found) if (unit) units.set(unitKey(unit), unit);
    }
    const parts = [...units.keys()].sort().map((key) => this.analyzeUnit(units.get(key)!, source));
    for (const file of standaloneScriptsToAdd(parts, new Set(units.keys()))) {
      const unit = excluded(file) ? undefined : analysisUnitOf(file, source);
      if (unit) parts.push(this.analyzeUnit(unit, source));
    }
    return mergeResults(parts);
  }

  private analyzeDocument(unit: Extract<AnalysisUnit, { kind: 'document' }>, source: SourceProvider): AnalysisResult {
    let text: string;
    try {
      text = source.readText(unit.file);
    } catch (error) {
      const message = `${path.basename(unit.file)} was not analysed: ${describeFileError(error)}.`;
      const notice = error instanceof FileTooLargeError ? tooLargeNotice(unit.file) : { file: unit.file, message };
      return { findings: [], notices: [notice], analyzedFiles: [unit.file], dependencies: [unit.file], skippedFiles: [unit.file] };
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
    const suppressed: Finding[] = [];
    for (const original of findings) {
      const own = original.location.file === unit.file;
      const state = own ? suppressionState(suppressions, lines, original, (l) => l) : { suppressed: false, finding: original };
      if (state.suppressed) {
        suppressed.push(original);
        continue;
      }
      const finding = state.finding;
      const ignore = own && unit.documentKind.commentSyntax
        ? ignoreCommentFix(finding.ruleId, finding.location, lines, unit.documentKind.commentSyntax)
        : undefined;
      kept.push(ignore ? { ...finding, fixes: [...finding.fixes, ignore] } : finding);
    }
    // A document that parsed only in part may hide what a fix would have to see (an existing
    // key, a heredoc), so its fixes are offered without being preferred.
    const broken = new Set(notices.filter((notice) => notice.range).map((notice) => notice.file));
    const suppressionsOf = (file: string) => (file === unit.file ? suppressions : undefined);
    const unsuppressed = withoutSuppressedEdits(kept, suppressed, suppressionsOf);
    const demoted = broken.size === 0 ? unsuppressed : unsuppressed.map((finding) => demoteFixesIn(finding, broken));
    notices.push(...suppressionNotices(unit.file, lines));
    return { findings: demoted, notices, analyzedFiles: [unit.file], dependencies: [unit.file, ...dependencies] };
  }
}

/** Returns the analysed files that were read, leaving out the skipped ones. */
export function scannedFiles(result: AnalysisResult): string[] {
  const skipped = new Set(result.skippedFiles ?? []);
  return result.analyzedFiles.filter((file) => !skipped.has(file));
}

/** Concatenates analysis results in the order given. */
export function mergeResults(parts: AnalysisResult[]): AnalysisResult {
  const result: AnalysisResult = { findings: [], notices: [], analyzedFiles: [], dependencies: [] };
  for (const part of parts) {
    result.findings.push(...part.findings);
    result.notices.push(...part.notices);
    result.analyzedFiles.push(...part.analyzedFiles);
    result.dependencies.push(...part.dependencies);
    if (part.skippedFiles?.length) result.skippedFiles = [...(result.skippedFiles ?? []), ...part.skippedFiles];
  }
  return result;
}

/** Options of `createEngine`. */
export interface EngineOptions {
  /**
   * Number of HCL files that keep their syntax tree and conversion for the next analysis (0, the
   * default, keeps none). The language server sets it, because an edited document is parsed on
   * every change. A one-time scan gains nothing from it.
   */
  parseCacheSize?: number;
}

/** Loads the parsers and returns an engine. */
export async function createEngine(options: EngineOptions = {}): Promise<Engine> {
  const size = options.parseCacheSize ?? 0;
  return new Engine(await getParsers(), moduleRules, size > 0 ? new HclParseCache(size) : undefined);
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

/**
 * Marks no fix preferred when it edits a file that parsed only in part. Error recovery can drop
 * statements (a heredoc, an attribute) from the syntax tree, so such a fix may add what the file
 * already has, and editors apply preferred fixes without showing them.
 */
function demoteFixesInBrokenFiles(finding: Finding, module: Module): Finding {
  const broken = new Set(module.files.filter((file) => file.parseErrors.length > 0).map((file) => file.path));
  return demoteFixesIn(finding, broken);
}

/** Makes preferred fixes that edit one of the `broken` files non-preferred. */
function demoteFixesIn(finding: Finding, broken: ReadonlySet<string>): Finding {
  const touchesBroken = (fix: Fix) => fix.edits.some((edit) => broken.has(edit.file));
  if (!finding.fixes.some((fix) => fix.isPreferred && touchesBroken(fix))) return finding;

  const fixes = finding.fixes.map((fix) => (fix.isPreferred && touchesBroken(fix) ? { ...fix, isPreferred: false } : fix));
  return { ...finding, fixes };
}

/** Drops suppressed findings and adds the "ignore with a comment" fix to the rest. */
function applySuppressions(findings: Finding[], module: Module, analysis: ModuleAnalysis): Finding[] {
  const byFile = new Map<string, Suppression[]>();
  const kept: Finding[] = [];
  const suppressed: Finding[] = [];
  for (const original of findings) {
    const file = original.location.file;
    const lines = analysis.lines(file);
    if (!lines) {
      kept.push(original);
      continue;
    }
    if (!byFile.has(file)) byFile.set(file, findSuppressions(lines));
    const extent = (line: number) => statementEndLine(module, file, line);
    const state = suppressionState(byFile.get(file)!, lines, original, extent);
    if (state.suppressed) {
      suppressed.push(original);
      continue;
    }
    const finding = state.finding;
    const ignore = ignoreCommentFix(finding.ruleId, finding.location, lines, commentSyntax(module, file));
    kept.push(ignore ? { ...finding, fixes: [...finding.fixes, ignore] } : finding);
  }
  const suppressionsOf = (file: string): Suppression[] | undefined => {
    const lines = analysis.lines(file);
    if (lines && !byFile.has(file)) byFile.set(file, findSuppressions(lines));
    return byFile.get(file);
  };
  return withoutSuppressedEdits(kept, suppressed, suppressionsOf);
}

/**
 * Keeps suppressed findings as they are when a fix of a kept finding also covers them. One fix
 * can cover several findings: the token fix adds a header to every request of a script. So the
 * edits inside a suppressed finding of the same rule are dropped. Lines inserted right under a
 * suppression comment of the rule go above it, because the comment would cover them instead of
 * its own line. A fix left without edits goes.
 */
function withoutSuppressedEdits(
  kept: Finding[],
  suppressed: Finding[],
  suppressionsOf: (file: string) => Suppression[] | undefined,
): Finding[] {
  const inside = (file: string, edit: TextEdit, ruleId: string): boolean =>
    suppressed.some((other) =>
      other.ruleId === ruleId && other.location.file === file &&
      comparePositions(other.location.range.start, edit.range.start) < 0 &&
      comparePositions(edit.range.end, other.location.range.end) < 0);
  const aboveComment = (file: string, edit: TextEdit, ruleId: string): TextEdit => {
    const { start, end } = edit.range;
    if (start.character !== 0 || comparePositions(start, end) !== 0 || !/\n$/.test(edit.newText)) return edit;
    const comment = suppressionsOf(file)?.find(
      (suppression) => suppression.ownLine && suppression.line === start.line - 1 && suppression.ruleIds.includes(ruleId),
    );
    if (!comment) return edit;
    const position = { line: comment.line, character: 0 };
    return { ...edit, range: { start: position, end: position } };
  };
  return kept.map((finding) => {
    const fixes = finding.fixes
      .map((fix) => ({
        ...fix,
        edits: fix.edits
          .map((fileEdit) => ({
            ...fileEdit,
            edits: fileEdit.edits
              .filter((edit) => !inside(fileEdit.file, edit, finding.ruleId))
              .map((edit) => aboveComment(fileEdit.file, edit, finding.ruleId)),
          }))
          .filter((fileEdit) => fileEdit.edits.length > 0),
      }))
      .filter((fix) => fix.edits.length > 0);
    return { ...finding, fixes };
  });
}

function comparePositions(a: Position, b: Position): number {
  return a.line === b.line ? a.character - b.character : a.line - b.line;
}

/**
 * Decides whether a finding is suppressed. A finding whose covering comment has expired is kept,
 * with a note in its message and the comment as a related location.
 */
function suppressionState(
  suppressions: Suppression[],
  lines: LineIndex,
  finding: Finding,
  extent: (line: number) => number,
): { suppressed: boolean; finding: Finding } {
  const line = finding.location.range.start.line;
  const suppression = coveringSuppression(suppressions, lines, finding.ruleId, line, extent);
  if (!suppression) return { suppressed: false, finding };
  if (!isExpired(suppression)) return { suppressed: true, finding };

  const commentRange = lines.range(lines.lineStart(suppression.line), lines.lineEnd(suppression.line));
  const related = { location: { file: finding.location.file, range: commentRange }, message: `suppression expired on ${suppression.expires}` };
  const expired = { ...finding, message: finding.message + expiryNote(suppression), related: [...finding.related, related] };
  return { suppressed: false, finding: expired };
}

const knownRuleIds: ReadonlySet<string> = new Set(allRules.map((rule) => rule.id));

/** Returns notices for suppression comments of a file that name unknown rules or invalid dates. */
function suppressionNotices(file: string, lines: LineIndex): Notice[] {
  return suppressionProblems(findSuppressions(lines), knownRuleIds, lines).map((problem) => ({
    file,
    range: lines.range(lines.lineStart(problem.line), lines.lineEnd(problem.line)),
    message: problem.message,
  }));
}

/** Builds the notice for a file over the size limit, placed at the file's start so editors show it once. */
function tooLargeNotice(file: string): Notice {
  const start = { line: 0, character: 0 };
  const message = `${path.basename(file)} was not analysed: it is larger than the limit of ${maxFileBytes} bytes.`;
  return { file, message, range: { start, end: start } };
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
