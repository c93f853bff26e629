import type { FirewallForm } from './facts';
import type { ChainKind, OwnerKind, RuleDraft } from './rules';
import { type Arg, findMetadataEntry, findNearMetadataEntry, isKnown, tokenizeLine, UNKNOWN } from './values';

/** The position of an iptables-style argument list and the values its caller supplies. */
export interface IptablesContext {
  form: FirewallForm;
  start: number;
  end: number;
  listKey: string;
  persistent: boolean;
  /** Given by firewalld direct rules and rules files, where the arguments do not name them. */
  table?: string;
  chain?: string;
  op?: RuleDraft['op'];
  priority?: number;
}

interface IptablesOptions {
  op?: RuleDraft['op'];
  insertAt?: number;
  table?: string;
  chain?: string;
  protocol?: string;
  protocolNegated?: boolean;
  destination?: string;
  destinationNegated?: boolean;
  uidOwner?: string;
  uidNegated?: boolean;
  target?: string;
  /** The text of `-m comment --comment TEXT`. */
  comment?: string;
  /** The value of `--sport` or `--sports`: requests leave from ephemeral ports, so a fixed one never matches them. */
  sourcePorts?: string;
  /** The value of `--dport`, `--destination-port` or `--dports` (multiport). */
  destinationPorts?: string;
  destinationPortsNegated?: boolean;
}

const chainOptions: Record<string, RuleDraft['op']> = {
  '-A': 'append', '--append': 'append', '-I': 'insert', '--insert': 'insert',
  '-D': 'delete', '--delete': 'delete', '-R': 'append', '--replace': 'append',
};

/** Reads one option at `index`; returns how many arguments it used. */
function readOption(args: Arg[], index: number, negated: boolean, options: IptablesOptions): number {
  const flag = args[index].value;
  const next = args[index + 1]?.value;
  if (flag in chainOptions) {
    options.op = chainOptions[flag];
    options.chain = next;
    const position = args[index + 2]?.value;
    if (options.op === 'insert' && position !== undefined && /^\d+$/.test(position)) {
      options.insertAt = Number(position);
      return 3;
    }
    return 2;
  }
  if (flag === '-t' || flag === '--table') options.table = next;
  else if (flag === '-p' || flag === '--protocol' || flag === '--proto') {
    Object.assign(options, { protocol: next, protocolNegated: negated });
  } else if (flag === '-d' || flag === '--destination' || flag === '--dst') {
    Object.assign(options, { destination: next, destinationNegated: negated });
  } else if (flag === '-j' || flag === '--jump' || flag === '-g' || flag === '--goto') options.target = next;
  else if (flag === '--comment') options.comment = next;
  else if (flag === '--sport' || flag === '--source-port' || flag === '--sports' || flag === '--source-ports') {
    options.sourcePorts = next;
  } else if (flag === '--dport' || flag === '--destination-port' || flag === '--dports' || flag === '--destination-ports') {
    Object.assign(options, { destinationPorts: next, destinationPortsNegated: negated });
  }
  else if (flag === '--uid-owner') {
    // The old syntax puts the negation after the option: `--uid-owner ! 0`.
    if (next === '!') return 1 + readUid(args[index + 2]?.value, true, options);
    return readUid(next, negated, options);
  } else return 1;
  return 2;
}

function readUid(value: string | undefined, negated: boolean, options: IptablesOptions): number {
  options.uidOwner = value;
  options.uidNegated = negated;
  return 2;
}

function parseOptions(args: Arg[]): IptablesOptions {
  const options: IptablesOptions = {};
  let negated = false;
  for (let index = 0; index < args.length; ) {
    if (args[index].value === '!') {
      negated = true;
      index++;
      continue;
    }
    index += readOption(args, index, negated, options);
    negated = false;
  }
  return options;
}

