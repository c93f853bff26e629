import { scannedFiles } from '../../engine';
import { countSeverities, displayPath, singleLine, type Report } from '../report';

/**
 * Formats findings one a line, `path:line:column severity rule-id message`, with one-based line
 * and column and paths relative to the current directory, then a summary line.
 */
export function formatText(report: Report): string {
  const lines = report.findings.map((finding) => {
    const { file, range } = finding.location;
    const where = `${displayPath(file, report.cwd)}:${range.start.line + 1}:${range.start.character + 1}`;
    return `${where} ${finding.severity} ${finding.ruleId} ${singleLine(finding.message)}`;
  });
  lines.push(formatSummary(report));
  return lines.join('\n') + '\n';
}

/**
 * Returns the summary line, such as `1 error, 2 warnings, 0 infos in 3 files`. Files that were
 * skipped (too large, unreadable) are not counted.
 */
export function formatSummary(report: Report): string {
  const counts = countSeverities(report.findings);
  const files = scannedFiles(report.result).length;
  const parts = [plural(counts.error, 'error'), plural(counts.warning, 'warning'), plural(counts.info, 'info')];
  return `${parts.join(', ')} in ${plural(files, 'file')}`;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
