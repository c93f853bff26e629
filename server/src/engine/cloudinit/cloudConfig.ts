import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node, type Scalar } from 'yaml';
import type { ScriptSource } from '../scripts/facts';
import type { SourceMap } from '../text';
import { MappedTextBuilder } from './mappedText';

/** The cloud-config keys whose content the script analysers read. */
export type CloudInitSection = 'runcmd' | 'bootcmd' | 'write_files';

/** One `runcmd` / `bootcmd` list item, by offsets in the cloud-config text. */
export interface CloudInitItem {
  start: number;
  end: number;
  /** Offset range in the derived script text that this item became. */
  scriptStart: number;
  scriptEnd: number;
  /** How the item is written, which decides what a fix may insert into it. */
  style: 'plain' | 'quoted' | 'literal' | 'list' | 'other';
}

/** The commands of one section, joined into one script so saves are seen across items. */
export interface CloudInitScript {
  section: CloudInitSection;
  source: ScriptSource;
  items: CloudInitItem[];
}

/** Position of a `runcmd` or `bootcmd` list in the cloud-config text. */
export interface CloudInitList {
  keyStart: number;
  /** True for a flow list (`[a, b]`), which fixes do not rewrite. */
  flow: boolean;
  items: CloudInitItem[];
}

/** Contents of one cloud-config text that the script analysers read. */
export interface CloudConfig {
  scripts: CloudInitScript[];
  lists: Partial<Record<'runcmd' | 'bootcmd', CloudInitList>>;
  /** First YAML error, by offset in the cloud-config text. */
  error?: { start: number; end: number; message: string };
}

/** Files that iptables-persistent, iptables-services and nftables.service load at boot. */
const bootRulesFiles = /^\/etc\/(iptables\/rules\.v[46]|sysconfig\/ip6?tables|nftables\.conf|sysconfig\/nftables\.conf)$/;

/** Heredoc delimiter for `write_files` content wrapped as a script; unlikely to be in the content. */
const heredocEnd = 'METADATA_GUARD_WRITE_FILES_END';

/**
 * Reads a `#cloud-config` text: `runcmd` and `bootcmd` items (strings or argument lists) and
 * `write_files` entries that write a rules file. `outer` maps the cloud-config text into its
 * host file; every derived script keeps exact host positions where the YAML is verbatim.
 */
export function parseCloudConfig(text: string, outer: SourceMap): CloudConfig {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, keepSourceTokens: true, uniqueKeys: false });
  const config: CloudConfig = { scripts: [], lists: {} };
  const firstError = document.errors[0];
  if (firstError) config.error = { start: firstError.pos[0], end: firstError.pos[1], message: firstError.message };
  if (!isMap(document.contents)) return config;
  for (const pair of document.contents.items) {
    if (!isScalar(pair.key) || !pair.value) continue;
    const key = String(pair.key.value);
    const keyStart = pair.key.range?.[0] ?? 0;
    if ((key === 'runcmd' || key === 'bootcmd') && isSeq(pair.value)) {
      const script = commandListScript(key, pair.value.items as Node[], text, outer);
      config.scripts.push(script);
      config.lists[key] = { keyStart, flow: pair.value.flow === true, items: script.items };
    } else if (key === 'write_files' && isSeq(pair.value)) {
      const script = writeFilesScript(pair.value.items as Node[], text, outer);
      if (script.items.length > 0) config.scripts.push(script);
    }
  }
  return config;
}

function commandListScript(section: 'runcmd' | 'bootcmd', items: Node[], text: string, outer: SourceMap): CloudInitScript {
  const builder = new MappedTextBuilder(outer);
  const found: CloudInitItem[] = [];
  let length = 0;
  const append = (part: string, start?: number) => {
    if (start === undefined) builder.appendSynthetic(part);
    else builder.appendVerbatim(part, start);
    length += part.length;
  };
  // cloud-init runs string items with `sh -c`; the shebang makes the analysers read them as shell.
  append('#!/bin/sh\n');
  for (const item of items) {
    const range = item.range;
    if (!range) continue;
    const scriptStart = length;
    if (isScalar(item)) appendScalar(item, text, append);
    else if (isSeq(item)) appendArguments(item.items as Node[], text, append);
    else continue;
    found.push({ start: itemStart(text, range[0]), end: range[1], scriptStart, scriptEnd: length, style: itemStyle(item) });
    append('\n');
  }
  const { text: script, map } = builder.build();
  return { section, source: { text: script, map }, items: found };
}

