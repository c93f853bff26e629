import { performance } from 'perf_hooks';
import {
  DiskSourceProvider,
  OverlaySourceProvider,
  type AnalysisResult,
  type AnalysisUnit,
  type Engine,
  type FileEdit,
  type Range,
} from '../../server/src/engine';
import { applyEdits } from '../helpers';

/** Time one analysis of a fuzzed input may take, in milliseconds. */
export const defaultTimeBoundMs = 2000;

/** The input of one property check: a unit, with some of its files replaced in memory. */
export interface FuzzInput {
  unit: AnalysisUnit;
  /** Replaced file texts by absolute path; files not listed are read from the disk. */
  files: Map<string, string>;
  /** The file the fuzzer mutated; fixes and ranges in other files are checked against the disk. */
  file: string;
}

/**
 * Analyses one input and returns every property it breaks, as readable sentences. An empty list
 * means it passed. The properties are these. The analysis returns without an exception within
 * the time bound. Every range lies inside its document. Every fix applies cleanly and adds no
 * parse error. Applying the preferred fixes a second time leaves the text unchanged.
 */
export function checkInput(engine: Engine, input: FuzzInput, timeBoundMs = defaultTimeBoundMs): string[] {
  const first = timedAnalysis(engine, input.unit, input.files, timeBoundMs);
  if (typeof first === 'string') return [first];

  const problems = [...rangeProblems(first.result, input.files), ...first.problems];
  const parseNoticesBefore = parseNoticeFiles(first.result);
  for (const finding of first.result.findings) {
    for (const fix of finding.fixes) {
      problems.push(...fixProblems(engine, input, fix.edits, parseNoticesBefore, `${finding.ruleId} fix "${fix.title}"`));
    }
  }
  problems.push(...idempotenceProblems(engine, input, first.result));
  return problems;
}

