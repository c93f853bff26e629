import type { ScriptSource } from '../scripts/facts';
import { SourceMap } from '../text';
import { isCloudConfig, parseCloudConfig, type CloudInitSection, type CloudInitList } from './cloudConfig';
import { isMultipart, splitMultipart } from './multipart';

/** How often the guest runs a boot script: once per instance, or at every boot. */
export type RunSchedule = 'once' | 'every-boot';

/** A host-file range of one cloud-config list item, and how the item is written. */
export interface HostItem {
  start: number;
  end: number;
  scriptStart: number;
  scriptEnd: number;
  style: 'plain' | 'quoted' | 'literal' | 'list' | 'other';
}

/** The `runcmd` and `bootcmd` lists of the cloud-config a script came from, in host offsets. */
export interface CloudInitLists {
  runcmd?: { keyStart: number; flow: boolean; items: HostItem[] };
  bootcmd?: { keyStart: number; flow: boolean; items: HostItem[] };
}

/** One script the guest runs at boot, taken out of user data of any format. */
export interface BootScript {
  source: ScriptSource;
  runs: RunSchedule;
  /** Set when the script is the commands of a cloud-config section. */
  section?: CloudInitSection;
  /** The cloud-config lists, for fixes that move items; set with `section`. */
  lists?: CloudInitLists;
  /** List items of the section, in host offsets; set with `section`. */
  items?: HostItem[];
}

/** Boot scripts found in user data, and problems met while reading it. */
export interface UserData {
  scripts: BootScript[];
  format: 'script' | 'cloud-config' | 'multipart';
  /** A YAML error, in host offsets, when cloud-config could be read only in part. */
  errors: Array<{ start: number; end: number; message: string }>;
}

/** MIME types of parts that cloud-init runs at every boot rather than once per instance. */
const everyBootTypes = new Set(['text/x-shellscript-per-boot', 'text/cloud-boothook']);

/**
 * Splits user data into the scripts the guest runs: the text itself when it is a script, the
 * `runcmd`, `bootcmd` and rules-file `write_files` of cloud-config, and each part of MIME
 * multipart data.
 */
export function readUserData(source: ScriptSource): UserData {
  if (isMultipart(source.text)) {
    const result: UserData = { scripts: [], format: 'multipart', errors: [] };
    for (const part of splitMultipart(source.text, source.map)) {
      const runs: RunSchedule = everyBootTypes.has(part.contentType) ? 'every-boot' : 'once';
      const inner = readSingle({ text: part.text, map: part.map }, runs, part.contentType === 'text/cloud-config');
      result.scripts.push(...inner.scripts);
      result.errors.push(...inner.errors);
    }
    return result;
  }
  return readSingle(source, 'once', false);
}

function readSingle(source: ScriptSource, runs: RunSchedule, cloudConfig: boolean): UserData {
  if (!cloudConfig && !isCloudConfig(source.text)) return { scripts: [{ source, runs }], format: 'script', errors: [] };
  const config = parseCloudConfig(source.text, source.map);
  const toHost = (item: { start: number; end: number; scriptStart: number; scriptEnd: number; style: HostItem['style'] }): HostItem => ({
    ...item,
    start: source.map.toHost(item.start),
    end: source.map.toHost(item.end),
  });
  const lists: CloudInitLists = {};
  for (const key of ['runcmd', 'bootcmd'] as const) {
    const list: CloudInitList | undefined = config.lists[key];
    if (list) lists[key] = { keyStart: source.map.toHost(list.keyStart), flow: list.flow, items: list.items.map(toHost) };
  }
  const scripts = config.scripts.map((script): BootScript => ({
    source: script.source,
    runs: script.section === 'bootcmd' ? 'every-boot' : runs,
    section: script.section,
    lists,
    items: script.items.map(toHost),
  }));
  const errors = config.error
    ? [{ start: source.map.toHost(config.error.start), end: source.map.toHost(config.error.end), message: config.error.message }]
    : [];
  return { scripts, format: 'cloud-config', errors };
}

/** Reads a whole file as user data. */
export function readUserDataFile(file: string, text: string): UserData {
  return readUserData({ text, map: SourceMap.identity(file, 0, text.length) });
}
