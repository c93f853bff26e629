import type { HostSpan, ScriptFacts, ScriptLanguage, ScriptSource } from './facts';

/** Stands for one character whose value the analysis cannot know (an expansion, a placeholder). */
export const UNKNOWN = '\u0000';

/** The address of the instance metadata service. */
export const METADATA_ADDRESS = '169.254.169.254';

/** One argument of a command: its value (unknown parts as UNKNOWN) and its script offsets. */
export interface Arg {
  value: string;
  /** The argument's source text, quotes included. */
  raw: string;
  start: number;
  end: number;
}

/** Returns true when the value has no unknown part. */
export function isKnown(value: string): boolean {
  return !value.includes(UNKNOWN);
}

/**
 * Returns true when the value contains the metadata address as a literal substring, or is a URL
 * whose host writes the address in another IPv4 form that curl and wget accept. Such a host is
 * one hexadecimal or decimal number (`0xa9fea9fe`, `2852039166`), or dotted hexadecimal or octal.
 */
export function mentionsMetadataAddress(value: string): boolean {
  if (value.includes(METADATA_ADDRESS)) return true;
  const host = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/]*@)?([^/:?#]+)/i.exec(value.trim())?.[1];
  return host !== undefined && numericHostValue(host) === metadataAddressValue;
}

/** Reads an IPv4 host written as one to four numbers, each decimal, `0x` hexadecimal or `0` octal. */
function numericHostValue(host: string): number | undefined {
  const parts = host.split('.');
  if (parts.length > 4) return undefined;
  const numbers = parts.map((part) => {
    if (/^0x[0-9a-f]+$/i.test(part)) return parseInt(part.slice(2), 16);
    if (/^0[0-7]+$/.test(part)) return parseInt(part.slice(1), 8);
    return /^(0|[1-9]\d*)$/.test(part) ? Number(part) : Number.NaN;
  });
  if (numbers.some((number) => Number.isNaN(number))) return undefined;
  // The last number fills the bytes that the parts before it leave, as inet_aton reads it.
  const last = numbers[numbers.length - 1];
  const leading = numbers.slice(0, -1);
  if (leading.some((number) => number > 255) || last >= 256 ** (4 - leading.length)) return undefined;
  return leading.reduce((value, number, index) => value + number * 256 ** (3 - index), 0) + last;
}

/**
 * Replaces template placeholders with UNKNOWN, keeping the length. With `placeholders` given, only
 * those ranges are replaced. Without them, every run of four or more placeholder characters (`x`)
 * counts as one, because a Terraform template keeps `${...}` as a same-length run of them.
 * Other repeated characters (`aaaa`, `0000`, `====`) are ordinary text.
 */
export function maskPlaceholders(text: string, placeholders?: Array<{ start: number; end: number }>): string {
  if (placeholders) {
    let masked = text;
    for (const { start, end } of placeholders) {
      masked = masked.slice(0, start) + UNKNOWN.repeat(Math.max(0, end - start)) + masked.slice(end);
    }
    return masked;
  }
  return text.replace(/x{4,}/g, (run) => UNKNOWN.repeat(run.length));
}

/** The metadata address as one 32-bit number. */
const metadataAddressValue = 0xa9fea9fe;

function parseIpv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return undefined;
    value = value * 256 + Number(part);
  }
  return value;
}

/**
 * Returns true when an address or CIDR block (`169.254.169.254`, `169.254.169.254/32`,
 * `169.254.0.0/16`) contains the metadata address. Unknown or malformed values return false.
 */
export function coversMetadataAddress(address: string): boolean {
  if (!isKnown(address)) return false;
  const match = /^(\d+\.\d+\.\d+\.\d+)(?:\/(\d{1,2}))?$/.exec(address.trim());
  if (!match) return false;
  const base = parseIpv4(match[1]);
  const bits = match[2] === undefined ? 32 : Number(match[2]);
  if (base === undefined || bits > 32) return false;
  if (bits === 0) return false;
  const size = 2 ** (32 - bits);
  const target = metadataAddressValue;
  return Math.floor(base / size) === Math.floor(target / size);
}

/** Counts single-character edits, adjacent swaps included, between two strings (at most 2). */
function editDistanceUpToTwo(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 1) return 2;
  let previous2: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, substitution);
      const swapped = i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1];
      if (swapped) current[j] = Math.min(current[j], previous2[j - 2] + 1);
    }
    [previous2, previous] = [previous, current];
  }
  return Math.min(previous[b.length], 2);
}

/**
 * Returns true for an IPv4 address or CIDR block that does not contain the metadata address but
 * looks like a mistake for it: another link-local address in 169.254.0.0/16 (`169.254.169.253`,
 * `169.254.170.2`), or an address one typing slip away (`196.254.169.254`, `169.254.169.25`).
 */
export function isNearMetadataAddress(address: string): boolean {
  if (!isKnown(address) || coversMetadataAddress(address)) return false;
  const match = /^(\d+\.\d+\.\d+\.\d+)(?:\/(\d{1,2}))?$/.exec(address.trim());
  const base = match ? parseIpv4(match[1]) : undefined;
  if (!match || base === undefined || Number(match[2] ?? 32) > 32) return false;
  const linkLocal = Math.floor(base / 2 ** 16) === 169 * 256 + 254;
  return linkLocal || editDistanceUpToTwo(match[1], METADATA_ADDRESS) === 1;
}

/** Returns the first comma-separated entry that is a near miss of the metadata address. */
export function findNearMetadataEntry(list: string): string | undefined {
  return list.split(',').map((entry) => entry.trim()).find(isNearMetadataAddress);
}

/** Returns the first comma-separated entry that covers the metadata address. */
export function findMetadataEntry(list: string): string | undefined {
  return list.split(',').map((entry) => entry.trim()).find(coversMetadataAddress);
}

/** Converts script offsets to a span in the host file through the source map. */
export function hostSpan(source: ScriptSource, start: number, end: number): HostSpan {
  const range = source.map.rangeToHost(start, end);
  return { file: source.map.file, start: range.start, end: range.end };
}

/** Returns facts with nothing found. */
export function emptyFacts(language: ScriptLanguage): ScriptFacts {
  return {
    language,
    firewallRules: [],
    saves: [],
    metadataOptionsCalls: [],
    metadataRequests: [],
    parseErrors: [],
  };
}

/** Returns the last path component of a command name (`/usr/sbin/iptables` gives `iptables`). */
export function baseName(name: string): string {
  const slash = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'));
  return name.slice(slash + 1);
}

/**
 * Splits one line of text into whitespace-separated tokens, honouring single and double quotes,
 * with offsets relative to `base`.
 */
export function tokenizeLine(line: string, base: number): Arg[] {
  const tokens: Arg[] = [];
  const pattern = /(?:'[^']*'|"(?:[^"\\]|\\.)*"|[^\s'"]+)+/g;
  for (let match = pattern.exec(line); match; match = pattern.exec(line)) {
    const raw = match[0];
    const value = raw.replace(/'([^']*)'|"((?:[^"\\]|\\.)*)"/g, (_all, single, double) =>
      single ?? (double as string).replace(/\\(.)/g, '$1'),
    );
    tokens.push({ value, raw, start: base + match.index, end: base + match.index + raw.length });
  }
  return tokens;
}
