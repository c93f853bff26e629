import { scannedFiles, type Finding, type Location } from '../../engine';
import { countSeverities, displayPath, oneBased, type Report } from '../report';

/** A location in the JSON report: a path relative to the current directory, one-based. */
export interface JsonLocation {
  file: string;
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
}

/** One finding in the JSON report. */
export interface JsonFinding extends JsonLocation {
  ruleId: string;
  severity: Finding['severity'];
  message: string;
  related: (JsonLocation & { message: string })[];
  /** Titles of the quick fixes the editor offers; the edits themselves are left out. */
  fixes: { title: string; isPreferred: boolean }[];
}

/** A file-level message: a skipped, unreadable or partly parsed file. */
export interface JsonNotice {
  file: string;
  message: string;
  startLine?: number;
  startColumn?: number;
}

/** The JSON report as a whole. */
export interface JsonReport {
  tool: { name: string; version: string };
  findings: JsonFinding[];
  notices: JsonNotice[];
  summary: { errors: number; warnings: number; infos: number; files: number };
}

/** Formats the report as JSON: sorted findings, notices and the counts of the summary line. */
export function formatJson(report: Report): string {
  const counts = countSeverities(report.findings);
  const json: JsonReport = {
    tool: { name: report.tool.name, version: report.tool.version },
    findings: report.findings.map((finding) => toJsonFinding(finding, report.cwd)),
    notices: report.result.notices.map((notice) => {
      const entry: JsonNotice = { file: displayPath(notice.file, report.cwd), message: notice.message };
      if (notice.range) {
        entry.startLine = notice.range.start.line + 1;
        entry.startColumn = notice.range.start.character + 1;
      }
      return entry;
    }),
    summary: {
      errors: counts.error,
      warnings: counts.warning,
      infos: counts.info,
      files: scannedFiles(report.result).length,
    },
  };
  return JSON.stringify(json, null, 2) + '\n';
}

function toJsonFinding(finding: Finding, cwd: string): JsonFinding {
  return {
    ruleId: finding.ruleId,
    severity: finding.severity,
    message: finding.message,
    ...toJsonLocation(finding.location, cwd),
    related: finding.related.map((related) => ({
      ...toJsonLocation(related.location, cwd),
      message: related.message,
    })),
    fixes: finding.fixes.map((fix) => ({ title: fix.title, isPreferred: fix.isPreferred })),
  };
}

function toJsonLocation(location: Location, cwd: string): JsonLocation {
  return { file: displayPath(location.file, cwd), ...oneBased(location.range) };
}
