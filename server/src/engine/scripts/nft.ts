import type { ChainKind, OwnerKind, RuleDraft } from './rules';
import { linesOf, ownerKind, protocolKind } from './netfilter';
import { findMetadataEntry, isKnown } from './values';

/** The hook and type of an nftables base chain, by chain name. */
export type NftChains = Map<string, { hook: string; type: string }>;

const families = new Set(['ip', 'ip6', 'inet', 'arp', 'bridge', 'netdev']);

/** Finds chain definitions (`chain NAME { type filter hook output ... }`) anywhere in a script. */
export function collectNftChains(text: string): NftChains {
  const chains: NftChains = new Map();
  // The body may be quoted or escaped for the shell: `out '{ type ... }'` or `out \{ type ... \}`.
  const pattern = /chain\s+(?:(?:ip6?|inet|arp|bridge|netdev)\s+)?(?:\S+\s+)?([\w-]+)\s*['"]?\s*\\?\{[^}]*?type\s+(\w+)\s+hook\s+(\w+)/g;
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
    chains.set(match[1], { type: match[2], hook: match[3] });
  }
  return chains;
}

/** Splits an nft command line into statements at `;` and newlines outside braces. */
export function splitNftStatements(text: string): string[] {
  const statements: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of text) {
    if (char === '{') depth++;
    if (char === '}') depth = Math.max(0, depth - 1);
    if ((char === ';' || char === '\n') && depth === 0) {
      statements.push(current);
      current = '';
    } else current += char;
  }
  statements.push(current);
  return statements.map((statement) => statement.trim()).filter((statement) => statement.length > 0);
}

function tokensOf(text: string): string[] {
  return text.replace(/([{},])/g, ' $1 ').split(/\s+/).filter((token) => token.length > 0);
}

/** Reads the value after a selector, skipping `==`; a `{ a, b }` set is joined with commas. */
function selectorValue(tokens: string[], index: number): { value?: string; negated: boolean } {
  let at = index + 1;
  let negated = false;
  if (tokens[at] === '!=') [negated, at] = [true, at + 1];
  else if (tokens[at] === '==') at++;
  if (tokens[at] !== '{') return { value: tokens[at], negated };
  const close = tokens.indexOf('}', at);
  const members = tokens.slice(at + 1, close < 0 ? undefined : close).filter((token) => token !== ',');
  return { value: members.join(','), negated };
}

function nftProtocol(tokens: string[]): RuleDraft['protocol'] {
  const l4 = tokens.findIndex((token, i) => token === 'l4proto' || (token === 'protocol' && tokens[i - 1] === 'ip'));
  if (l4 >= 0) {
    const { value, negated } = selectorValue(tokens, l4);
    if (value?.split(',').includes('tcp')) return negated ? 'other' : 'tcp';
    return protocolKind(value, negated);
  }
  const header = tokens.findIndex((token, i) => (token === 'tcp' || token === 'udp') && /^[ds]port$|^flags$/.test(tokens[i + 1] ?? ''));
  return header >= 0 ? protocolKind(tokens[header]) : 'all';
}

function nftOwner(tokens: string[]): OwnerKind {
  const index = tokens.indexOf('skuid');
  if (index < 0) return 'none';
  const { value, negated } = selectorValue(tokens, index);
  return ownerKind(value, negated);
}

function nftTarget(tokens: string[]): RuleDraft['target'] {
  const verdicts = tokens.filter((token) => ['drop', 'reject', 'accept', 'jump', 'goto', 'return'].includes(token));
  const last = verdicts[verdicts.length - 1];
  if (last === 'drop' || last === 'reject') return 'block';
  return last === 'accept' ? 'accept' : 'other';
}

function nftChain(name: string, chains: NftChains): { chain: ChainKind; table: RuleDraft['table'] } {
  if (!isKnown(name)) return { chain: 'unknown', table: 'filter' };
  const known = chains.get(name);
  const hook = (known?.hook ?? name).toLowerCase();
  const kinds: Record<string, ChainKind> = { output: 'output', input: 'input', forward: 'forward' };
  return { chain: kinds[hook] ?? 'other', table: known?.type === 'nat' ? 'nat' : 'filter' };
}

/** The position of an nft rule and the table and chain it belongs to. */
export interface NftRulePlace {
  family: string;
  table: string;
  chain: string;
  op: RuleDraft['op'];
  start: number;
  end: number;
  persistent: boolean;
  listPrefix: string;
}

/** Reads an nft rule expression (`ip daddr ... meta skuid != 0 drop`) into a draft. */
export function parseNftRuleExpression(expression: string, place: NftRulePlace, chains: NftChains): RuleDraft | undefined {
  const tokens = tokensOf(expression);
  const daddr = tokens.findIndex((token, i) => token === 'daddr' && tokens[i - 1] === 'ip');
  if (daddr < 0) return undefined;
  const { value, negated } = selectorValue(tokens, daddr);
  const address = negated ? undefined : findMetadataEntry(value ?? '');
  if (!address) return undefined;

  const { chain, table } = nftChain(place.chain, chains);
  return {
    form: 'nft', op: place.op, table, chain, protocol: nftProtocol(tokens), owner: nftOwner(tokens),
    target: nftTarget(tokens), address, persistent: place.persistent, start: place.start, end: place.end,
    listKey: `${place.listPrefix}:${place.family}:${place.table}:${place.chain}`,
  };
}

type NftPlaceBase = Omit<NftRulePlace, 'family' | 'table' | 'chain' | 'op'>;

/** Reads one nft command (`add rule [family] table chain EXPR`) into a draft. */
export function parseNftCommand(statement: string, base: NftPlaceBase, chains: NftChains): RuleDraft | undefined {
  const match = /^(add|insert|delete)\s+rule\s+(.*)$/s.exec(statement.trim());
  if (!match) return undefined;
  const words = match[2].split(/\s+/);
  const family = families.has(words[0]) ? words.shift() as string : 'ip';
  const [table = '', chain = ''] = words;
  const ops: Record<string, RuleDraft['op']> = { add: 'append', insert: 'insert', delete: 'delete' };
  const place = { ...base, family, table, chain, op: ops[match[1]] };
  return parseNftRuleExpression(words.slice(2).join(' '), place, chains);
}

/**
 * Reads rules from an nftables file or `nft -f -` input: `add rule` lines, and rule lines inside
 * `table { chain NAME { ... } }` blocks. `base` is the script offset of the text.
 */
export function scanNftText(
  text: string,
  base: number,
  options: { persistent: boolean; listPrefix: string },
  chains: NftChains,
): RuleDraft[] {
  const drafts: RuleDraft[] = [];
  let family = 'ip';
  let table = '';
  let chain = '';
  for (const { line, offset } of linesOf(text)) {
    const trimmed = line.trim();
    const start = base + offset + line.indexOf(trimmed);
    const place = { ...options, start, end: start + trimmed.length };
    const tableMatch = /^table\s+(?:(ip6?|inet|arp|bridge|netdev)\s+)?(\S+)/.exec(trimmed);
    if (tableMatch) [family, table] = [tableMatch[1] ?? 'ip', tableMatch[2]];
    const chainMatch = /^chain\s+([\w-]+)/.exec(trimmed);
    if (chainMatch) chain = chainMatch[1];
    const draft = /^(add|insert|delete)\s+rule\b/.test(trimmed)
      ? parseNftCommand(trimmed, place, chains)
      : parseNftRuleExpression(trimmed, { ...place, family, table, chain, op: 'append' }, chains);
    if (draft) drafts.push(draft);
  }
  return drafts;
}
