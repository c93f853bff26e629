import { SourceMap } from '../text';
import { MappedTextBuilder } from './mappedText';

/** One part of MIME multipart user data, with its text mapped into the host file. */
export interface MimePart {
  contentType: string;
  text: string;
  map: SourceMap;
}

/** True when user data starts with MIME headers. */
export function isMultipart(text: string): boolean {
  return /^(Content-Type|MIME-Version):/i.test(text.trimStart());
}

/**
 * A map from base64-decoded text to its encoded body. A decoded range maps to the base64 groups
 * of four characters that encode it, which is as exact as the encoding allows. It is not
 * verbatim, so no fix edits through it.
 */
class DecodedBase64Map extends SourceMap {
  /** Host offsets of the encoded characters, whitespace left out, then the body's end. */
  private readonly hostOfEncoded: number[];
  /** UTF-8 byte offset of each decoded UTF-16 offset, and of the end. */
  private readonly byteOfChar: number[];

  constructor(outer: SourceMap, body: string, bodyStart: number, decoded: string) {
    const hostStart = outer.toHost(bodyStart);
    const hostEnd = outer.toHost(bodyStart + body.length);
    super(outer.file, [], hostStart, hostEnd);
    this.hostOfEncoded = [];
    for (let index = 0; index < body.length; index++) {
      if (!/\s/.test(body[index])) this.hostOfEncoded.push(outer.toHost(bodyStart + index));
    }
    this.hostOfEncoded.push(hostEnd);
    this.byteOfChar = [0];
    for (const char of decoded) {
      const last = this.byteOfChar[this.byteOfChar.length - 1];
      const bytes = Buffer.byteLength(char, 'utf8');
      if (char.length === 2) this.byteOfChar.push(last);
      this.byteOfChar.push(last + bytes);
    }
  }

  override toHost(offset: number): number {
    return this.encodedHost(Math.floor(this.byteAt(offset) / 3) * 4);
  }

  override rangeToHost(start: number, end: number): { start: number; end: number } {
    const hostStart = this.toHost(start);
    const encodedEnd = Math.ceil(this.byteAt(end) / 3) * 4;
    // The range ends just after the last encoded character, not at the next one, which may sit
    // on a later line.
    const hostEnd = encodedEnd === 0 ? hostStart : this.encodedHost(encodedEnd - 1) + 1;
    return { start: hostStart, end: Math.max(hostStart, hostEnd) };
  }

  private byteAt(offset: number): number {
    return this.byteOfChar[Math.max(0, Math.min(offset, this.byteOfChar.length - 1))];
  }

  private encodedHost(index: number): number {
    return this.hostOfEncoded[Math.min(index, this.hostOfEncoded.length - 1)];
  }
}

/**
 * Splits MIME multipart user data into its parts. A part in base64 transfer encoding is decoded,
 * and its positions then point at the base64 groups that encode them. Returns no parts when the
 * boundary is missing.
 */
export function splitMultipart(text: string, outer: SourceMap): MimePart[] {
  const boundary = /boundary\s*=\s*"?([^";\r\n]+)"?/i.exec(text)?.[1];
  if (!boundary) return [];
  const delimiter = `--${boundary}`;
  const parts: MimePart[] = [];
  let index = text.indexOf(delimiter);
  while (index >= 0) {
    const lineEnd = text.indexOf('\n', index);
    if (lineEnd < 0 || text.startsWith(`${delimiter}--`, index)) break;
    const next = text.indexOf(`\n${delimiter}`, lineEnd);
    const end = next < 0 ? text.length : next + 1;
    const part = readPart(text, lineEnd + 1, end, outer);
    if (part) parts.push(part);
    index = next < 0 ? -1 : next + 1;
  }
  return parts;
}

function readPart(text: string, start: number, end: number, outer: SourceMap): MimePart | undefined {
  const headerEnd = /\r?\n\r?\n/.exec(text.slice(start, end));
  if (!headerEnd) return undefined;
  const headers = text.slice(start, start + headerEnd.index);
  const bodyStart = start + headerEnd.index + headerEnd[0].length;
  const contentType = (/^Content-Type:\s*([^;\r\n]+)/im.exec(headers)?.[1] ?? 'text/plain').trim().toLowerCase();
  const body = text.slice(bodyStart, end);
  const builder = new MappedTextBuilder(outer);
  if (/^Content-Transfer-Encoding:\s*base64/im.test(headers)) {
    const decoded = Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
    // NOTE: cloud-config inside a base64 part is re-mapped through verbatim segments only, so its
    // findings still cover the whole part.
    return { contentType, text: decoded, map: new DecodedBase64Map(outer, body, bodyStart, decoded) };
  }
  builder.appendVerbatim(body, bodyStart);
  const built = builder.build();
  return { contentType, text: built.text, map: built.map };
}
