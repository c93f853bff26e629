import type { Severity } from '../types';

/** A rule setting: a severity that replaces the rule's own, or `off`. */
export type RuleLevel = Severity | 'off';

/** The report level of findings about values the engine cannot resolve ("Cannot verify ..."). */
export type UnknownValues = 'ignore' | 'info' | 'warning';

/** Name of the configuration file read at a workspace folder or scan root. */
export const configFileName = '.metadata-guard.yaml';

export const ruleLevels: readonly RuleLevel[] = ['off', 'info', 'warning', 'error'];
export const unknownValueModes: readonly UnknownValues[] = ['ignore', 'info', 'warning'];

/** The settings a `.metadata-guard.yaml` file and the editor settings share. */
export interface GuardConfig {
  /** Level of each rule, by rule id; rules not listed keep their own severities. */
  rules: Record<string, RuleLevel>;
  /** Globs of files and folders to leave out, relative to the folder the config belongs to. */
  exclude: string[];
  unknownValues: UnknownValues;
}

/** The configuration that applies when no file or setting sets a value. */
export const defaultConfig: Readonly<GuardConfig> = Object.freeze({
  rules: {},
  exclude: [],
  unknownValues: 'info',
});

/** Returns a fresh copy of the default configuration. */
export function createDefaultConfig(): GuardConfig {
  return { rules: {}, exclude: [], unknownValues: defaultConfig.unknownValues };
}