/** Classifies a chain name as iptables spells it (chain names are case-sensitive). */
export function chainKind(chain: string | undefined): ChainKind {
  if (chain === undefined || !isKnown(chain)) return 'unknown';
  const kinds: Record<string, ChainKind> = {
    OUTPUT: 'output', INPUT: 'input', FORWARD: 'forward', 'DOCKER-USER': 'docker-user',
  };
  return kinds[chain] ?? 'other';
}

/** Returns a known table name other than the default `filter`, which drafts leave out. */
function tableNameOf(table: string | undefined): string | undefined {
  return table !== undefined && table !== 'filter' && isKnown(table) ? table : undefined;
}

function tableKind(table: string | undefined): RuleDraft['table'] {
  if (table === undefined) return 'filter';
  if (!isKnown(table)) return 'unknown';
  // NOTE: mangle, raw and security OUTPUT chains can also DROP, so they count as filter here.
  return table === 'nat' ? 'nat' : 'filter';
}

/** Classifies a protocol name or number; `negated` is for `! -p X`. */
export function protocolKind(protocol: string | undefined, negated = false): RuleDraft['protocol'] {
  if (protocol === undefined) return 'all';
  if (!isKnown(protocol)) return 'unknown';
  const name = protocol.toLowerCase();
  const kinds: Record<string, RuleDraft['protocol']> = {
    tcp: 'tcp', '6': 'tcp', all: 'all', any: 'all', '0': 'all', udp: 'udp', '17': 'udp', udplite: 'udp',
  };
  const kind = kinds[name] ?? 'other';
  if (!negated) return kind;
  return kind === 'tcp' || kind === 'all' ? 'other' : 'all';
}

/** Classifies a user match; `0` and `root` both mean root. */
export function ownerKind(user: string | undefined, negated: boolean): OwnerKind {
  if (user === undefined) return 'none';
  if (!isKnown(user)) return 'unknown';
  const root = user === '0' || user === 'root';
  if (root) return negated ? 'not-root' : 'root';
  return negated ? 'not-user' : 'user';
}

function targetKind(target: string | undefined): RuleDraft['target'] {
  if (target === undefined) return 'other';
  if (!isKnown(target)) return 'unknown';
  if (target === 'REJECT' || target === 'DROP') return 'block';
  return target === 'ACCEPT' ? 'accept' : 'other';
}

/** An `iptables -F [chain]` command: it removes the rules added before it at run time. */
export interface ChainFlush {
  form: FirewallForm;
  /** The table flushed, as written, or `filter` when the command names none. */
  tableName: string;
  /** The chain flushed, or undefined when every chain of the table is. */
  chain: ChainKind | undefined;
  start: number;
}

/** Returns the table an iptables command names with `-t NAME`, `-tNAME` or `--table NAME`. */
function flushTableName(args: Arg[]): string | undefined {
  for (let index = 0; index < args.length; index++) {
    const value = args[index].value;
    if (value === '-t' || value === '--table') return args[index + 1]?.value;
    if (/^-t\w+$/.test(value)) return value.slice(2);
    if (value.startsWith('--table=')) return value.slice('--table='.length);
  }
  return undefined;
}

/** Reads `-F`/`--flush` from iptables arguments, or returns undefined for other commands. */
export function parseIptablesFlush(args: Arg[], form: FirewallForm, start: number): ChainFlush | undefined {
  const index = args.findIndex((arg) => arg.value === '-F' || arg.value === '--flush');
  if (index < 0) return undefined;
  // A flush removes only the rules of its own table: flushing nat leaves the filter rules.
  const tableName = flushTableName(args) ?? 'filter';
  if (!isKnown(tableName)) return undefined;
  const next = args[index + 1]?.value;
  const chain = next !== undefined && !next.startsWith('-') ? chainKind(next) : undefined;
  return { form, tableName, chain, start };
}

/**
 * Reads iptables arguments (after the command name) into a draft. Returns undefined when the
 * command adds no rule or the rule's destination does not cover the metadata address.
 */
