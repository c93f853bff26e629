import * as fs from 'fs';

export interface DirectoryEntry {
  name: string;
  isFile: boolean;
  isDirectory: boolean;
}

/**
 * The source of every file the engine reads. The CLI reads the disk; the language server puts the text
 * of open editors in front of the disk. Paths are absolute.
 */
export interface SourceProvider {
  /** Returns the text of a file; throws an Error with a readable message when it cannot be read. */
  readText(path: string): string;
  /**
   * Returns the start of a file's text, at most `maxLength` characters, whatever the file's size;
   * throws like `readText` when the file cannot be read. Providers without it are read whole.
   */
  readHead?(path: string, maxLength: number): string;
  /** Returns the entries of a folder, or an empty list when it cannot be read. */
  listDirectory(path: string): DirectoryEntry[];
  exists(path: string): boolean;
  /** True when the path is a folder (following symbolic links). */
  isDirectory(path: string): boolean;
  /** Returns the path with symbolic links resolved, or undefined when it does not exist. */
  realPath(path: string): string | undefined;
}

/** Files larger than this are skipped with a notice instead of being read. */
export const maxFileBytes = 2 * 1024 * 1024;

/** Words for the file system errors a read meets, in place of Node's `ENOENT: ...` text. */
const readErrorWords: Record<string, string> = {
  ENOENT: 'the file was not found',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'it is a folder',
  ENOTDIR: 'a part of the path is not a folder',
  ELOOP: 'too many symbolic links',
  EMFILE: 'too many open files',
};

/** Describes why a file could not be read or written, for a message that names the file. */
export function describeFileError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code && readErrorWords[code]) return readErrorWords[code];
  return error instanceof Error ? error.message : String(error);
}

/** Thrown by `readText` for a file over `maxFileBytes`, so callers can report it apart. */
export class FileTooLargeError extends Error {}

/** Reads files from disk, rejecting binary files and files over `maxFileBytes`. */
export class DiskSourceProvider implements SourceProvider {
  readText(path: string): string {
    // Devices and pipes (`file("/dev/zero")`, a FIFO) never end or block, so only regular
    // files are read. O_NONBLOCK keeps the open of a FIFO from waiting for a writer.
    const descriptor = fs.openSync(path, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
    let bytes: Buffer;
    try {
      const stat = fs.fstatSync(descriptor);
      if (!stat.isFile()) throw new Error('not a regular file');
      if (stat.size > maxFileBytes) {
        throw new FileTooLargeError(`file is larger than ${maxFileBytes} bytes (${stat.size} bytes)`);
      }
      bytes = readAll(descriptor, stat.size);
    } finally {
      fs.closeSync(descriptor);
    }
    const utf16 = decodeUtf16(bytes);
    if (utf16 !== undefined) {
      if (utf16.includes('\0')) throw new Error('file looks binary (it contains NUL characters)');
      return utf16;
    }
    if (bytes.includes(0)) throw new Error('file looks binary (it contains NUL bytes)');
    let text = bytes.toString('utf8');
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    return text;
  }

  readHead(path: string, maxLength: number): string {
    if (!fs.statSync(path).isFile()) throw new Error('not a regular file');
    const descriptor = fs.openSync(path, 'r');
    try {
      // UTF-8 takes up to four bytes per character, and the two-byte BOM of UTF-16 comes first.
      const bytes = Buffer.alloc(maxLength * 4 + 2);
      const length = fs.readSync(descriptor, bytes, 0, bytes.length, 0);
      const head = bytes.subarray(0, length);
      const text = decodeUtf16(head.subarray(0, length - (length % 2))) ?? head.toString('utf8');
      return (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text).slice(0, maxLength);
    } finally {
      fs.closeSync(descriptor);
    }
  }

  listDirectory(path: string): DirectoryEntry[] {
    try {
      return fs.readdirSync(path, { withFileTypes: true }).map((entry) => {
        if (!entry.isSymbolicLink()) {
          return { name: entry.name, isFile: entry.isFile(), isDirectory: entry.isDirectory() };
        }
        const target = statOrUndefined(`${path}/${entry.name}`);
        return { name: entry.name, isFile: !!target?.isFile(), isDirectory: !!target?.isDirectory() };
      });
    } catch {
      return [];
    }
  }

  exists(path: string): boolean {
    return fs.existsSync(path);
  }

  isDirectory(path: string): boolean {
    return !!statOrUndefined(path)?.isDirectory();
  }

  realPath(path: string): string | undefined {
    try {
      return fs.realpathSync(path);
    } catch {
      return undefined;
    }
  }
}

/** Reads up to `size` bytes from the start of an open file. A file that shrank gives fewer. */
function readAll(descriptor: number, size: number): Buffer {
  const bytes = Buffer.allocUnsafe(size);
  let length = 0;
  while (length < size) {
    const read = fs.readSync(descriptor, bytes, length, size - length, length);
    if (read === 0) break;
    length += read;
  }
  return bytes.subarray(0, length);
}

/**
 * Decodes a file that starts with a UTF-16 byte-order mark (Windows PowerShell 5 writes files so),
 * without the mark; returns undefined for any other file. Invalid sequences become U+FFFD.
 */
function decodeUtf16(bytes: Buffer): string | undefined {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) {
    return bytes.subarray(2).toString('utf16le');
  }
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) {
    const swapped = Buffer.from(bytes.subarray(2, bytes.length - (bytes.length % 2)));
    return swapped.swap16().toString('utf16le');
  }
  return undefined;
}

function statOrUndefined(path: string): fs.Stats | undefined {
  try {
    return fs.statSync(path);
  } catch {
    return undefined;
  }
}

/** Puts the text of open documents in front of another provider. */
export class OverlaySourceProvider implements SourceProvider {
  constructor(
    private readonly base: SourceProvider,
    private readonly overlay: (path: string) => string | undefined,
  ) {}

  /** Returns the overlay's text or the base's; an overlay text over `maxFileBytes` is rejected too. */
  readText(path: string): string {
    const text = this.overlay(path);
    if (text === undefined) return this.base.readText(path);
    // UTF-8 needs at most three bytes per UTF-16 unit, so most texts skip the byte count.
    if (text.length * 3 > maxFileBytes) {
      const size = Buffer.byteLength(text, 'utf8');
      if (size > maxFileBytes) throw new FileTooLargeError(`document is larger than ${maxFileBytes} bytes (${size} bytes)`);
    }
    return text;
  }

  readHead(path: string, maxLength: number): string {
    const text = this.overlay(path);
    if (text !== undefined) return text.slice(0, maxLength);
    return this.base.readHead ? this.base.readHead(path, maxLength) : this.base.readText(path).slice(0, maxLength);
  }

  listDirectory(path: string): DirectoryEntry[] {
    return this.base.listDirectory(path);
  }

  exists(path: string): boolean {
    return this.overlay(path) !== undefined || this.base.exists(path);
  }

  realPath(path: string): string | undefined {
    return this.base.realPath(path);
  }

  isDirectory(path: string): boolean {
    return this.overlay(path) === undefined && this.base.isDirectory(path);
  }
}
