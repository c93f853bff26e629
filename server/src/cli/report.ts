import * as path from 'path';
import type { AnalysisResult, Finding, Range, Severity } from '../engine';

/** Name, version and home page of the tool, as the report formats print them. */
export interface ToolInfo {
  name: string;
  version: string;
  informationUri: string;
}

/** Everything a report format needs: the sorted result and the folders paths are relative to. */
export interface Report {
  tool: ToolInfo;
  /** Folder that text and JSON paths are relative to (the current directory). */
  cwd: string;
  /** Folder that SARIF artifact URIs are relative to (`SRCROOT`). */
  root: string;
  result: AnalysisResult;
  /** The result's findings, sorted by file, then position, then rule id. */
  findings: Finding[];
}

/** Counts of findings per severity. */
export type SeverityCounts = Record<Severity, number>;

const severityRank: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** Builds a report, sorting the findings so that every format lists them in the same order. */
export function buildReport(tool: ToolInfo, cwd: string, root: string, result: AnalysisResult): Report {
  const findings = [...result.findings].sort(compareFindings);
  return { tool, cwd, root, result, findings };
}

function compareFindings(a: Finding, b: Finding): number {
  const byFile = compareStrings(a.location.file, b.location.file);
  if (byFile !== 0) return byFile;
  const byPosition = comparePositions(a.location.range, b.location.range);
  if (byPosition !== 0) return byPosition;
  return compareStrings(a.ruleId, b.ruleId);
}

/** Compares by UTF-16 code units, so the order does not depend on the locale. */
function compareStrings(a: string, b: string): number {
  if (a < b) return -1;
  if (a > b) return 1;
  return 0;
}

function comparePositions(a: Range, b: Range): number {
  return a.start.line - b.start.line || a.start.character - b.start.character;
}

/** Counts the findings of each severity. */
export function countSeverities(findings: Finding[]): SeverityCounts {
  const counts: SeverityCounts = { error: 0, warning: 0, info: 0 };
  for (const finding of findings) counts[finding.severity]++;
  return counts;
}

/** Returns true when the severity is as serious as `threshold` or more serious. */
export function reachesThreshold(severity: Severity, threshold: Severity): boolean {
  return severityRank[severity] <= severityRank[threshold];
}

/** Returns a path relative to `base` with forward slashes, or the absolute path outside it. */
export function displayPath(file: string, base: string): string {
  if (!isInside(file, base)) return file;
  const relative = path.relative(base, file);
  return relative === '' ? '.' : relative.split(path.sep).join('/');
}

/** Returns the folder that contains every one of the given absolute paths. */
export function commonFolder(paths: string[]): string {
  if (paths.length === 0) return process.cwd();
  let common = paths[0];
  for (const candidate of paths.slice(1)) {
    while (!isInside(candidate, common)) common = path.dirname(common);
  }
  return common;
}

/** Returns true when `file` is `folder` or lies under it. */
export function isInside(file: string, folder: string): boolean {
  const relative = path.relative(folder, file);
  if (path.isAbsolute(relative)) return false;
  return relative !== '..' && !relative.startsWith(`..${path.sep}`);
}

/** Converts a zero-based range to one-based lines and columns (UTF-16 code units). */
export function oneBased(range: Range): {
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
} {
  return {
    startLine: range.start.line + 1,
    startColumn: range.start.character + 1,
    endLine: range.end.line + 1,
    endColumn: range.end.character + 1,
  };
}

/** Joins the lines of a message into one line, for formats that print one finding a line. */
export function singleLine(message: string): string {
  return message.replace(/\s*\r?\n\s*/g, ' ').trim();
}
