import * as path from 'path';
import {
  configFileName,
  isExcluded,
  loadConfigIn,
  mergeConfig,
  type GuardConfig,
  type LoadedConfig,
  type Notice,
  type SourceProvider,
} from '../engine';
import type { WorkspaceFolders } from './folders';
import { settingsAsConfig, type SettingsCache, type ServerSettings } from './settings';

/** The configuration that applies to one file: settings merged over its folder's config file. */
export interface EffectiveConfig {
  settings: ServerSettings;
  config: GuardConfig;
  /** The workspace folder that `exclude` globs are relative to. */
  root: string;
}

/**
 * Reads `.metadata-guard.yaml` at each workspace folder root, caches it per folder until the
 * file changes, and merges it with the editor settings of that folder.
 */
export class ConfigFiles {
  private readonly loaded = new Map<string, LoadedConfig>();

  constructor(
    private readonly folders: WorkspaceFolders,
    private readonly settings: SettingsCache,
    private readonly source: () => SourceProvider,
  ) {}

  /** Returns the configuration that applies to a file, by absolute path. */
  async forFile(file: string): Promise<EffectiveConfig> {
    const root = this.folders.folderOf(file);
    return this.merge(root, await this.settings.forFile(file));
  }

  /** Returns the configuration of a workspace folder. */
  async forFolder(root: string): Promise<EffectiveConfig> {
    return this.merge(root, await this.settings.forFolder(root));
  }

  private merge(root: string, settings: ServerSettings): EffectiveConfig {
    const loaded = this.fileConfig(root);
    return { settings, config: mergeConfig(loaded.config, loaded.keys, settingsAsConfig(settings)), root };
  }

  /** Tells whether a file is left out by the exclude globs that apply to it. */
  async excludes(file: string): Promise<boolean> {
    const { config, root } = await this.forFile(file);
    return isExcluded(file, root, config.exclude);
  }

  /** Returns the problem of an invalid config file, when `file` is one. */
  problemOf(file: string): Notice | undefined {
    if (!isConfigFile(file)) return undefined;
    return this.fileConfig(path.dirname(file)).problem;
  }

  /** Forgets the cached file of a folder, so it is read again. */
  invalidate(folder: string): void {
    this.loaded.delete(folder);
  }

  private fileConfig(folder: string): LoadedConfig {
    let loaded = this.loaded.get(folder);
    if (!loaded) {
      loaded = loadConfigIn(folder, this.source());
      this.loaded.set(folder, loaded);
    }
    return loaded;
  }
}

/** Tells whether a path names a configuration file. */
export function isConfigFile(file: string): boolean {
  return path.basename(file) === configFileName;
}