/** Runs one analysis; returns its result and a time problem, or the exception as a string. */
function timedAnalysis(
  engine: Engine,
  unit: AnalysisUnit,
  files: Map<string, string>,
  timeBoundMs: number,
): { result: AnalysisResult; problems: string[] } | string {
  const started = performance.now();
  let result: AnalysisResult;
  try {
    result = engine.analyzeUnit(unit, overlay(files));
  } catch (error) {
    return `analysis threw: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
  }
  const elapsed = performance.now() - started;
  const problems = elapsed > timeBoundMs ? [`analysis took ${elapsed.toFixed(0)} ms, over the ${timeBoundMs} ms bound`] : [];
  return { result, problems };
}

/** Returns a source provider over the disk with the given files replaced. */
export function overlay(files: Map<string, string>): OverlaySourceProvider {
  return new OverlaySourceProvider(new DiskSourceProvider(), (file) => files.get(file));
}

function textOf(file: string, files: Map<string, string>): string | undefined {
  if (files.has(file)) return files.get(file);
  try {
    return new DiskSourceProvider().readText(file);
  } catch {
    return undefined;
  }
}

/** Lists the ranges of findings, related locations, notices and fix edits that leave their document. */
function rangeProblems(result: AnalysisResult, files: Map<string, string>): string[] {
  const problems: string[] = [];
  const check = (file: string, range: Range, what: string) => {
    const text = textOf(file, files);
    if (text === undefined) return;
    const reason = rangeOutside(text, range);
    if (reason) problems.push(`${what} in ${file}: ${reason}`);
  };
  for (const finding of result.findings) {
    check(finding.location.file, finding.location.range, `${finding.ruleId} finding range`);
    for (const related of finding.related) check(related.location.file, related.location.range, `${finding.ruleId} related range`);
    for (const fix of finding.fixes) {
      for (const edit of fix.edits) for (const text of edit.edits) check(edit.file, text.range, `${finding.ruleId} fix edit range`);
    }
  }
  for (const notice of result.notices) if (notice.range) check(notice.file, notice.range, 'notice range');
  return problems;
}

/** Explains why a range does not lie inside a text, or returns undefined when it does. */
export function rangeOutside(text: string, range: Range): string | undefined {
  const lengths = lineLengths(text);
  for (const [name, position] of [['start', range.start], ['end', range.end]] as const) {
    if (position.line < 0 || position.line >= lengths.length) return `${name} line ${position.line} of ${lengths.length} lines`;
    if (position.character < 0 || position.character > lengths[position.line]) {
      return `${name} character ${position.character} past line ${position.line} of length ${lengths[position.line]}`;
    }
  }
  const { start, end } = range;
  if (end.line < start.line || (end.line === start.line && end.character < start.character)) return 'end before start';
  return undefined;
}

/** Returns the length of each line in UTF-16 code units, with "\r\n", "\r" and "\n" as breaks. */
export function lineLengths(text: string): number[] {
  return text.split(/\r\n|\r|\n/).map((line) => line.length);
}

function parseNoticeFiles(result: AnalysisResult): Set<string> {
  return new Set(result.notices.filter((notice) => /parsing failed/.test(notice.message)).map((notice) => notice.file));
}

/** Applies one fix in memory and reports overlapping edits and parse errors the fix adds. */
function fixProblems(engine: Engine, input: FuzzInput, edits: FileEdit[], parsedBefore: Set<string>, what: string): string[] {
  const files = new Map(input.files);
  for (const edit of edits) {
    const text = textOf(edit.file, files);
    if (text === undefined) return [`${what} edits ${edit.file}, which cannot be read`];
    if (overlaps(text, edit)) return [`${what} has overlapping edits in ${edit.file}`];
    files.set(edit.file, applyEdits(text, edit.edits));
  }
  const after = timedAnalysis(engine, input.unit, files, Number.POSITIVE_INFINITY);
  if (typeof after === 'string') return [`after ${what}: ${after}`];

  const added = [...parseNoticeFiles(after.result)].filter((file) => !parsedBefore.has(file));
  return added.map((file) => `${what} adds a parse error in ${file}: ${noticeOf(after.result, file)}`);
}

function noticeOf(result: AnalysisResult, file: string): string {
  return result.notices.find((notice) => notice.file === file)?.message ?? '';
}

function overlaps(text: string, edit: FileEdit): boolean {
  const spans = edit.edits
    .map((one) => ({ start: offsetOf(text, one.range.start), end: offsetOf(text, one.range.end) }))
    .sort((a, b) => a.start - b.start || a.end - b.end);
  return spans.some((span, i) => i > 0 && span.start < spans[i - 1].end);
}

function offsetOf(text: string, position: { line: number; character: number }): number {
  const lengths = lineLengths(text);
  let offset = 0;
  for (let line = 0; line < position.line && line < lengths.length; line++) {
    offset += lengths[line];
    offset += text.startsWith('\r\n', offset) ? 2 : 1;
  }
  return offset + position.character;
}

/**
 * Applies every finding's preferred fix once (skipping fixes that overlap one already taken),
 * analyses again and applies the preferred fixes of the new result. The second pass must not
 * change any text. Inputs where the first pass skipped a fix are not judged, because the second
 * pass then legitimately applies it.
 */
function idempotenceProblems(engine: Engine, input: FuzzInput, result: AnalysisResult): string[] {
  const once = applyPreferred(result, input.files);
  if (!once || once.skipped || !once.changed) return [];
  const again = timedAnalysis(engine, input.unit, once.files, Number.POSITIVE_INFINITY);
  if (typeof again === 'string') return [`after the preferred fixes: ${again}`];

  const twice = applyPreferred(again.result, once.files);
  if (!twice || !twice.changed) return [];
  const changed = [...twice.files].filter(([file, text]) => once.files.get(file) !== text).map(([file]) => file);
  return [`applying the preferred fixes twice changes ${changed.join(', ')} again`];
}

function applyPreferred(
  result: AnalysisResult,
  files: Map<string, string>,
): { files: Map<string, string>; changed: boolean; skipped: boolean } | undefined {
  const taken = new Map<string, FileEdit['edits']>();
  let skipped = false;
  for (const finding of result.findings) {
    const fix = finding.fixes.find((candidate) => candidate.isPreferred);
    if (!fix) continue;
    const clash = fix.edits.some((edit) => {
      const text = textOf(edit.file, files) ?? '';
      return overlaps(text, { file: edit.file, edits: [...(taken.get(edit.file) ?? []), ...edit.edits] });
    });
    if (clash) {
      skipped = true;
      continue;
    }
    for (const edit of fix.edits) taken.set(edit.file, [...(taken.get(edit.file) ?? []), ...edit.edits]);
  }
  const next = new Map(files);
  for (const [file, edits] of taken) {
    const text = textOf(file, files);
    if (text === undefined) return undefined;
    next.set(file, applyEdits(text, edits));
  }
  const changed = [...taken.keys()].some((file) => next.get(file) !== textOf(file, files));
  return { files: next, changed, skipped };
}
