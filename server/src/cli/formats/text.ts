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

/** Returns the summary line: `N errors, N warnings, N infos in N files`. */
export function formatSummary(report: Report): string {
  const counts = countSeverities(report.findings);
  const files = report.result.analyzedFiles.length;
  return `${counts.error} errors, ${counts.warning} warnings, ${counts.info} infos in ${files} files`;
}
