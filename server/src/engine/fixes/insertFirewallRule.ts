import type { BootAssessment } from '../rules/ecs-metadata-unrestricted';
import type { ModuleContext } from '../rules/rule';
import type { NewBootScript, ServerKind } from '../rules/servers';
import type { TextPiece } from '../terraform/evaluate';
import { getAttribute, resourceReferences } from '../terraform/lookup';
import type { Attribute, Block, Expression } from '../terraform/model';
import { SourceMap, type LineIndex } from '../text';
import { parseCloudConfig } from '../cloudinit/cloudConfig';
import { detectScriptLanguage } from '../scripts/language';
import type { FileEdit, Fix, TextEdit } from '../types';
import {
  bashRuleLines,
  cloudConfigRuleLines,
  escapeHclQuoted,
  escapeJsonString,
  escapeTemplateSequences,
  ruleLines,
  scriptHeader,
  type GuestOs,
} from './firewallSnippet';

const windowsHeader = /^(#ps1|#ps1_sysnative|rem cmd|<powershell>)/i;

/** Decides the guest OS from the boot script's first line, then from the image name. */
export function guestOs(context: ModuleContext, block: Block, boot: BootAssessment): GuestOs {
  for (const alternative of boot.openAlternatives) {
    for (const piece of alternative) {
      if (piece.kind === 'text' && windowsHeader.test(piece.text.trimStart())) return 'windows';
    }
  }
  const imageName = getAttribute(block, 'image_name');
  if (imageName && mentionsWindows(context, imageName.expr)) return 'windows';
  const imageId = getAttribute(block, 'image_id');
  if (!imageId) return 'linux';
  for (const reference of resourceReferences(imageId.expr)) {
    const image = context.module.dataSources.get(reference.replace(/^data\./, ''));
    if (!image) continue;
    for (const attribute of ['name', 'os', 'name_regex']) {
      const value = image.attributes.get(attribute);
      if (value && mentionsWindows(context, value.expr)) return 'windows';
    }
  }
  return 'linux';
}

function mentionsWindows(context: ModuleContext, expr: Expression): boolean {
  return context
    .evaluate(expr)
    .some((alternative) => alternative.some((piece) => piece.kind === 'text' && /windows/i.test(piece.text)));
}

/**
 * Builds the preferred quick fix for an open server: the firewall rule inserted into each boot
 * script that leaves metadata open, or a new boot script when the server has none. Returns no
 * fix when some open boot script cannot be edited safely (a computed value, cloud-config).
 */
export function buildFirewallFixes(
  context: ModuleContext,
  block: Block,
  kind: ServerKind,
  boot: BootAssessment,
  os: GuestOs,
): Fix[] {
  const edits: FileEdit[] = [];
  if (boot.attributes.length === 0) {
    const edit = kind.newBootScript && newBootScriptEdit(context, block, kind.newBootScript, os);
    if (!edit) return [];
    edits.push(edit);
  } else {
    const seen = new Set<string>();
    for (const alternative of boot.openAlternatives) {
      const piece = alternative.find((candidate): candidate is TextPiece => candidate.kind === 'text');
      const edit = piece && insertIntoScriptEdit(context, piece, os);
      if (!edit) return [];
      const key = `${edit.file}:${edit.edits[0].range.start.line}:${edit.edits[0].range.start.character}`;
      if (seen.has(key)) continue;
      seen.add(key);
      edits.push(edit);
    }
  }
  if (edits.length === 0) return [];
  // When the boot script has an iptables or New-NetFirewallRule command that does not work,
  // metadata-firewall-ineffective's fix (rewriting it, or adding a rule after a container rule)
  // is the preferred one. Preferring this fix too would leave a duplicate rule after "fix all".
  const rewritten = boot.ineffectiveRules.some((rule) => rule.form === 'iptables' || rule.form === 'new-netfirewallrule');
  return [{ title: fixTitle(block, os), isPreferred: !rewritten, edits: mergeByFile(edits) }];
}

/** Titles the firewall fix, saying what the next apply does to running servers. */
export function fixTitle(block: Block, os: GuestOs): string {
  const account = os === 'windows' ? 'Administrator' : 'root';
  const type = block.labels[0];
  // huaweicloud provider v1.97.1 updates a compute instance's user_data in place; for other
  // server types a changed boot script may replace the server.
  const inPlace = type === 'huaweicloud_compute_instance' || type === 'huaweicloud_compute_instance_v2';
  const effect =
    type === 'huaweicloud_as_configuration'
      ? 'the next apply replaces the scaling configuration; running instances keep the old script'
      : inPlace
        ? 'the next apply updates user data in place; boot scripts run once, so running servers are not changed'
        : 'the next apply changes user data and may replace the server; boot scripts run once, so running servers are not changed';
  return `Add a guest firewall rule that limits metadata to ${account} (${effect})`;
}

function mergeByFile(edits: FileEdit[]): FileEdit[] {
  const byFile = new Map<string, FileEdit>();
  for (const edit of edits) {
    const existing = byFile.get(edit.file);
    if (existing) existing.edits.push(...edit.edits);
    else byFile.set(edit.file, { file: edit.file, edits: [...edit.edits] });
  }
  return [...byFile.values()];
}

/**
 * Inserts the rule after the first line (the shebang or `#ps1`) of a boot script text. In
 * cloud-config that already has a `bootcmd` list, the rule becomes the last item of that list.
 */
function insertIntoScriptEdit(context: ModuleContext, piece: TextPiece, os: GuestOs): FileEdit | undefined {
  const header = /^(#!.*|#ps1.*|#ps1_sysnative.*|#cloud-config[ \t]*)$/m.exec(piece.text);
  if (!header || header.index !== 0) return undefined;
  let headerEnd = header[0].replace(/\r$/, '').length;
  const cloudConfig = header[0].startsWith('#cloud-config');
  if (cloudConfig && os === 'windows') return undefined;
  // A shebang of another interpreter (`#!/usr/bin/python3`) must not get shell commands.
  const language = detectScriptLanguage(piece.text);
  if (!cloudConfig && language !== (os === 'windows' ? 'powershell' : 'bash')) return undefined;
  // A YAML document start (`---`) right after the header must stay before the new keys.
  const documentStart = cloudConfig ? /^(\r\n|\r|\n)---[ \t]*(?=\r|\n|$)/.exec(piece.text.slice(headerEnd)) : null;
  if (documentStart) headerEnd += documentStart[0].length;
  let insertion: Insertion | undefined = { at: headerEnd, lines: ruleLines(os) };
  if (cloudConfig) {
    insertion = /^bootcmd\s*:/m.test(piece.text)
      ? bootcmdInsertion(piece.text)
      : { at: headerEnd, lines: cloudConfigRuleLines };
  }
  if (!insertion) return undefined;
  const origin = piece.origin;
  if ('inline' in insertion) {
    if (origin.kind === 'decoded') return reencodeInlineEdit(context, piece, insertion.at, insertion.inline);
    return verbatimInlineEdit(context, piece, insertion.at, insertion.inline);
  }
  if (origin.kind === 'decoded') return reencodeEdit(context, piece, insertion.at, insertion.lines);
  return verbatimInsertEdit(context, piece, insertion.at, insertion.lines);
}

/** The place of the rule in a script: whole lines after an offset, or text inside a line. */
type Insertion = { at: number; lines: readonly string[] } | { at: number; inline: string };

/**
 * Finds where the rule joins an existing `bootcmd` list. In a block list it goes after the line
 * that ends the last item, as an item with the same dash and indentation. In a flow list
 * (`[a, b]`) it goes before the closing bracket. An empty list returns undefined.
 */
function bootcmdInsertion(text: string): Insertion | undefined {
  const list = parseCloudConfig(text, SourceMap.identity('', 0, text.length)).lists.bootcmd;
  const first = list?.items[0];
  const last = list?.items[list.items.length - 1];
  if (!list || !first || !last) return undefined;
  if (list.flow) {
    // The rule is single-quoted, because a plain flow item may not contain `, [ ] { }`.
    const close = /^\s*\]/.exec(text.slice(last.end));
    return close ? { at: last.end, inline: `, '${bashRuleLines[1]}'` } : undefined;
  }
  // Items start at their `-` indicator, so the text before it on its line is the indentation.
  const indent = text.slice(lineStartBefore(text, first.start), first.start);
  const dash = /^-[ \t]+/.exec(text.slice(first.start));
  if (!/^[ \t]*$/.test(indent) || !dash) return undefined;
  let end = last.end;
  while (end > last.start && (text[end - 1] === '\n' || text[end - 1] === '\r')) end--;
  const lineBreak = text.slice(end).search(/\r|\n/);
  const at = lineBreak < 0 ? text.length : end + lineBreak;
  return { at, lines: [`${indent}${cloudConfigRuleLines[0]}`, `${indent}${dash[0]}${bashRuleLines[1]}`] };
}

function lineStartBefore(text: string, offset: number): number {
  let start = offset;
  while (start > 0 && text[start - 1] !== '\n' && text[start - 1] !== '\r') start--;
  return start;
}

/**
 * Inserts `lines` at offset `at` of a boot script whose text is verbatim in its host file, each
 * on a new line, escaped for the string, heredoc or template that contains the script.
 */
function verbatimInsertEdit(context: ModuleContext, piece: TextPiece, at: number, lines: readonly string[]): FileEdit | undefined {
  const origin = piece.origin;
  const hostFile = piece.map.file;
  const hostLines = context.lines(hostFile);
  if (!hostLines || !piece.map.isVerbatim) return undefined;
  const hostOffset = piece.map.toHost(at);
  // Inside a quoted string the script's own line break is kept (`\r\n` escapes stay `\r\n`).
  const scriptBreak = piece.text.startsWith('\r\n', at) ? '\r\n' : '\n';
  const position = hostLines.positionAt(hostOffset);
  let newText: string;
  if (origin.kind === 'hcl-quoted') {
    newText = escapeHclQuoted(lines.map((line) => `${scriptBreak}${line}`).join(''));
  } else if (origin.kind === 'json-string') {
    newText = escapeJsonString(lines.map((line) => `${scriptBreak}${line}`).join(''));
  } else {
    // The host text before the script's line is the indentation a `<<-` heredoc strips.
    const scriptLineStart = piece.map.toHost(lineStartBefore(piece.text, at));
    const hostLineStart = hostLines.lineStart(hostLines.positionAt(scriptLineStart).line);
    const indent = /^\s*/.exec(hostLines.text.slice(hostLineStart, scriptLineStart))![0];
    const eol = hostLines.eol;
    const body = lines.map((line) => `${eol}${indent}${line}`).join('');
    const templated = origin.kind === 'hcl-heredoc' || (origin.kind === 'file' && origin.viaTemplatefile);
    newText = templated ? escapeTemplateSequences(body) : body;
  }
  return { file: hostFile, edits: [{ range: { start: position, end: position }, newText }] };
}

/** Inserts text inside a line of a verbatim boot script, escaped as `verbatimInsertEdit` does. */
function verbatimInlineEdit(context: ModuleContext, piece: TextPiece, at: number, text: string): FileEdit | undefined {
  const hostLines = context.lines(piece.map.file);
  if (!hostLines || !piece.map.isVerbatim) return undefined;
  const position = hostLines.positionAt(piece.map.toHost(at));
  const origin = piece.origin;
  let newText = text;
  if (origin.kind === 'hcl-quoted') newText = escapeHclQuoted(text);
  else if (origin.kind === 'json-string') newText = escapeJsonString(text);
  else if (origin.kind === 'hcl-heredoc' || (origin.kind === 'file' && origin.viaTemplatefile)) newText = escapeTemplateSequences(text);
  return { file: piece.map.file, edits: [{ range: { start: position, end: position }, newText }] };
}

/** Replaces a base64 literal with the encoding of the script with `text` inserted at `at`. */
function reencodeInlineEdit(context: ModuleContext, piece: TextPiece, at: number, text: string): FileEdit | undefined {
  const expr = piece.expr;
  if (expr.kind !== 'template') return undefined;
  const encoded = Buffer.from(piece.text.slice(0, at) + text + piece.text.slice(at), 'utf8').toString('base64');
  const range = context.location(expr.file.path, expr.span.start, expr.span.end).range;
  return { file: expr.file.path, edits: [{ range, newText: `"${encoded}"` }] };
}

/** Replaces a base64 literal with the encoding of the script plus the rule. */
function reencodeEdit(context: ModuleContext, piece: TextPiece, at: number, lines: readonly string[]): FileEdit | undefined {
  const expr = piece.expr;
  if (expr.kind !== 'template') return undefined;
  const eol = /\r\n|\r|\n/.exec(piece.text)?.[0] ?? '\n';
  const script = piece.text.slice(0, at) + lines.map((line) => `${eol}${line}`).join('') + piece.text.slice(at);
  const encoded = Buffer.from(script, 'utf8').toString('base64');
  const range = context.location(expr.file.path, expr.span.start, expr.span.end).range;
  return { file: expr.file.path, edits: [{ range, newText: `"${encoded}"` }] };
}

/** Adds a boot script attribute holding only the rule, as a heredoc (or a JSON string). */
function newBootScriptEdit(context: ModuleContext, block: Block, target: NewBootScript, os: GuestOs): FileEdit | undefined {
  const script = [scriptHeader(os), ...ruleLines(os)];
  if (block.file.syntax === 'json') return newJsonBootScriptEdit(context, block, target, script);

  const lines = block.file.lines;
  const host = findNestedBlock(block, target.blockPath);
  const eol = lines.eol;
  const blockIndent = indentOfLine(lines.text, lines.positionAt(block.span.start).line, lines);
  const container = host ?? block;
  const containerIndent = host ? indentOfLine(lines.text, lines.positionAt(host.span.start).line, lines) : blockIndent;
  const indent = host || target.blockPath.length === 0 ? `${containerIndent}  ` : `${blockIndent}    `;
  const body = script.map((line) => `${eol}${indent}  ${escapeTemplateSequences(line)}`).join('');
  const sameBlock = !!host || target.blockPath.length === 0;
  const closesOnLastLine = lines.positionAt(container.closeBrace).line === lines.positionAt(insertionOffset(container)).line;
  // `terraform fmt` aligns a heredoc's first line with the attributes above it, but not a call
  // such as base64encode() that spans lines.
  const aligns = sameBlock && !closesOnLastLine && !target.base64;
  const alignment = aligns ? alignGroup(container, target.attribute) : { name: target.attribute, edits: [] };
  const name = alignment.name;
  const opening = target.base64 ? `${name} = base64encode(<<-EOT` : `${name} = <<-EOT`;
  let attributeText = `${indent}${opening}${body}${eol}${indent}EOT`;
  if (target.base64) attributeText += `${eol}${indent})`;
  if (!host && target.blockPath.length > 0) {
    const nestedIndent = `${blockIndent}  `;
    attributeText = `${nestedIndent}${target.blockPath[0]} {${eol}${attributeText}${eol}${nestedIndent}}`;
  }
  const offset = insertionOffset(container);
  const position = lines.positionAt(offset);
  // A block written on one line (`resource "t" "n" { name = "a" }`) closes on the insertion line.
  // Terraform allows at most one argument in a one-line block, so the block is opened up: its
  // argument and the new attribute each get a line, and the closing brace a line of its own.
  const closesHere = lines.positionAt(container.closeBrace).line === position.line;
  if (closesHere) {
    const closeIndent = container === block ? blockIndent : indentOfLine(lines.text, lines.positionAt(container.span.start).line, lines);
    let inner = lines.text.slice(container.openBrace + 1, container.closeBrace).trim();
    let newAttribute = attributeText;
    const argument = /^([A-Za-z_][\w-]*)\s*=\s*(\S[\s\S]*)$/.exec(inner);
    if (argument && !target.base64 && sameBlock) {
      // Align the two `=` signs as `terraform fmt` does.
      const width = Math.max(argument[1].length, target.attribute.length);
      inner = `${argument[1].padEnd(width)} = ${argument[2]}`;
      newAttribute = attributeText.replace(`${indent}${name} =`, `${indent}${target.attribute.padEnd(width)} =`);
    }
    const innerLine = inner.length > 0 ? `${eol}${indent}${inner}` : '';
    const range = lines.range(container.openBrace + 1, container.closeBrace);
    return { file: block.file.path, edits: [{ range, newText: `${innerLine}${eol}${newAttribute}${eol}${closeIndent}` }] };
  }
  const insertion = { range: { start: position, end: position }, newText: `${eol}${attributeText}` };
  return { file: block.file.path, edits: [...alignment.edits, insertion] };
}

/**
 * Lines a new attribute up with the run of one-line attributes directly above it, as
 * `terraform fmt` aligns the `=` of consecutive attributes. Returns the padded name, and edits
 * that widen the padding of the lines above when the new name is longer than theirs.
 */
function alignGroup(container: Block, name: string): { name: string; edits: TextEdit[] } {
  const lines = container.file.lines;
  const byLine = new Map<number, Attribute>();
  for (const attribute of container.attributes.values()) {
    const line = lines.positionAt(attribute.nameSpan.start).line;
    if (lines.positionAt(attribute.span.end).line === line) byLine.set(line, attribute);
  }
  const group: Attribute[] = [];
  const lastLine = lines.positionAt(insertionOffset(container)).line;
  for (let line = lastLine; byLine.has(line); line--) group.push(byLine.get(line)!);
  const width = Math.max(name.length, ...group.map((attribute) => attribute.name.length));
  const edits: TextEdit[] = [];
  for (const attribute of group) {
    const nameEnd = attribute.nameSpan.end;
    const equals = lines.text.indexOf('=', nameEnd);
    const padding = ' '.repeat(width - attribute.name.length + 1);
    if (equals < 0 || lines.text.slice(nameEnd, equals) === padding) continue;
    edits.push({ range: lines.range(nameEnd, equals), newText: padding });
  }
  return { name: name.padEnd(width), edits };
}

/** Returns the end of the line of the container's last attribute, or of its opening brace. */
function insertionOffset(container: Block): number {
  const lines = container.file.lines;
  let last = container.openBrace;
  for (const attribute of container.attributes.values()) last = Math.max(last, attribute.span.end);
  return lines.lineEnd(lines.positionAt(last).line);
}

function findNestedBlock(block: Block, path: string[]): Block | undefined {
  let current: Block | undefined = block;
  for (const type of path) current = current?.blocks.find((nested) => nested.type === type);
  return path.length === 0 ? undefined : current;
}

function indentOfLine(text: string, line: number, lines: LineIndex): string {
  const start = lines.lineStart(line);
  return /^[ \t]*/.exec(text.slice(start, lines.lineEnd(line)))![0];
}

function newJsonBootScriptEdit(context: ModuleContext, block: Block, target: NewBootScript, script: string[]): FileEdit | undefined {
  // Nested blocks on the path that do not exist yet become nested objects of the new property.
  let container = block;
  const missing: string[] = [];
  for (const type of target.blockPath) {
    const nested = missing.length === 0 ? container.blocks.find((candidate) => candidate.type === type) : undefined;
    if (nested) container = nested;
    else missing.push(type);
  }
  const lines = block.file.lines;
  const attributes = [...container.attributes.values()];
  const scriptText = script.join('\n') + '\n';
  // A base64 attribute gets a Terraform template that encodes the script, written as JSON text.
  const value = target.base64
    ? JSON.stringify('${base64encode("' + escapeHclQuoted(scriptText) + '")}').slice(1, -1)
    : escapeJsonString(scriptText);
  let property = `"${target.attribute}": "${value}"`;
  for (const type of [...missing].reverse()) property = `"${type}": {${property}}`;
  if (attributes.length === 0) return firstJsonMemberEdit(block.file.path, lines, container, property);
  const last = attributes.reduce((a, b) => (a.span.end > b.span.end ? a : b));
  const lineIndent = indentOfLine(lines.text, lines.positionAt(last.span.start).line, lines);
  const position = lines.positionAt(last.span.end);
  // An object written on one line stays on one line.
  const oneLine = lines.positionAt(container.openBrace).line === lines.positionAt(container.closeBrace).line;
  const separator = oneLine ? ', ' : `,${lines.eol}${lineIndent}`;
  return { file: block.file.path, edits: [{ range: { start: position, end: position }, newText: `${separator}${property}` }] };
}

/**
 * Adds `property` as the first member of a JSON object that has no attributes: alone in an
 * empty object, or before its first nested block, on that block's line and indentation.
 */
function firstJsonMemberEdit(file: string, lines: LineIndex, container: Block, property: string): FileEdit {
  const inside = lines.text.slice(container.openBrace + 1, container.closeBrace);
  const firstMember = inside.search(/\S/);
  if (firstMember < 0) {
    const position = lines.positionAt(container.openBrace + 1);
    return { file, edits: [{ range: { start: position, end: position }, newText: property }] };
  }
  const offset = container.openBrace + 1 + firstMember;
  const position = lines.positionAt(offset);
  const sameLine = position.line === lines.positionAt(container.openBrace).line;
  const separator = sameLine ? ', ' : `,${lines.eol}${indentOfLine(lines.text, position.line, lines)}`;
  return { file, edits: [{ range: { start: position, end: position }, newText: `${property}${separator}` }] };
}
