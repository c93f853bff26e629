import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { listFiles, packageRoot } from '../fuzz/corpus';

/** Modules that reach the network or run programs; the engine, server and CLI import none of them. */
const forbidden = new Set(['http', 'https', 'http2', 'net', 'tls', 'dgram', 'dns', 'child_process']);

/** Returns the module names a source file imports: `import`, `export from`, `import =`, `require()` and `import()`. */
export function importedModules(file: string, text: string): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
  const names: string[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteralLike(node.moduleSpecifier)) {
      names.push(node.moduleSpecifier.text);
    } else if (ts.isExternalModuleReference(node) && ts.isStringLiteralLike(node.expression)) {
      names.push(node.expression.text);
    } else if (ts.isCallExpression(node) && isRequireOrImport(node.expression)) {
      const [first] = node.arguments;
      names.push(first && ts.isStringLiteralLike(first) ? first.text : '<computed>');
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return names;
}

function isRequireOrImport(callee: ts.Expression): boolean {
  return callee.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(callee) && callee.text === 'require');
}

/** True when an import names a forbidden module, with or without the `node:` prefix or a subpath. */
export function isForbidden(name: string): boolean {
  const bare = name.replace(/^node:/, '').split('/')[0];
  return forbidden.has(bare) || name === '<computed>';
}

describe('forbidden imports', () => {
  it('checker finds every form', () => {
    const text = [
      "import * as a from 'node:http';",
      "import b = require('net');",
      "export { c } from 'tls';",
      "const d = require('child_process');",
      "void import('dns');",
      "const e = require('node:dgram');",
      "const f = require(name);",
    ].join('\n');
    assert.deepStrictEqual(importedModules('sample.ts', text).filter(isForbidden).length, 7);
  });

  it('allowed modules pass', () => {
    const names = importedModules('sample.ts', "import * as fs from 'fs';\nimport { x } from './net';");
    assert.deepStrictEqual(names.filter(isForbidden), []);
  });

  it('engine, server and CLI sources', () => {
    const root = path.join(packageRoot(), 'server', 'src');
    const found: string[] = [];
    for (const file of listFiles(root).filter((name) => /\.(ts|js|mjs|cjs)$/.test(name))) {
      for (const name of importedModules(file, fs.readFileSync(file, 'utf8')).filter(isForbidden)) {
        found.push(`${path.relative(root, file)} imports ${name}`);
      }
    }
    assert.deepStrictEqual(found, []);
  });
});
