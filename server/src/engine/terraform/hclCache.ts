import type { Edit, Parser, Tree } from 'web-tree-sitter';
import { LineIndex } from '../text';
import { convertTree, type ParsedFile, type ReuseTopLevel } from './hcl';
import { shiftAttribute, shiftBlock } from './shift';

interface Entry {
  text: string;
  tree: Tree;
  parsed: ParsedFile;
}

/** The single replaced range that turns one text into another. */
export interface TextChange {
  start: number;
  oldEnd: number;
  newEnd: number;
}

/**
 * Keeps the syntax tree and the conversion of recently parsed HCL files, by path, so that the
 * language server re-analyses an edited document without parsing and converting it all again.
 * An unchanged text returns the earlier result. A changed text is parsed incrementally from the
 * earlier tree, and top-level blocks outside the changed range are copied from the earlier
 * conversion instead of being converted again. The result is the same as `parseHcl` gives.
 */
export class HclParseCache {
  /** Entries in least recently used order, first to go when the cache is full. */
  private readonly entries = new Map<string, Entry>();
  /** Counts of the work the cache saved, for tests and logs. */
  readonly stats = { unchangedTexts: 0, incrementalParses: 0, reusedTopLevel: 0 };

  /** Text length of the entries, in UTF-16 code units. */
  private totalLength = 0;

  /**
   * `capacity` is the maximum number of files kept. `maxTotalLength` bounds the text length of
   * the files kept, because each syntax tree takes memory in proportion to its text.
   */
  constructor(
    private readonly capacity: number,
    private readonly maxTotalLength = 8 * 1024 * 1024,
  ) {}

  /** Parses `text` as the content of `path`, reusing what the cache has for that path. */
  parse(path: string, text: string, parser: Parser): ParsedFile {
    const earlier = this.entries.get(path);
    this.entries.delete(path);
    if (earlier && earlier.text === text) {
      this.stats.unchangedTexts++;
      this.entries.set(path, earlier);
      return earlier.parsed;
    }
    if (earlier) this.totalLength -= earlier.text.length;

    let tree: Tree | null;
    let reuse: ReuseTopLevel | undefined;
    try {
      if (earlier) {
        const change = findChange(earlier.text, text);
        earlier.tree.edit(treeEdit(change, earlier.parsed.file.lines, text));
        tree = parser.parse(text, earlier.tree);
        this.stats.incrementalParses++;
        // Conversion adds errors of its own (a line break in a quoted string), which a copied
        // block would not add again, so only an earlier conversion without errors is copied.
        const clean = !earlier.tree.rootNode.hasError && earlier.parsed.file.parseErrors.length === 0;
        if (tree && clean) reuse = this.counted(reuseOutside(change, earlier.parsed));
      } else {
        tree = parser.parse(text);
      }
    } finally {
      earlier?.tree.delete();
    }
    if (!tree) return convertTree(path, text, tree);

    let parsed: ParsedFile;
    try {
      parsed = convertTree(path, text, tree, reuse);
    } catch (error) {
      tree.delete();
      throw error;
    }
    this.entries.set(path, { text, tree, parsed });
    this.totalLength += text.length;
    this.evict();
    return parsed;
  }

  /** Drops every entry and frees its syntax tree. */
  clear(): void {
    for (const entry of this.entries.values()) entry.tree.delete();
    this.entries.clear();
    this.totalLength = 0;
  }

  private counted(reuse: ReuseTopLevel): ReuseTopLevel {
    return (node, file) => {
      const item = reuse(node, file);
      if (item) this.stats.reusedTopLevel++;
      return item;
    };
  }

  private evict(): void {
    for (const [path, entry] of this.entries) {
      if (this.entries.size <= this.capacity && this.totalLength <= this.maxTotalLength) return;
      entry.tree.delete();
      this.entries.delete(path);
      this.totalLength -= entry.text.length;
    }
  }
}

/** Finds the shortest range whose replacement turns `before` into `after`. */
export function findChange(before: string, after: string): TextChange {
  const shorter = Math.min(before.length, after.length);
  let start = 0;
  while (start < shorter && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let suffix = 0;
  while (
    suffix < shorter - start &&
    before.charCodeAt(before.length - 1 - suffix) === after.charCodeAt(after.length - 1 - suffix)
  ) {
    suffix++;
  }
  return { start, oldEnd: before.length - suffix, newEnd: after.length - suffix };
}

/** Describes a change to tree-sitter, whose offsets and columns count UTF-16 code units. */
export function treeEdit(change: TextChange, oldLines: LineIndex, newText: string): Edit {
  const point = (offset: number) => {
    const position = oldLines.positionAt(offset);
    return { row: position.line, column: position.character };
  };
  const startPosition = point(change.start);
  // The new end follows from the inserted text alone, so the new text needs no line index.
  const inserted = new LineIndex(newText.slice(change.start, change.newEnd));
  const last = inserted.positionAt(inserted.text.length);
  const newEndPosition = last.line === 0
    ? { row: startPosition.row, column: startPosition.column + last.character }
    : { row: startPosition.row + last.line, column: last.character };
  return {
    startIndex: change.start,
    oldEndIndex: change.oldEnd,
    newEndIndex: change.newEnd,
    startPosition,
    oldEndPosition: point(change.oldEnd),
    newEndPosition,
  };
}

/**
 * Offers the earlier top-level blocks and attributes that lie wholly before or after the change,
 * matched by node type and offsets, moved to the new offsets.
 */
function reuseOutside(change: TextChange, earlier: ParsedFile): ReuseTopLevel {
  const delta = change.newEnd - change.oldEnd;
  const blocks = new Map(earlier.blocks.map((block) => [block.span.start, block]));
  const attributes = new Map(earlier.attributes.map((attribute) => [attribute.span.start, attribute]));
  return (node, file) => {
    let shift: number;
    if (node.endIndex <= change.start) shift = 0;
    else if (node.startIndex >= change.newEnd) shift = delta;
    else return undefined;
    const start = node.startIndex - shift;
    const end = node.endIndex - shift;
    if (node.type === 'block') {
      const block = blocks.get(start);
      return block && block.span.end === end ? shiftBlock(block, shift, file) : undefined;
    }
    const attribute = attributes.get(start);
    return attribute && attribute.span.end === end ? shiftAttribute(attribute, shift, file) : undefined;
  };
}
