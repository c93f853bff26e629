import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { performance } from 'perf_hooks';
import * as ts from 'typescript';
import { listFiles, packageRoot } from '../fuzz/corpus';

/** Length of each adversarial subject string, in UTF-16 units. */
const subjectLength = 20_000;

/** Time one match of one pattern may take, in milliseconds; a linear scan takes well under 1 ms. */
const matchBoundMs = 100;

interface Pattern {
  where: string;
  regex: RegExp;
}

/** Collects every regular-expression literal in the engine's TypeScript sources. */
function enginePatterns(): Pattern[] {
  const root = path.join(packageRoot(), 'server', 'src', 'engine');
  const patterns: Pattern[] = [];
  for (const file of listFiles(root).filter((name) => name.endsWith('.ts'))) {
    const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
    const visit = (node: ts.Node): void => {
      if (ts.isRegularExpressionLiteral(node)) {
        const { line } = source.getLineAndCharacterOfPosition(node.getStart());
        const slash = node.text.lastIndexOf('/');
        const flags = node.text.slice(slash + 1).replace(/[gy]/g, '');
        patterns.push({ where: `${path.relative(root, file)}:${line + 1}`, regex: new RegExp(node.text.slice(1, slash), flags) });
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return patterns;
}

/**
 * Builds subjects that make backtracking patterns slow: long runs of each character the pattern
 * names and of common separators, each ending in a character that breaks the match.
 */
function subjectsFor(regex: RegExp): string[] {
  const characters = new Set([...regex.source.replace(/\\[dswDSW]/g, '')].filter((c) => !'\\^$()[]{}|?*+'.includes(c)));
  for (const common of [' ', '\t', 'a', '0', '-', '.', '/', ':', '"', "'", '=', '$', '{', '#', '\n']) characters.add(common);
  const subjects: string[] = [];
  for (const character of characters) {
    subjects.push(`${character.repeat(subjectLength)}\u0001`);
    subjects.push(`${`${character} `.repeat(subjectLength / 2)}\u0001`);
  }
  subjects.push(`${'169.254.169.254 '.repeat(subjectLength / 16)}\u0001`);
  return subjects;
}

describe('engine regular expressions', () => {
  const patterns = enginePatterns();

  it('patterns found', () => {
    assert.ok(patterns.length > 10, `only ${patterns.length} patterns found`);
  });

  it('no slow worst cases', () => {
    const slow: string[] = [];
    for (const { where, regex } of patterns) {
      for (const subject of subjectsFor(regex)) {
        const started = performance.now();
        regex.test(subject);
        const elapsed = performance.now() - started;
        if (elapsed > matchBoundMs) slow.push(`${where} ${regex} took ${elapsed.toFixed(0)} ms on ${JSON.stringify(subject.slice(0, 12))}...`);
      }
    }
    assert.deepStrictEqual(slow, []);
  });
});