function itemStyle(item: Node): CloudInitItem['style'] {
  if (isSeq(item)) return 'list';
  if (!isScalar(item)) return 'other';
  if (item.type === 'BLOCK_LITERAL') return 'literal';
  if (item.type === 'PLAIN') return 'plain';
  return item.type === 'QUOTE_DOUBLE' || item.type === 'QUOTE_SINGLE' ? 'quoted' : 'other';
}

/** Moves back from a list item's value to its `- ` indicator. */
function itemStart(text: string, valueStart: number): number {
  const before = text.slice(0, valueStart);
  const match = /-[ \t]+$/.exec(before);
  return match ? valueStart - match[0].length : valueStart;
}

type Append = (part: string, start?: number) => void;

/**
 * Appends a scalar's value: verbatim when the source text between its quotes equals the value,
 * line by line for a literal block scalar, and as synthetic text otherwise (escapes, folding).
 */
function appendScalar(scalar: Scalar, text: string, append: Append): void {
  const value = scalar.value === null || scalar.value === undefined ? '' : String(scalar.value);
  const [start, end] = scalar.range!;
  if (scalar.type === 'BLOCK_LITERAL') {
    appendBlockLiteral(text, start, end, append);
    return;
  }
  const quoted = scalar.type === 'QUOTE_DOUBLE' || scalar.type === 'QUOTE_SINGLE' ? 1 : 0;
  const inner = text.slice(start + quoted, end - quoted);
  if (inner === value) append(value, start + quoted);
  else append(value);
}

/** Appends the content lines of a `|` block scalar without their indentation. */
function appendBlockLiteral(text: string, start: number, end: number, append: Append): void {
  const headerEnd = text.indexOf('\n', start);
  if (headerEnd < 0 || headerEnd >= end) return;
  const lines: Array<{ start: number; text: string }> = [];
  let offset = headerEnd + 1;
  while (offset < end) {
    let lineEnd = text.indexOf('\n', offset);
    if (lineEnd < 0 || lineEnd > end) lineEnd = end;
    lines.push({ start: offset, text: text.slice(offset, lineEnd).replace(/\r$/, '') });
    offset = lineEnd + 1;
  }
  const indents = lines.filter((line) => line.text.trim() !== '').map((line) => /^ */.exec(line.text)![0].length);
  const indent = indents.length > 0 ? Math.min(...indents) : 0;
  for (const line of lines) {
    const content = line.text.slice(Math.min(indent, line.text.length));
    append(content, line.start + Math.min(indent, line.text.length));
    append('\n');
  }
}

/**
 * Appends an argument list as one shell command line. cloud-init runs list items without a
 * shell, so an argument with spaces or shell characters is wrapped in single quotes here.
 */
function appendArguments(items: Node[], text: string, append: Append): void {
  items.forEach((item, index) => {
    if (index > 0) append(' ');
    if (!isScalar(item) || !item.range) {
      append('x');
      return;
    }
    const value = String(item.value ?? '');
    const needsQuotes = /[\s;&|<>()$`"'\\*?#]/.test(value) && !/'/.test(value);
    if (needsQuotes) append("'");
    appendScalar(item, text, append);
    if (needsQuotes) append("'");
  });
}

/**
 * Turns each `write_files` entry whose path is a boot-time rules file into a heredoc written
 * to that path, so the bash analyser reads its iptables-save or nftables content as saved rules.
 */
function writeFilesScript(entries: Node[], text: string, outer: SourceMap): CloudInitScript {
  const builder = new MappedTextBuilder(outer);
  const found: CloudInitItem[] = [];
  let length = 0;
  const append: Append = (part, start) => {
    if (start === undefined) builder.appendSynthetic(part);
    else builder.appendVerbatim(part, start);
    length += part.length;
  };
  append('#!/bin/bash\n');
  for (const entry of entries) {
    if (!isMap(entry) || !entry.range) continue;
    const path = entry.get('path');
    const content = entry.get('content', true);
    const encoding = entry.get('encoding');
    if (typeof path !== 'string' || !bootRulesFiles.test(path) || !isScalar(content)) continue;
    if (typeof encoding === 'string' && !/^(text\/plain)?$/i.test(encoding)) continue;
    const scriptStart = length;
    append(`cat > ${path} <<'${heredocEnd}'\n`);
    appendScalar(content, text, append);
    append(`\n${heredocEnd}\n`);
    found.push({ start: entry.range[0], end: entry.range[1], scriptStart, scriptEnd: length, style: itemStyle(content) });
  }
  const { text: script, map } = builder.build();
  return { section: 'write_files', source: { text: script, map }, items: found };
}

/** True when a text is cloud-config: its first line is `#cloud-config`. */
export function isCloudConfig(text: string): boolean {
  return /^\uFEFF?#cloud-config[ \t]*(\r?\n|$)/.test(text.trimStart());
}
