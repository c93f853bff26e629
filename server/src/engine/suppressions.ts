import type { LineIndex } from './text';

/** A `metadata-guard:ignore` comment found in a file. */
export interface Suppression {
  /** Zero-based line of the comment. */
  line: number;
  ruleIds: string[];
  reason: string | undefined;
  /** True when the comment is alone on its line, so it covers the statement below it. */
  ownLine: boolean;
}

// `#`, `//`, `/*`, `<#` and `rem` open a comment in the file types the engine reads.
const directivePattern =
  /(#|\/\/|\/\*|<#|\brem\b)\s*metadata-guard:ignore\s+([A-Za-z0-9_-]+(?:\s*,\s*[A-Za-z0-9_-]+)*)(?:\s+--\s*(.*?))?\s*(?:\*\/|#>)?\s*$/;

/** Finds every suppression comment in a text. */
export function findSuppressions(lines: LineIndex): Suppression[] {
  const found: Suppression[] = [];
  if (!lines.text.includes('metadata-guard:ignore')) return found;
  for (let line = 0; line < lines.lineCount; line++) {
    const text = lines.text.slice(lines.lineStart(line), lines.lineEnd(line));
    if (!text.includes('metadata-guard:ignore')) continue;
    const match = directivePattern.exec(text);
    if (!match) continue;
    const before = text.slice(0, match.index);
    found.push({
      line,
      ruleIds: match[2].split(',').map((id) => id.trim()),
      reason: match[3] || undefined,
      ownLine: before.trim().length === 0,
    });
  }
  return found;
}

/**
 * Returns the first line a comment-only suppression covers: the next line that is neither blank
 * nor a comment, so that a reason may span several comment lines.
 */
export function coveredLine(lines: LineIndex, commentLine: number): number {
  for (let line = commentLine + 1; line < lines.lineCount; line++) {
    const text = lines.text.slice(lines.lineStart(line), lines.lineEnd(line)).trim();
    if (text.length === 0 || /^(#|\/\/|\/\*|\*)/.test(text)) continue;
    return line;
  }
  return commentLine;
}

/**
 * Decides whether a finding starting on `findingLine` is suppressed for `ruleId`.
 * `statementExtent(line)` returns the last line of the block or attribute that starts on `line`,
 * so a comment above a block covers the whole block.
 */
export function isSuppressed(
  suppressions: Suppression[],
  lines: LineIndex,
  ruleId: string,
  findingLine: number,
  statementExtent: (line: number) => number,
): boolean {
  for (const suppression of suppressions) {
    if (!suppression.ruleIds.includes(ruleId)) continue;
    if (!suppression.ownLine) {
      if (suppression.line === findingLine) return true;
      continue;
    }
    const first = coveredLine(lines, suppression.line);
    const last = statementExtent(first);
    if (findingLine >= first && findingLine <= last) return true;
  }
  return false;
}
