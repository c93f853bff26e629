import type { Position, Range } from './types';

/** Converts between string offsets (UTF-16 code units) and LSP positions for one text. */
export class LineIndex {
  private readonly lineStarts: number[];
  private mainEol: string | undefined;

  constructor(readonly text: string) {
    this.lineStarts = [0];
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code === 13 /* \r */) {
        if (text.charCodeAt(i + 1) === 10) i++;
        this.lineStarts.push(i + 1);
      } else if (code === 10 /* \n */) {
        this.lineStarts.push(i + 1);
      }
    }
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }

  positionAt(offset: number): Position {
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    let low = 0;
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (this.lineStarts[middle] <= clamped) low = middle;
      else high = middle - 1;
    }
    return { line: low, character: clamped - this.lineStarts[low] };
  }

  offsetAt(position: Position): number {
    if (position.line >= this.lineStarts.length) return this.text.length;
    const start = this.lineStarts[Math.max(0, position.line)];
    const end = this.lineEnd(position.line);
    return Math.min(start + Math.max(0, position.character), end);
  }

  range(start: number, end: number): Range {
    return { start: this.positionAt(start), end: this.positionAt(end) };
  }

  lineStart(line: number): number {
    return this.lineStarts[Math.min(Math.max(0, line), this.lineStarts.length - 1)];
  }

  /** Returns the offset of the end of a line, before its line break. */
  lineEnd(line: number): number {
    const next = line + 1 < this.lineStarts.length ? this.lineStarts[line + 1] : this.text.length;
    let end = next;
    if (end > this.lineStart(line) && this.text.charCodeAt(end - 1) === 10) end--;
    if (end > this.lineStart(line) && this.text.charCodeAt(end - 1) === 13) end--;
    return end;
  }

  /**
   * Returns the line break the text uses most, or "\n" when it has none, so an edit in a file
   * with mixed line endings follows the majority.
   */
  get eol(): string {
    this.mainEol ??= this.countLineBreaks();
    return this.mainEol;
  }

  private countLineBreaks(): string {
    let crlf = 0;
    let cr = 0;
    let lf = 0;
    for (const match of this.text.matchAll(/\r\n|\r|\n/g)) {
      if (match[0] === '\r\n') crlf++;
      else if (match[0] === '\r') cr++;
      else lf++;
    }
    if (crlf > lf && crlf >= cr) return '\r\n';
    if (cr > lf && cr > crlf) return '\r';
    return '\n';
  }
}

/** A run of characters copied verbatim from a host file into a derived text. */
export interface MapSegment {
  /** Offset of the run in the derived text. */
  textStart: number;
  /** Offset of the run in the host file. */
  hostStart: number;
  length: number;
}

/**
 * Maps offsets in a derived text (a script taken out of a heredoc, a decoded string) back to
 * offsets in the file it came from. Characters outside every segment, such as a decoded escape
 * or a placeholder, map to the host offset of the nearest segment before them, or to
 * `fallbackStart` when there is none.
 */
export class SourceMap {
  constructor(
    readonly file: string,
    readonly segments: MapSegment[],
    readonly fallbackStart: number,
    readonly fallbackEnd: number,
  ) {}

  /** Builds a map for text that is the host's own text from `hostStart` on. */
  static identity(file: string, hostStart: number, length: number): SourceMap {
    return new SourceMap(file, [{ textStart: 0, hostStart, length }], hostStart, hostStart + length);
  }

  /** Builds a map that sends every offset to one host range, for text that was decoded. */
  static opaque(file: string, hostStart: number, hostEnd: number): SourceMap {
    return new SourceMap(file, [], hostStart, hostEnd);
  }

  /** True when every character of the derived text maps to itself in the host. */
  get isVerbatim(): boolean {
    return this.segments.length > 0;
  }

  toHost(offset: number): number {
    let best: MapSegment | undefined;
    for (const segment of this.segments) {
      if (segment.textStart > offset) break;
      best = segment;
    }
    if (!best) return this.fallbackStart;
    const inside = offset - best.textStart;
    return best.hostStart + Math.min(inside, best.length);
  }

  /** Maps a derived range; an empty or backwards host range widens to the fallback range. */
  rangeToHost(start: number, end: number): { start: number; end: number } {
    if (this.segments.length === 0) return { start: this.fallbackStart, end: this.fallbackEnd };
    const hostStart = this.toHost(start);
    const hostEnd = this.toHost(end);
    return hostEnd >= hostStart ? { start: hostStart, end: hostEnd } : { start: hostStart, end: hostStart };
  }

  /** Shifts a map by `offset` characters of derived text, for a slice that starts there. */
  slice(offset: number): SourceMap {
    const segments: MapSegment[] = [];
    for (const segment of this.segments) {
      const end = segment.textStart + segment.length;
      if (end <= offset) continue;
      const skip = Math.max(0, offset - segment.textStart);
      segments.push({
        textStart: segment.textStart + skip - offset,
        hostStart: segment.hostStart + skip,
        length: segment.length - skip,
      });
    }
    const first = segments.length > 0 ? segments[0].hostStart : this.fallbackStart;
    return new SourceMap(this.file, segments, segments.length > 0 ? first : this.fallbackStart, this.fallbackEnd);
  }
}

/** Builds a source map piece by piece while a derived text is assembled. */
export class SourceMapBuilder {
  private text = '';
  private readonly segments: MapSegment[] = [];

  constructor(readonly file: string) {}

  /** Appends text copied verbatim from the host at `hostStart`. */
  appendVerbatim(text: string, hostStart: number): void {
    if (text.length === 0) return;
    const last = this.segments[this.segments.length - 1];
    if (last && last.textStart + last.length === this.text.length && last.hostStart + last.length === hostStart) {
      last.length += text.length;
    } else {
      this.segments.push({ textStart: this.text.length, hostStart, length: text.length });
    }
    this.text += text;
  }

  /** Appends text that has no verbatim source, such as a decoded escape or a placeholder. */
  appendSynthetic(text: string): void {
    this.text += text;
  }

  build(fallbackStart: number, fallbackEnd: number): { text: string; map: SourceMap } {
    return { text: this.text, map: new SourceMap(this.file, [...this.segments], fallbackStart, fallbackEnd) };
  }
}
