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
 * Splits MIME multipart user data into its parts. A part in base64 transfer encoding is decoded,
 * and its positions then all point at the part's body. Returns no parts when the boundary is
 * missing.
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
    const hostStart = outer.toHost(bodyStart);
    const decoded = Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
    return { contentType, text: decoded, map: SourceMap.opaque(outer.file, hostStart, outer.toHost(end)) };
  }
  builder.appendVerbatim(body, bodyStart);
  const built = builder.build();
  return { contentType, text: built.text, map: built.map };
}
