import type { Connection } from 'vscode-languageserver/node';

/** The configuration section this server reads. */
export const settingsSection = 'metadataGuard';

/** Settings that the server reads from the client's `metadataGuard` section. */
export interface ServerSettings {
  enable: boolean;
}

const defaults: ServerSettings = { enable: true };

/**
 * Pulls settings per resource with `workspace/configuration` and caches them by URI until the
 * client reports a change. Clients without that request get the defaults.
 */
export class SettingsCache {
  private readonly cache = new Map<string, Promise<ServerSettings>>();
  private pullSupported = false;

  constructor(private readonly connection: Connection) {}

  /** Records whether the client supports the `workspace/configuration` request. */
  setPullSupported(supported: boolean): void {
    this.pullSupported = supported;
  }

  /** Returns the settings that apply to a resource. */
  get(uri: string): Promise<ServerSettings> {
    if (!this.pullSupported) return Promise.resolve(defaults);
    let settings = this.cache.get(uri);
    if (!settings) {
      settings = this.pull(uri);
      this.cache.set(uri, settings);
    }
    return settings;
  }

  /** Forgets every cached value, so the next `get` pulls again. */
  clear(): void {
    this.cache.clear();
  }

  private async pull(uri: string): Promise<ServerSettings> {
    try {
      const value: unknown = await this.connection.workspace.getConfiguration({
        scopeUri: uri,
        section: settingsSection,
      });
      const enable = (value as Partial<ServerSettings> | null)?.enable;
      return { enable: typeof enable === 'boolean' ? enable : defaults.enable };
    } catch (error) {
      this.connection.console.error(`Reading settings for ${uri} failed: ${String(error)}`);
      this.cache.delete(uri);
      return defaults;
    }
  }
}
