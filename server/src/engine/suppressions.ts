import type { LineIndex } from './text';

/** A `metadata-guard:ignore` comment found in a file. */
export interface Suppression {
  /** Zero-based line of the comment. */
  line: number;
  ruleIds: string[];
  reason: string | undefined;
  /** True when the comment is alone on its line, so it covers the statement below it. */
  ownLine: boolean;
  /** Last day the comment applies, as `YYYY-MM-DD` from `exp:YYYY-MM-DD`; undefined when it never expires. */
  expires: string | undefined;
}

// `#`, `//`, `/*`, `<#` and `rem` open a comment in the file types the engine reads.
// An optional `exp:YYYY-MM-DD` after the rule ids sets the last day the comment applies. Any
// other word after `exp:` is read too, so that `suppressionProblems` can report it.
const directivePattern =
  /(#|\/\/|\/\*|<#|\brem\b)\s*metadata-guard:ignore\s+([A-Za-z0-9_-]+(?:\s*,\s*[A-Za-z0-9_-]+)*)(?:\s+exp:([^\s*#]+))?(?:\s+--\s*(.*?))?\s*(?:\*\/|#>)?\s*$/;

/** A comment that starts a suppression, whether or not the rest of it can be read. */
const directiveStart = /(#|\/\/|\/\*|<#|\brem\b)\s*metadata-guard:ignore\b/;

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
      reason: match[4] || undefined,
      ownLine: before.trim().length === 0,
      expires: match[3],
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
 * Finds the suppression that covers a finding starting on `findingLine` for `ruleId`, expired or
 * not. `statementExtent(line)` returns the last line of the block or attribute that starts on
 * `line`, so a comment above a block covers the whole block.
 */
export function coveringSuppression(
  suppressions: Suppression[],
  lines: LineIndex,
  ruleId: string,
  findingLine: number,
  statementExtent: (line: number) => number,
): Suppression | undefined {
  for (const suppression of suppressions) {
    if (!suppression.ruleIds.includes(ruleId)) continue;
    if (!suppression.ownLine) {
      if (suppression.line === findingLine) return suppression;
      continue;
    }
    const first = coveredLine(lines, suppression.line);
    const last = statementExtent(first);
    if (findingLine >= first && findingLine <= last) return suppression;
  }
  return undefined;
}

/**
 * Tells whether a suppression has expired: `today` is after its `exp:` date. A date that does not
 * exist counts as passed, so a mistake never hides a finding.
 */
export function isExpired(suppression: Suppression, today: Date = new Date()): boolean {
  if (suppression.expires === undefined) return false;
  return !isValidDate(suppression.expires) || localDate(today) > suppression.expires;
}

/** Decides whether a finding is suppressed by a comment that has not expired (see `coveringSuppression`). */
export function isSuppressed(
  suppressions: Suppression[],
  lines: LineIndex,
  ruleId: string,
  findingLine: number,
  statementExtent: (line: number) => number,
  today: Date = new Date(),
): boolean {
  const suppression = coveringSuppression(suppressions, lines, ruleId, findingLine, statementExtent);
  return suppression !== undefined && !isExpired(suppression, today);
}

/** Builds the note added to a finding whose suppression comment has expired. */
export function expiryNote(suppression: Suppression): string {
  const where = `The suppression comment on line ${suppression.line + 1}`;
  if (suppression.expires !== undefined && !isValidDate(suppression.expires)) {
    return ` (${where} has an invalid expiry date ${suppression.expires}, so it no longer applies.)`;
  }
  return ` (${where} expired on ${suppression.expires}.)`;
}

/** A rule id written in a suppression comment, with its columns on the line. */
export interface RuleIdSpan {
  ruleId: string;
  /** Zero-based UTF-16 column of the first character. */
  start: number;
  /** Zero-based UTF-16 column after the last character. */
  end: number;
}

/** Finds the rule id of a suppression comment under `character` on one line of text. */
export function suppressionRuleAt(lineText: string, character: number): RuleIdSpan | undefined {
  const match = directivePattern.exec(lineText);
  if (!match) return undefined;
  const listStart = match.index + match[0].indexOf(match[2], match[0].indexOf('metadata-guard:ignore'));
  const idPattern = /[A-Za-z0-9_-]+/g;
  for (let found = idPattern.exec(match[2]); found; found = idPattern.exec(match[2])) {
    const start = listStart + found.index;
    const end = start + found[0].length;
    if (character >= start && character <= end) return { ruleId: found[0], start, end };
  }
  return undefined;
}

function localDate(date: Date): string {
  const month = String(date.getMonth() + 1).padStart(2, '0');
  const day = String(date.getDate()).padStart(2, '0');
  return `${date.getFullYear()}-${month}-${day}`;
}

/** Returns the lines that start a suppression comment that `findSuppressions` could not read. */
function unreadableDirectives(lines: LineIndex, suppressions: Suppression[]): number[] {
  if (!lines.text.includes('metadata-guard:ignore')) return [];
  const read = new Set(suppressions.map((suppression) => suppression.line));
  const unreadable: number[] = [];
  for (let line = 0; line < lines.lineCount; line++) {
    if (read.has(line)) continue;
    if (directiveStart.test(lines.text.slice(lines.lineStart(line), lines.lineEnd(line)))) unreadable.push(line);
  }
  return unreadable;
}

/** True when `date` is written `YYYY-MM-DD` and names a day that exists in the calendar. */
export function isValidDate(date: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return false;
  const [year, month, day] = date.split('-').map(Number);
  const parsed = new Date(Date.UTC(year, month - 1, day));
  return parsed.getUTCFullYear() === year && parsed.getUTCMonth() === month - 1 && parsed.getUTCDate() === day;
}

/**
 * Lists the mistakes in suppression comments that would otherwise go unnoticed: a rule id that
 * no rule has (a typo keeps the finding), and an expiry date that does not exist, which counts
 * as passed.
 */
export function suppressionProblems(
  suppressions: Suppression[],
  knownRuleIds: ReadonlySet<string>,
  lines?: LineIndex,
): Array<{ line: number; message: string }> {
  const problems: Array<{ line: number; message: string }> = [];
  for (const line of lines ? unreadableDirectives(lines, suppressions) : []) {
    problems.push({
      line,
      message: 'The suppression comment cannot be read. Expected: metadata-guard:ignore <rule-id>[,<rule-id>] [exp:YYYY-MM-DD] [-- reason].',
    });
  }
  for (const suppression of suppressions) {
    for (const ruleId of suppression.ruleIds.filter((id) => !knownRuleIds.has(id))) {
      const known = [...knownRuleIds].sort().join(', ');
      problems.push({ line: suppression.line, message: `The suppression comment names an unknown rule "${ruleId}", so it suppresses nothing for it. Known rules: ${known}.` });
    }
    if (suppression.expires !== undefined && !isValidDate(suppression.expires)) {
      problems.push({
        line: suppression.line,
        message: `The suppression comment has an invalid expiry date "${suppression.expires}" (expected exp:YYYY-MM-DD), so it counts as expired.`,
      });
    }
  }
  return problems;
}
