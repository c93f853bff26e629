/**
 * Converts a glob to a regular expression over `/`-separated relative paths. `**` matches any
 * number of whole segments, `*` any run of characters within a segment, `?` one character, and
 * `{a,b}` either alternative. Braces that do not pair up or hold no comma, and every other
 * character, match themselves.
 */
export function globToRegExp(glob: string): RegExp {
  const alternatives = bracesPair(glob);
  let source = '';
  let braces = 0;
  for (let i = 0; i < glob.length; i++) {
    const char = glob[i];
    if (char === '*' && glob[i + 1] === '*' && glob[i + 2] === '/') {
      source += '(?:[^/]*/)*';
      i += 2;
    } else if (char === '*' && glob[i + 1] === '*' && i + 2 === glob.length) {
      source += '.*';
      i += 1;
    } else if (char === '*') source += '[^/]*';
    else if (char === '?') source += '[^/]';
    else if (char === '{' && alternatives) {
      braces++;
      source += '(?:';
    } else if (char === '}' && braces > 0) {
      braces--;
      source += ')';
    } else if (char === ',' && braces > 0) source += '|';
    else source += char.replace(/[.+^$()|[\]\\{}]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

/**
 * True when the glob's braces give alternatives: every `{` is closed by a later `}`, no `}` comes
 * unopened, and each pair contains a comma of its own. As in shell brace expansion, `{x}` is text.
 */
function bracesPair(glob: string): boolean {
  const commas: boolean[] = [];
  for (const char of glob) {
    if (char === '{') commas.push(false);
    else if (char === ',' && commas.length > 0) commas[commas.length - 1] = true;
    else if (char === '}' && (commas.length === 0 || !commas.pop())) return false;
  }
  return commas.length === 0;
}

/**
 * Decides which paths a list of `exclude` globs removes. A glob without `/` matches a file or
 * folder name at any depth; a glob with `/` matches the path relative to the root. A folder that
 * matches excludes everything under it.
 */
export class ExcludeMatcher {
  private readonly anywhere: RegExp[] = [];
  private readonly anchored: RegExp[] = [];

  constructor(globs: readonly string[]) {
    for (const glob of globs) {
      const trimmed = stripTrailingSlashes(glob.replace(/^\.\//, ''));
      if (trimmed.length === 0) continue;
      if (trimmed.includes('/')) this.anchored.push(globToRegExp(trimmed.replace(/^\//, '')));
      else this.anywhere.push(globToRegExp(trimmed));
    }
  }

  /** True when no glob was given, so nothing is excluded. */
  get isEmpty(): boolean {
    return this.anywhere.length === 0 && this.anchored.length === 0;
  }

  /** Tests a path relative to the root, with `/` separators. */
  excludes(relativePath: string): boolean {
    if (this.isEmpty || relativePath === '' || relativePath.startsWith('..')) return false;
    const segments = relativePath.split('/');
    for (let count = 1; count <= segments.length; count++) {
      const name = segments[count - 1];
      if (this.anywhere.some((pattern) => pattern.test(name))) return true;
      const prefix = segments.slice(0, count).join('/');
      if (this.anchored.some((pattern) => pattern.test(prefix))) return true;
    }
    return false;
  }
}

/** Removes trailing `/` characters with a loop, because `/\/+$/` backtracks on long runs of `/`. */
function stripTrailingSlashes(text: string): string {
  let end = text.length;
  while (end > 0 && text[end - 1] === '/') end--;
  return text.slice(0, end);
}
