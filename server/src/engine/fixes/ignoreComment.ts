import type { LineIndex } from '../text';
import type { Fix, Location } from '../types';

/** Comment openers by file syntax; files without comments (JSON) get no ignore fix. */
const commentOpeners: Record<string, string | undefined> = {
  hcl: '#',
  bash: '#',
  powershell: '#',
  yaml: '#',
  typescript: '//',
  json: undefined,
};

/**
 * Builds the "ignore with a comment" fix: a suppression comment on its own line above the line
 * the finding starts on, indented like that line.
 */
export function ignoreCommentFix(ruleId: string, location: Location, lines: LineIndex, syntax: string): Fix | undefined {
  const opener = commentOpeners[syntax];
  if (!opener) return undefined;
  const line = location.range.start.line;
  const start = lines.lineStart(line);
  const indent = /^[ \t]*/.exec(lines.text.slice(start, lines.lineEnd(line)))![0];
  // A byte-order mark must stay the first character of the file, so the comment goes after it.
  const afterMark = start === 0 && lines.text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const position = { line, character: afterMark };
  return {
    title: `Ignore ${ruleId} here with a comment`,
    isPreferred: false,
    edits: [
      {
        file: location.file,
        edits: [{ range: { start: position, end: position }, newText: `${indent}${opener} metadata-guard:ignore ${ruleId} -- reason${lines.eol}` }],
      },
    ],
  };
}
