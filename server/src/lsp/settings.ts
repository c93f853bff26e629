import * as path from 'path';
import type { Connection } from 'vscode-languageserver/node';
import { ruleLevels, rules, unknownValueModes, type GuardConfig, type RuleLevel, type UnknownValues } from '../engine';
import { pathToUri } from './paths';

/** The configuration section this server reads. */
export const settingsSection = 'metadataGuard';

/** When documents are analysed: after each edit, or only when saved. */
export type RunMode = 'onType' | 'onSave';

/** Settings that the server reads from the client's `metadataGuard` section. */
export interface ServerSettings {
  enable: boolean;
  rules: Record<string, RuleLevel>;
  exclude: string[];
  unknownValues: UnknownValues;
  run: RunMode;
}

/** One setting as `package.json` declares it under `contributes.configuration.properties`. */
export interface SettingDeclaration {
  type: 'boolean' | 'string' | 'array' | 'object';
  default: unknown;
  scope: 'resource' | 'window';
  description: string;
  enum?: readonly string[];
  items?: { type: 'string' };
  properties?: Record<string, { type: 'string'; enum: readonly string[] }>;
  additionalProperties?: boolean;
}

/**
 * The settings schema: the one source of the server's settings, their defaults and their
 * `package.json` declarations. A test checks `package.json` against it.
 */
export const settingsSchema: Record<keyof ServerSettings, SettingDeclaration> = {
  enable: {
    type: 'boolean',
    default: true,
    scope: 'resource',
    description: 'Analyse Terraform files for open instance metadata and show the findings.',
  },
  rules: {
    type: 'object',
    default: {},
    scope: 'resource',
    description:
      'Level of each rule by rule id: off, info, warning or error. Overrides the rules ' +
      'section of .metadata-guard.yaml.',
    properties: Object.fromEntries(
      rules.map((rule) => [rule.id, { type: 'string' as const, enum: ruleLevels }]),
    ),
    additionalProperties: false,
  },
  exclude: {
    type: 'array',
    default: [],
    scope: 'resource',
    items: { type: 'string' },
    description:
      'Globs of files and folders to leave out, relative to the workspace folder. A glob ' +
      'without a slash matches a name at any depth. Added to the exclude list of ' +
      '.metadata-guard.yaml.',
  },
  unknownValues: {
    type: 'string',
    default: 'info',
    scope: 'resource',
    enum: unknownValueModes,
    description:
      'How findings about values that cannot be resolved are reported: ignore, info or ' +
      'warning. The unknownValues key of .metadata-guard.yaml takes precedence.',
  },
  run: {
    type: 'string',
    default: 'onType',
    scope: 'resource',
    enum: ['onType', 'onSave'],
    description: 'Analyse open files after each edit (onType) or only when they are saved (onSave).',
  },
};

/** Returns the `contributes.configuration.properties` entries that `package.json` must declare. */
export function packageJsonProperties(): Record<string, SettingDeclaration> {
  const entries = Object.entries(settingsSchema).map(([key, value]) => [`${settingsSection}.${key}`, value]);
  return Object.fromEntries(entries);
}

/** Returns the defaults of every setting. */
export function defaultSettings(): ServerSettings {
  return {
    enable: true,
    rules: {},
    exclude: [],
    unknownValues: settingsSchema.unknownValues.default as UnknownValues,
    run: settingsSchema.run.default as RunMode,
  };
}

/** Checks a value from the client against the schema; invalid parts fall back to the defaults. */
export function readSettings(value: unknown): ServerSettings {
  const given = (value && typeof value === 'object' ? value : {}) as Record<string, unknown>;
  const settings = defaultSettings();
  if (typeof given.enable === 'boolean') settings.enable = given.enable;
  if (given.rules && typeof given.rules === 'object') settings.rules = readRuleLevels(given.rules);
  if (Array.isArray(given.exclude)) {
    settings.exclude = given.exclude.filter((glob): glob is string => typeof glob === 'string' && glob.trim() !== '');
  }
  if (unknownValueModes.includes(given.unknownValues as UnknownValues)) {
    settings.unknownValues = given.unknownValues as UnknownValues;
  }
  if (given.run === 'onType' || given.run === 'onSave') settings.run = given.run;
  return settings;
}

function readRuleLevels(value: object): Record<string, RuleLevel> {
  const levels: Record<string, RuleLevel> = {};
  for (const [id, level] of Object.entries(value)) {
    if (ruleLevels.includes(level as RuleLevel)) levels[id] = level as RuleLevel;
  }
  return levels;
}

/** Returns the parts of the settings that mean the same as a `.metadata-guard.yaml` file. */
export function settingsAsConfig(settings: ServerSettings): GuardConfig {
  return { rules: settings.rules, exclude: settings.exclude, unknownValues: settings.unknownValues };
}

/**
 * Pulls settings with `workspace/configuration` for a folder and caches them per folder
 * until the client reports a change. Clients without that request get the defaults.
 */
export class SettingsCache {
  private readonly cache = new Map<string, Promise<ServerSettings>>();
  private pullSupported = false;

  constructor(private readonly connection: Connection) {}

  /** Records whether the client supports the `workspace/configuration` request. */
  setPullSupported(supported: boolean): void {
    this.pullSupported = supported;
  }

  /**
   * Returns the settings that apply to a file, by absolute path. They are pulled for the file's
   * folder, so multi-root workspaces and folder-level overrides both apply.
   */
  forFile(file: string): Promise<ServerSettings> {
    return this.forFolder(path.dirname(file));
  }

  /** Returns the settings of a folder, by absolute path. */
  forFolder(folder: string): Promise<ServerSettings> {
    if (!this.pullSupported) return Promise.resolve(defaultSettings());
    let settings = this.cache.get(folder);
    if (!settings) {
      settings = this.pull(folder);
      this.cache.set(folder, settings);
    }
    return settings;
  }

  /** Forgets every cached value, so the next request pulls again. */
  clear(): void {
    this.cache.clear();
  }

  private async pull(folder: string): Promise<ServerSettings> {
    const scopeUri = pathToUri(folder);
    try {
      const value: unknown = await this.connection.workspace.getConfiguration({ scopeUri, section: settingsSection });
      return readSettings(value);
    } catch (error) {
      this.connection.console.error(`Reading settings for ${scopeUri} failed: ${String(error)}`);
      this.cache.delete(folder);
      return defaultSettings();
    }
  }
}
