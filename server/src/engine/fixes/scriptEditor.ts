import type { BootScript, HostItem } from '../cloudinit/userData';
import type { LineIndex } from '../text';
import type { TextEdit } from '../types';
import { escapeHclQuoted, escapeJsonString, escapeTemplateSequences } from './firewallSnippet';

/**
 * How script text sits in its host file: verbatim lines (a script file, a YAML file), lines of a
 * Terraform template (a heredoc or a `templatefile()` file, where `${` must be escaped), inside a
 * quoted HCL or JSON string, or not editable (decoded base64).
 */
export type HostEncoding = 'lines' | 'template-lines' | 'hcl-quoted' | 'json-string' | 'none';

/**
 * Builds text edits on a boot script in its host file. Each method returns undefined when the
 * host cannot take the edit safely, so the caller offers no fix rather than a broken one.
 */
export class ScriptEditor {
  private readonly encoding: HostEncoding;

  constructor(
    private readonly lines: LineIndex | undefined,
    encoding: HostEncoding,
    private readonly boot: BootScript,
  ) {
    // YAML inside a quoted string would need two layers of escaping: not edited.
    const quoted = encoding === 'hcl-quoted' || encoding === 'json-string';
    this.encoding = boot.section && quoted ? 'none' : encoding;
  }

  /** True when whole lines of the host file can be moved as they are (not inside a string). */
  get movesLines(): boolean {
    return this.lines !== undefined && (this.encoding === 'lines' || this.encoding === 'template-lines');
  }

  /** Replaces a host range with one line of script text. */
  replace(start: number, end: number, text: string): TextEdit | undefined {
    if (!this.lines || this.encoding === 'none' || text.includes('\n')) return undefined;
    if (this.boot.section && !this.yamlInlineOk(start, text)) return undefined;
    return { range: this.lines.range(start, end), newText: this.escape(text) };
  }

  /** Inserts script text inside a line at a host offset. */
  insertInline(offset: number, text: string): TextEdit | undefined {
    return this.replace(offset, offset, text);
  }

  /**
   * Inserts whole lines before or after the host line holding `offset`, with that line's
   * indentation, so heredocs and YAML block scalars keep their shape.
   */
  insertLines(
    offset: number,
    newLines: readonly string[],
    where: 'before' | 'after',
    indentFrom = offset,
  ): TextEdit | undefined {
    const lines = this.lines;
    if (!lines || this.encoding === 'none') return undefined;
    if (this.boot.section && this.itemAt(offset)?.style !== 'literal') return undefined;
    const line = lines.positionAt(offset).line;
    const lineStart = lines.lineStart(line);
    const indentLine = lines.positionAt(indentFrom).line;
    const indent = /^[ \t]*/.exec(lines.text.slice(lines.lineStart(indentLine), lines.lineEnd(indentLine)))![0];
    if (this.encoding === 'hcl-quoted' || this.encoding === 'json-string') {
      const body = newLines.map((text) => `${text}\n`).join('');
      const at = where === 'before' ? this.lineStartInString(offset) : undefined;
      if (at === undefined) return undefined;
      return { range: lines.range(at, at), newText: this.escape(body) };
    }
    const eol = lines.eol;
    const escaped = newLines.map((text) => this.escape(text));
    if (where === 'before') {
      const position = lines.positionAt(lineStart);
      return { range: { start: position, end: position }, newText: escaped.map((text) => `${indent}${text}${eol}`).join('') };
    }
    const position = lines.positionAt(lines.lineEnd(line));
    return { range: { start: position, end: position }, newText: escaped.map((text) => `${eol}${indent}${text}`).join('') };
  }

  /**
   * Replaces a host range with several lines; the lines after the first get the indentation of
   * the line where the range starts.
   */
  replaceLines(start: number, end: number, newLines: readonly string[]): TextEdit | undefined {
    const lines = this.lines;
    if (!lines || this.encoding === 'none') return undefined;
    if (newLines.length === 1) return this.replace(start, end, newLines[0]);
    if (this.encoding === 'hcl-quoted' || this.encoding === 'json-string') {
      return { range: lines.range(start, end), newText: this.escape(newLines.join('\n')) };
    }
    if (this.boot.section && this.itemAt(start)?.style !== 'literal') return undefined;
    const line = lines.positionAt(start).line;
    const indent = /^[ \t]*/.exec(lines.text.slice(lines.lineStart(line), lines.lineEnd(line)))![0];
    const newText = newLines.map((text) => this.escape(text)).join(`${lines.eol}${indent}`);
    return { range: lines.range(start, end), newText };
  }

  /** Finds the start of the script line holding `offset` inside a one-line quoted string. */
  private lineStartInString(offset: number): number | undefined {
    const text = this.lines!.text;
    const escapedBreak = text.lastIndexOf('\\n', offset);
    const quote = text.lastIndexOf('"', offset);
    if (escapedBreak > quote) return escapedBreak + 2;
    return quote >= 0 ? quote + 1 : undefined;
  }

  private escape(text: string): string {
    if (this.encoding === 'hcl-quoted') return escapeHclQuoted(text);
    if (this.encoding === 'json-string') return escapeJsonString(text);
    return this.encoding === 'template-lines' ? escapeTemplateSequences(text) : text;
  }

  private itemAt(offset: number): HostItem | undefined {
    return this.boot.items?.find((item) => item.start <= offset && offset <= item.end);
  }

  /** Text can go inside a plain or quoted YAML item only when YAML keeps reading it as one string. */
  private yamlInlineOk(offset: number, text: string): boolean {
    const item = this.itemAt(offset);
    if (!item || item.style === 'other') return false;
    // One plain word can replace a word of an argument list; anything else could split the item.
    if (item.style === 'list') return /^[\w.=-]*$/.test(text);
    if (item.style === 'literal') return true;
    if (/: | #|["'\\]/.test(text)) return false;
    return this.encoding === 'lines' || this.encoding === 'template-lines';
  }
}