export function parseIptablesArgs(args: Arg[], context: IptablesContext): RuleDraft | undefined {
  const options = parseOptions(args);
  const op = options.op ?? context.op;
  if (!op || options.destination === undefined || options.destinationNegated) return undefined;
  const address = findMetadataEntry(options.destination) ?? nearMissAddress(options, context);
  if (!address) return undefined;

  return {
    nearMiss: address !== findMetadataEntry(options.destination) || undefined,
    form: context.form,
    op,
    insertAt: options.insertAt,
    table: tableKind(options.table ?? context.table),
    tableName: tableNameOf(options.table ?? context.table),
    chain: chainKind(options.chain ?? context.chain),
    protocol: protocolKind(options.protocol, options.protocolNegated),
    owner: ownerKind(options.uidOwner, options.uidNegated ?? false),
    target: targetKind(options.target),
    address,
    ports: options.sourcePorts !== undefined && isKnown(options.sourcePorts)
      ? 'source-port'
      : portsKind(options.destinationPorts, options.destinationPortsNegated ?? false),
    persistent: context.persistent,
    start: context.start,
    end: context.end,
    listKey: `${context.listKey}:${options.table ?? context.table ?? 'filter'}:${options.chain ?? context.chain}`,
    priority: context.priority,
  };
}

/**
 * Classifies destination ports (`80`, `http`, `1:1024`, `80,443` for multiport) by whether they
 * include port 80, where the metadata service listens.
 */
export function portsKind(ports: string | undefined, negated: boolean): RuleDraft['ports'] {
  if (ports === undefined) return 'all';
  if (!isKnown(ports)) return 'unknown';
  const includes = ports.split(',').some((part) => {
    const [low, high] = part.split(':');
    if (high === undefined) return low === '80' || low.toLowerCase() === 'http';
    const from = low === '' ? 0 : Number(low);
    const to = high === '' ? 65535 : Number(high);
    return Number.isNaN(from) || Number.isNaN(to) || (from <= 80 && 80 <= to);
  });
  return includes !== negated ? 'includes-80' : 'excludes-80';
}

/**
 * Returns the destination of a rule aimed at a near miss of the metadata address, when the rule
 * otherwise has the shape of a metadata rule. That shape is a block in chain OUTPUT with an owner
 * match on root or a comment that names metadata. Other rules to nearby addresses are ignored.
 */
function nearMissAddress(options: IptablesOptions, context: IptablesContext): string | undefined {
  const entry = findNearMetadataEntry(options.destination ?? '');
  if (!entry) return undefined;
  const chain = chainKind(options.chain ?? context.chain);
  const ownerOnRoot = options.uidOwner === '0' || options.uidOwner === 'root';
  const namesMetadata = /metadata/i.test(options.comment ?? '');
  const blocks = targetKind(options.target) === 'block';
  return chain === 'output' && blocks && (ownerOnRoot || namesMetadata) ? entry : undefined;
}

const firewalldRuleOps: Record<string, RuleDraft['op']> = {
  '--add-rule': 'append', '--remove-rule': 'delete',
  '--passthrough': 'append', '--add-passthrough': 'append', '--remove-passthrough': 'delete',
};

/** Reads `firewall-cmd [--permanent] --direct --add-rule|--passthrough ...` into a draft. */
export function parseFirewallCmdArgs(args: Arg[], start: number, end: number): RuleDraft | undefined {
  const persistent = args.some((arg) => arg.value === '--permanent');
  const index = args.findIndex((arg) => arg.value in firewalldRuleOps);
  if (index < 0) return undefined;
  const opName = args[index].value;
  const family = args[index + 1]?.value ?? 'ipv4';
  const base = {
    form: 'firewalld-direct' as const, start, end, persistent,
    listKey: `firewalld:${family}:${persistent ? 'permanent' : 'runtime'}`,
  };
  if (opName.includes('passthrough')) {
    const draft = parseIptablesArgs(args.slice(index + 2), base);
    if (draft && firewalldRuleOps[opName] === 'delete') draft.op = 'delete';
    return draft;
  }
  const [table, chain, priority] = args.slice(index + 2, index + 5).map((arg) => arg.value);
  const context = {
    ...base, table, chain, op: firewalldRuleOps[opName],
    priority: priority !== undefined && /^-?\d+$/.test(priority) ? Number(priority) : 0,
  };
  return parseIptablesArgs(args.slice(index + 5), context);
}

