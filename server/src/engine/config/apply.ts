import * as path from 'path';
import type { Finding } from '../types';
import type { GuardConfig } from './config';
import { ExcludeMatcher } from './glob';

/**
 * Applies rule levels and the `unknownValues` mode to findings: `off` drops a rule's findings, a
 * severity replaces the rule's own on definite findings, and findings about unresolvable values
 * follow `unknownValues` (`ignore` drops them).
 */
export function applyConfig(findings: Finding[], config: GuardConfig): Finding[] {
  const kept: Finding[] = [];
  for (const finding of findings) {
    const level = config.rules[finding.ruleId];
    if (level === 'off') continue;
    if (finding.unknownValue) {
      if (config.unknownValues === 'ignore') continue;
      kept.push({ ...finding, severity: config.unknownValues });
      continue;
    }
    kept.push(level ? { ...finding, severity: level } : finding);
  }
  return kept;
}

/** Tells whether a file is left out by the `exclude` globs of a config that belongs to `root`. */
export function isExcluded(file: string, root: string, exclude: readonly string[]): boolean {
  if (exclude.length === 0) return false;
  return new ExcludeMatcher(exclude).excludes(relativeGlobPath(root, file));
}

/** Returns `file` relative to `root` with `/` separators, as `exclude` globs see it. */
export function relativeGlobPath(root: string, file: string): string {
  return path.relative(root, file).split(path.sep).join('/');
}

/**
 * Merges editor settings over a config file: rule levels from the settings win per rule, the
 * exclude lists add up, and `unknownValues` comes from the file when the file sets it.
 */
export function mergeConfig(file: GuardConfig, fileKeys: ReadonlySet<string>, settings: GuardConfig): GuardConfig {
  return {
    rules: { ...file.rules, ...settings.rules },
    exclude: [...new Set([...file.exclude, ...settings.exclude])],
    unknownValues: fileKeys.has('unknownValues') ? file.unknownValues : settings.unknownValues,
  };
}
