import type { BootScript } from '../cloudinit/userData';
import type { ScriptEditor } from '../fixes/scriptEditor';
import type { HostSpan, ScriptFacts } from '../scripts/facts';
import type { LineIndex } from '../text';
import type { Finding, Location } from '../types';
import type { RuleMeta } from './registry';

/** One boot script or stand-alone script, analysed, with what its rules need to report and fix. */
export interface ScriptTarget {
  boot: BootScript;
  facts: ScriptFacts;
  editor: ScriptEditor;
  /** Returns the line index of a host file, or undefined when it cannot be read. */
  lines(file: string): LineIndex | undefined;
}

/** A rule over one script, run on stand-alone scripts and on boot scripts in every host. */
export interface ScriptRule {
  meta: RuleMeta;
  check(target: ScriptTarget): Finding[];
}

/** Builds the location of a script fact from its host span. */
export function spanLocation(target: ScriptTarget, span: HostSpan): Location {
  const lines = target.lines(span.file);
  const zero = { line: 0, character: 0 };
  return { file: span.file, range: lines ? lines.range(span.start, span.end) : { start: zero, end: zero } };
}

/** Returns the host text of a span, or undefined when the file cannot be read. */
export function spanText(target: ScriptTarget, span: HostSpan): string | undefined {
  return target.lines(span.file)?.text.slice(span.start, span.end);
}
