import { SourceMap, SourceMapBuilder } from '../text';

/**
 * Builds a derived text out of parts of an intermediate text (cloud-config YAML, one MIME part)
 * that is itself mapped into a host file by `outer`. Verbatim runs are split along the outer
 * map's segments, so a position in the derived text lands on the exact host character.
 */
export class MappedTextBuilder {
  private readonly builder: SourceMapBuilder;

  constructor(private readonly outer: SourceMap) {
    this.builder = new SourceMapBuilder(outer.file);
  }

  /** Appends `text`, which is the intermediate text's own characters from offset `start` on. */
  appendVerbatim(text: string, start: number): void {
    let done = 0;
    for (const segment of this.outer.segments) {
      const segmentEnd = segment.textStart + segment.length;
      const from = Math.max(start + done, segment.textStart);
      const to = Math.min(start + text.length, segmentEnd);
      if (to <= from) continue;
      if (from > start + done) this.builder.appendSynthetic(text.slice(done, from - start));
      this.builder.appendVerbatim(text.slice(from - start, to - start), segment.hostStart + (from - segment.textStart));
      done = to - start;
    }
    if (done < text.length) this.builder.appendSynthetic(text.slice(done));
  }

  /** Appends text with no verbatim source, such as a separator or a decoded escape. */
  appendSynthetic(text: string): void {
    this.builder.appendSynthetic(text);
  }

  /** Returns the text and its map into the host file. */
  build(): { text: string; map: SourceMap } {
    return this.builder.build(this.outer.fallbackStart, this.outer.fallbackEnd);
  }
}

/** Returns the part of `outer` that covers intermediate offsets from `start` on, shifted to 0. */
export function sliceMap(outer: SourceMap, start: number, end: number): SourceMap {
  const builder = new MappedTextBuilder(outer);
  builder.appendVerbatim(' '.repeat(end - start), start);
  return builder.build().map;
}
