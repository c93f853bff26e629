import * as fs from 'fs';
import * as path from 'path';
import { pathToFileURL } from 'url';
import type { ToolInfo } from './report';

interface PackageJson {
  name?: string;
  displayName?: string;
  version?: string;
  homepage?: string;
}

/**
 * Reads the tool's name, version and home page from the package's `package.json`, which is one
 * folder above `dist/cli.js` and three above `out/server/src/cli/`. The home page falls back to
 * the installed README as a `file:` URL while `package.json` has no `homepage`.
 */
export function readToolInfo(): ToolInfo {
  const found = findPackageJson();
  const pkg: PackageJson = found ? JSON.parse(fs.readFileSync(found, 'utf8')) : {};
  const folder = found ? path.dirname(found) : __dirname;
  return {
    name: pkg.displayName ?? 'Metadata Guard',
    version: pkg.version ?? '0.0.0',
    informationUri: pkg.homepage ?? pathToFileURL(path.join(folder, 'README.md')).href,
  };
}

function findPackageJson(): string | undefined {
  let dir = __dirname;
  for (let depth = 0; depth < 6; depth++) {
    const candidate = path.join(dir, 'package.json');
    if (fs.existsSync(candidate) && readName(candidate) === 'metadata-guard') return candidate;
    dir = path.dirname(dir);
  }
  return undefined;
}

function readName(file: string): string | undefined {
  try {
    return (JSON.parse(fs.readFileSync(file, 'utf8')) as PackageJson).name;
  } catch {
    return undefined;
  }
}
