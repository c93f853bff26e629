/**
 * Decoding of string literals written in programs (TypeScript strings and template literal
 * text, YAML scalars) into their values, with a source map back to the host file.
 */
import { SourceMapBuilder, type SourceMap } from '../text';

/** A decoded string value and the map from its offsets to the host file's offsets. */
export interface DecodedString {
  text: string;
  map: SourceMap;
}

const simpleEscapes: Record<string, string> = {
  n: '\n',
  r: '\r',
  t: '\t',
  b: '\b',
  f: '\f',
  v: '\v',
  '0': '\0',
  '"': '"',
  "'": "'",
  '`': '`',
  '\\': '\\',
  '$': '$',
  '{': '{',
  '}': '}',
  '/': '/',
  ' ': ' ',
};

/**
 * Decodes the body of a TypeScript string literal or template literal text (`raw`, without
 * quotes), which starts at `hostStart` in `file`. Escapes become synthetic characters mapped to
 * the nearest verbatim text; `\` before a line break continues the line.
 */
export function decodeTypeScriptText(raw: string, hostStart: number, file: string): DecodedString {
  const builder = new SourceMapBuilder(file);
  let i = 0;
  while (i < raw.length) {
    const char = raw[i];
    if (char !== '\\') {
      builder.appendVerbatim(char, hostStart + i);
      i++;
      continue;
    }
    const next = raw[i + 1] ?? '';
    const unicode = /^u\{([0-9a-fA-F]+)\}|^u([0-9a-fA-F]{4})|^x([0-9a-fA-F]{2})/.exec(raw.slice(i + 1));
    if (unicode) {
      builder.appendSynthetic(String.fromCodePoint(parseInt(unicode[1] ?? unicode[2] ?? unicode[3], 16)));
      i += 1 + unicode[0].length;
    } else if (next === '\r' || next === '\n') {
      i += raw[i + 1] === '\r' && raw[i + 2] === '\n' ? 3 : 2;
    } else {
      builder.appendSynthetic(simpleEscapes[next] ?? next);
      i += 2;
    }
  }
  return builder.build(hostStart, hostStart + raw.length);
}

/** Decodes a YAML double-quoted scalar's body (without quotes) that starts at `hostStart`. */
export function decodeYamlDoubleQuoted(raw: string, hostStart: number, file: string): DecodedString {
  // NOTE: line folding inside multi-line double-quoted scalars is not applied; such values keep
  // their line breaks, which matters only for scalars that span lines.
  return decodeTypeScriptText(raw, hostStart, file);
}

/** Decodes a YAML single-quoted scalar's body (without quotes), where `''` is one quote. */
export function decodeYamlSingleQuoted(raw: string, hostStart: number, file: string): DecodedString {
  const builder = new SourceMapBuilder(file);
  let i = 0;
  while (i < raw.length) {
    if (raw[i] === "'" && raw[i + 1] === "'") {
      builder.appendVerbatim("'", hostStart + i);
      i += 2;
      continue;
    }
    builder.appendVerbatim(raw[i], hostStart + i);
    i++;
  }
  return builder.build(hostStart, hostStart + raw.length);
}

/**
 * Decodes the content of a YAML literal block scalar (`|`, `|-`, `|+`) from the host text: the
 * lines after the header, less their common indentation. `contentStart` is the offset just after
 * the header line's break and `contentEnd` the end of the node.
 */
export function decodeYamlLiteralBlock(host: string, contentStart: number, contentEnd: number, file: string): DecodedString {
  const builder = new SourceMapBuilder(file);
  const body = host.slice(contentStart, contentEnd);
  const lines = body.split(/(?<=\n)/);
  const indent = Math.min(
    ...lines.filter((line) => line.trim() !== '').map((line) => /^ */.exec(line)![0].length),
  );
  let offset = contentStart;
  for (const line of lines) {
    const skip = line.trim() === '' ? Math.min(line.length - (line.endsWith('\n') ? 1 : 0), indent) : indent;
    builder.appendVerbatim(line.slice(skip), offset + skip);
    offset += line.length;
  }
  return builder.build(contentStart, contentEnd);
}
