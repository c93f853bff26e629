import type { RuleDraft } from './rules';
import { protocolKind } from './netfilter';
import { type Arg, findMetadataEntry, isKnown } from './values';

function keyValues(args: Arg[]): Map<string, string> {
  const pairs = new Map<string, string>();
  for (const arg of args) {
    const equals = arg.value.indexOf('=');
    if (equals <= 0) continue;
    const value = arg.value.slice(equals + 1).replace(/^"(.*)"$/s, '$1');
    pairs.set(arg.value.slice(0, equals).toLowerCase(), value);
  }
  return pairs;
}

function netshDirection(dir: string | undefined): RuleDraft['chain'] {
  if (dir === undefined || !isKnown(dir)) return 'unknown';
  return dir === 'out' ? 'output' : 'input';
}

/**
 * Reads `netsh advfirewall firewall add|delete rule name=... dir=out action=block
 * remoteip=169.254.169.254` (arguments after `netsh`). netsh rules have no user exemption, so
 * an effective one blocks SYSTEM too.
 */
export function parseNetshArgs(args: Arg[], start: number, end: number): RuleDraft | undefined {
  const words = args.map((arg) => arg.value.toLowerCase());
  if (words[0] !== 'advfirewall' || words[1] !== 'firewall' || words[3] !== 'rule') return undefined;
  const ops: Record<string, RuleDraft['op']> = { add: 'append', delete: 'delete' };
  const op = ops[words[2]];
  const pairs = keyValues(args.slice(4));
  const address = findMetadataEntry(pairs.get('remoteip') ?? '');
  if (!op || !address) return undefined;

  const dir = pairs.get('dir')?.toLowerCase();
  const action = pairs.get('action')?.toLowerCase();
  const actions: Record<string, RuleDraft['target']> = { block: 'block', allow: 'accept', bypass: 'accept' };
  return {
    form: 'netsh', op, table: 'filter',
    chain: netshDirection(dir),
    protocol: protocolKind(pairs.get('protocol')), owner: 'none',
    target: action === undefined || !isKnown(action) ? 'unknown' : actions[action] ?? 'other',
    // Windows Firewall keeps rules added with netsh across reboots.
    address, persistent: true, start, end, listKey: 'netsh',
  };
}