interface UfwState {
  op: RuleDraft['op'];
  insertAt?: number;
  route: boolean;
}

function readUfwPrefix(values: string[]): { state: UfwState; index: number } {
  const state: UfwState = { op: 'append', route: false };
  let index = 0;
  while (index < values.length) {
    const word = values[index];
    if (word.startsWith('--')) index++;
    else if (word === 'delete') [state.op, index] = ['delete', index + 1];
    else if (word === 'prepend') [state.op, state.insertAt, index] = ['insert', 1, index + 1];
    else if (word === 'insert') {
      [state.op, state.insertAt, index] = ['insert', Number(values[index + 1]) || 1, index + 2];
    } else if (word === 'route') [state.route, index] = [true, index + 1];
    else break;
  }
  return { state, index };
}

function valueAfter(values: string[], key: string): string | undefined {
  const index = values.indexOf(key);
  return index >= 0 ? values[index + 1] : undefined;
}

/** Reads `ufw [delete|insert N|prepend|route] deny|reject|allow [in|out] ... to ADDRESS ...`. */
export function parseUfwArgs(args: Arg[], start: number, end: number): RuleDraft | undefined {
  const values = args.map((arg) => (isKnown(arg.value) ? arg.value.toLowerCase() : arg.value));
  const { state, index } = readUfwPrefix(values);
  const actions: Record<string, RuleDraft['target']> = { deny: 'block', reject: 'block', allow: 'accept', limit: 'accept' };
  const target = actions[values[index]];
  const address = findMetadataEntry(valueAfter(values, 'to') ?? '');
  if (!target || !address) return undefined;

  const direction = values[index + 1];
  let chain: ChainKind = direction === 'out' ? 'output' : 'input';
  if (state.route) chain = 'forward';
  return {
    form: 'ufw', op: state.op, insertAt: state.insertAt, table: 'filter', chain,
    protocol: protocolKind(valueAfter(values, 'proto')), owner: 'none', target, address,
    // ufw stores every added rule in its own rules files, so the rule survives a reboot.
    persistent: true, start, end, listKey: 'ufw',
  };
}

/** Splits text into lines with their offsets. */
export function linesOf(text: string): Array<{ line: string; offset: number }> {
  const lines: Array<{ line: string; offset: number }> = [];
  let offset = 0;
  for (const line of text.split('\n')) {
    lines.push({ line: line.replace(/\r$/, ''), offset });
    offset += line.length + 1;
  }
  return lines;
}

/**
 * Reads rules in iptables-save syntax (`*filter`, `-A OUTPUT ...`, `COMMIT`) from text that starts
 * at script offset `base`. Words holding a shell expansion (`$X`) count as unknown.
 */
export function scanIptablesSaveText(
  text: string,
  base: number,
  options: { persistent: boolean; listKey: string },
): RuleDraft[] {
  const drafts: RuleDraft[] = [];
  let table = 'filter';
  for (const { line, offset } of linesOf(text)) {
    const trimmed = line.trim();
    const tableMatch = /^\*(\S+)/.exec(trimmed);
    if (tableMatch) table = tableMatch[1];
    if (!/^(-A|-I|--append|--insert)\s/.test(trimmed)) continue;
    const lineStart = base + offset + line.indexOf(trimmed);
    const tokens = tokenizeLine(trimmed, lineStart).map((token) =>
      token.value.includes('$') ? { ...token, value: UNKNOWN } : token,
    );
    const context = {
      form: 'iptables-save-file' as const, table, start: lineStart, end: lineStart + trimmed.length,
      listKey: `${options.listKey}:${table}`, persistent: options.persistent,
    };
    const draft = parseIptablesArgs(tokens, context);
    if (draft) drafts.push(draft);
  }
  return drafts;
}
