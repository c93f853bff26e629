import * as assert from 'assert';
import type { IneffectiveReason } from '../../../server/src/engine/scripts/facts';
import { analyzeBashText, onlyRule } from './helpers';

const metadata = '169.254.169.254';

interface EffectiveCase {
  name: string;
  script: string;
  blocksRoot: boolean;
  form?: string;
}

const effectiveCases: EffectiveCase[] = [
  { name: 'documented form', script: `iptables -A OUTPUT -p tcp -d ${metadata} -m owner ! --uid-owner 0 -j REJECT`, blocksRoot: false },
  { name: 'long options', script: `iptables --append OUTPUT --protocol tcp --destination ${metadata} -m owner ! --uid-owner root --jump DROP`, blocksRoot: false },
  { name: 'insert with /32', script: `iptables -I OUTPUT -d ${metadata}/32 -m owner ! --uid-owner 0 -j DROP`, blocksRoot: false },
  { name: 'negation after option', script: `iptables -A OUTPUT -d ${metadata} -m owner --uid-owner ! 0 -j REJECT`, blocksRoot: false },
  { name: 'no protocol', script: `iptables -A OUTPUT -d ${metadata} -m owner ! --uid-owner 0 -j REJECT`, blocksRoot: false },
  { name: 'link-local block', script: 'iptables -A OUTPUT -d 169.254.0.0/16 -m owner ! --uid-owner 0 -j DROP', blocksRoot: false },
  { name: 'explicit filter table', script: `iptables -t filter -A OUTPUT -d ${metadata} -m owner ! --uid-owner 0 -j DROP`, blocksRoot: false },
  { name: 'no owner match', script: `iptables -A OUTPUT -p tcp -d ${metadata} -j REJECT`, blocksRoot: true },
  { name: 'sudo prefix', script: `sudo iptables -A OUTPUT -d ${metadata} -m owner ! --uid-owner 0 -j DROP`, blocksRoot: false },
  { name: 'sudo with options', script: `sudo -E -u root iptables -A OUTPUT -d ${metadata} -m owner ! --uid-owner 0 -j DROP`, blocksRoot: false },
  { name: 'env and command', script: `env LANG=C command iptables -A OUTPUT -d ${metadata} -m owner ! --uid-owner 0 -j DROP`, blocksRoot: false },
  { name: 'full path', script: `/usr/sbin/iptables -A OUTPUT -d ${metadata} -m owner ! --uid-owner 0 -j DROP`, blocksRoot: false },
  { name: 'iptables-nft', script: `iptables-nft -A OUTPUT -d ${metadata} -m owner ! --uid-owner 0 -j DROP`, blocksRoot: false },
  { name: 'quoted words', script: `iptables -A "OUTPUT" -d '${metadata}' -m owner '!' --uid-owner "0" -j 'REJECT'`, blocksRoot: false },
  { name: 'escaped negation', script: `iptables -A OUTPUT -d ${metadata} -m owner \\! --uid-owner 0 -j DROP`, blocksRoot: false },
  { name: 'known variable', script: `MD=${metadata}\niptables -A OUTPUT -d "$MD" -m owner ! --uid-owner 0 -j DROP`, blocksRoot: false },
  { name: 'inside if', script: `if ! iptables -C OUTPUT -j X; then\n  iptables -A OUTPUT -d ${metadata} -m owner ! --uid-owner 0 -j DROP\nfi`, blocksRoot: false },
  { name: 'inside function', script: `harden() {\n  iptables -A OUTPUT -d ${metadata} -m owner ! --uid-owner 0 -j DROP || true\n}\nharden`, blocksRoot: false },
  { name: 'inside subshell', script: `( iptables -A OUTPUT -d ${metadata} -m owner ! --uid-owner 0 -j DROP ) 2>/dev/null`, blocksRoot: false },
  { name: 'sh -c string', script: `sudo sh -c 'iptables -A OUTPUT -d ${metadata} -m owner ! --uid-owner 0 -j DROP'`, blocksRoot: false },
  { name: 'nft output rule', script: `nft add rule inet filter output ip daddr ${metadata} meta skuid != 0 drop`, blocksRoot: false, form: 'nft' },
  { name: 'nft skuid root', script: `nft add rule ip filter output ip daddr ${metadata} tcp dport 80 skuid != root reject`, blocksRoot: false, form: 'nft' },
  { name: 'nft quoted command', script: `nft 'add rule inet filter output ip daddr { ${metadata} } meta skuid != 0 counter drop'`, blocksRoot: false, form: 'nft' },
  {
    name: 'nft chain with quoted body',
    script: `nft add chain inet mdg out '{ type filter hook output priority 0; }'\nnft add rule inet mdg out ip daddr ${metadata} meta skuid != 0 drop`,
    blocksRoot: false,
    form: 'nft',
  },
  {
    name: 'nft chain with escaped body',
    script: `nft add chain inet mdg out \\{ type filter hook output priority 0 \\; \\}\nnft add rule inet mdg out ip daddr ${metadata} meta skuid != 0 drop`,
    blocksRoot: false,
    form: 'nft',
  },
  {
    name: 'nft file loaded with -f',
    script: `cat > /etc/nftables.d/metadata.nft <<'NFT'\ntable inet mdg {\n  chain out {\n    type filter hook output priority 0;\n` +
      `    ip daddr ${metadata} meta skuid != 0 drop\n  }\n}\nNFT\nnft -f /etc/nftables.d/metadata.nft`,
    blocksRoot: false,
    form: 'nft',
  },
  { name: 'firewalld direct', script: `firewall-cmd --direct --add-rule ipv4 filter OUTPUT 0 -p tcp -d ${metadata} -m owner ! --uid-owner 0 -j REJECT`, blocksRoot: false, form: 'firewalld-direct' },
  { name: 'ufw deny out', script: `ufw deny out to ${metadata}`, blocksRoot: true, form: 'ufw' },
  { name: 'port 80', script: `iptables -A OUTPUT -p tcp --dport 80 -d ${metadata} -m owner ! --uid-owner 0 -j DROP`, blocksRoot: false },
  { name: 'multiport with 80', script: `iptables -A OUTPUT -p tcp -m multiport --dports 80,443 -d ${metadata} -m owner ! --uid-owner 0 -j DROP`, blocksRoot: false },
  { name: 'port range with 80', script: `iptables -A OUTPUT -p tcp --dport 1:1024 -d ${metadata} -m owner ! --uid-owner 0 -j DROP`, blocksRoot: false },
  { name: 'ufw reject with port', script: `ufw reject out to ${metadata} port 80 proto tcp`, blocksRoot: true, form: 'ufw' },
];

describe('analyzeBash effective rules', () => {
  for (const testCase of effectiveCases) {
    it(testCase.name, async () => {
      const rule = onlyRule(await analyzeBashText(testCase.script));
      assert.strictEqual(rule.effective, true, `reasons: ${rule.reasons.join(', ')}`);
      assert.deepStrictEqual(rule.reasons, []);
      assert.strictEqual(rule.blocksRoot, testCase.blocksRoot);
      assert.strictEqual(rule.form, testCase.form ?? 'iptables');
    });
  }
});

const ineffectiveCases: Array<{ name: string; script: string; reasons: IneffectiveReason[] }> = [
  { name: 'INPUT chain', script: `iptables -A INPUT -d ${metadata} -j DROP`, reasons: ['chain-input'] },
  { name: 'port 443 only', script: `iptables -A OUTPUT -p tcp --dport 443 -d ${metadata} -m owner ! --uid-owner root -j REJECT`, reasons: ['port-other'] },
  { name: 'every port but 80', script: `iptables -A OUTPUT -p tcp ! --dport 80 -d ${metadata} -m owner ! --uid-owner root -j REJECT`, reasons: ['port-other'] },
  { name: 'FORWARD chain', script: `iptables -A FORWARD -d ${metadata} -j DROP`, reasons: ['chain-forward'] },
  { name: 'DOCKER-USER chain', script: `iptables -I DOCKER-USER -d ${metadata} -j DROP`, reasons: ['chain-docker-user'] },
  { name: 'user chain', script: `iptables -A METADATA -d ${metadata} -j DROP`, reasons: ['chain-other'] },
  { name: 'ACCEPT only', script: `iptables -A OUTPUT -d ${metadata} -j ACCEPT`, reasons: ['target-accept'] },
  { name: 'nat table', script: `iptables -t nat -A OUTPUT -p tcp -d ${metadata} -j DNAT --to-destination 10.0.0.1`, reasons: [] },
  { name: 'nat table drop', script: `iptables -t nat -A OUTPUT -d ${metadata} -j DROP`, reasons: ['nat-table'] },
  { name: 'UDP only', script: `iptables -A OUTPUT -p udp -d ${metadata} -j DROP`, reasons: ['udp-only'] },
  { name: 'non-root owner', script: `iptables -A OUTPUT -d ${metadata} -m owner --uid-owner 1000 -j DROP`, reasons: ['owner-non-root'] },
  { name: 'delete rule', script: `iptables -D OUTPUT -d ${metadata} -m owner ! --uid-owner 0 -j DROP`, reasons: ['delete-rule'] },
  { name: 'firewalld remove', script: `firewall-cmd --direct --remove-rule ipv4 filter OUTPUT 0 -d ${metadata} -j DROP`, reasons: ['delete-rule'] },
  { name: 'firewalld INPUT', script: `firewall-cmd --direct --add-rule ipv4 filter INPUT 0 -d ${metadata} -j DROP`, reasons: ['chain-input'] },
  { name: 'ufw inbound', script: `ufw deny to ${metadata}`, reasons: ['chain-input'] },
  { name: 'ufw allow out', script: `ufw allow out to ${metadata}`, reasons: ['target-accept'] },
  { name: 'nft input hook', script: `nft add rule inet filter input ip daddr ${metadata} drop`, reasons: ['chain-input'] },
  { name: 'nft udp', script: `nft add rule inet filter output ip daddr ${metadata} meta l4proto udp drop`, reasons: ['udp-only'] },
];

describe('analyzeBash ineffective rules', () => {
  for (const testCase of ineffectiveCases) {
    it(testCase.name, async () => {
      const facts = await analyzeBashText(testCase.script);
      if (testCase.reasons.length === 0) {
        assert.strictEqual(facts.firewallRules.length, 0);
        return;
      }
      const rule = onlyRule(facts);
      assert.strictEqual(rule.effective, false);
      assert.deepStrictEqual(rule.reasons, testCase.reasons);
    });
  }
});

describe('analyzeBash rule order', () => {
  it('ACCEPT for all shadows a later block', async () => {
    const script = `iptables -A OUTPUT -p tcp -d ${metadata} -m owner ! --uid-owner root -j REJECT\n` +
      `iptables -I OUTPUT 1 -p tcp -d ${metadata} -j ACCEPT`;
    const facts = await analyzeBashText(script);
    const block = facts.firewallRules.find((rule) => rule.reasons.includes('shadowed-by-accept'));
    assert.ok(block, JSON.stringify(facts.firewallRules));
    assert.strictEqual(block.effective, false);
    assert.strictEqual(facts.firewallRules.some((rule) => rule.effective), false);
  });

  it('a later flush removes the rule', async () => {
    const script = `iptables -A OUTPUT -p tcp -d ${metadata} -m owner ! --uid-owner root -j REJECT\n` +
      'iptables-save > /etc/iptables/rules.v4\niptables -F OUTPUT\niptables-save > /etc/iptables/rules.v4';
    const rule = onlyRule(await analyzeBashText(script));
    assert.strictEqual(rule.effective, false);
    assert.deepStrictEqual(rule.reasons, ['flushed-later']);
  });

  it('a later delete removes the rule', async () => {
    const rule = `-A OUTPUT -p tcp -d ${metadata} -m owner ! --uid-owner root -j REJECT`;
    const facts = await analyzeBashText(`iptables ${rule}\niptables ${rule.replace('-A', '-D')}`);
    const added = facts.firewallRules.find((found) => found.reasons.includes('deleted-later'));
    assert.ok(added, JSON.stringify(facts.firewallRules));
    assert.strictEqual(facts.firewallRules.some((found) => found.effective), false);
  });

  it('a rule after exit is never run', async () => {
    const script = `#!/bin/bash\nexit 0\niptables -A OUTPUT -p tcp -d ${metadata} -m owner ! --uid-owner root -j REJECT`;
    const rule = onlyRule(await analyzeBashText(script));
    assert.strictEqual(rule.effective, false);
    assert.deepStrictEqual(rule.reasons, ['after-exit']);
  });

  it('exit inside a function is not the end', async () => {
    const script = `fail() {\n  exit 1\n}\niptables -A OUTPUT -p tcp -d ${metadata} -m owner ! --uid-owner root -j REJECT || fail`;
    assert.strictEqual(onlyRule(await analyzeBashText(script)).effective, true);
  });

  it('rule in an uncalled function never runs', async () => {
    const script = `harden() {\n  iptables -A OUTPUT -p tcp -d ${metadata} -m owner ! --uid-owner root -j REJECT\n}\napt-get update`;
    const rule = onlyRule(await analyzeBashText(script));
    assert.strictEqual(rule.effective, false);
    assert.deepStrictEqual(rule.reasons, ['never-called']);
  });

  it('called function runs its rule', async () => {
    const script = `harden() {\n  iptables -A OUTPUT -p tcp -d ${metadata} -m owner ! --uid-owner root -j REJECT\n}\nharden`;
    assert.strictEqual(onlyRule(await analyzeBashText(script)).effective, true);
  });

  it('function named by trap counts as called', async () => {
    const script = `function harden {\n  iptables -A OUTPUT -p tcp -d ${metadata} -m owner ! --uid-owner root -j REJECT\n}\ntrap harden EXIT`;
    assert.strictEqual(onlyRule(await analyzeBashText(script)).effective, true);
  });

  it('longer name is not a call', async () => {
    const script = `harden() {\n  iptables -A OUTPUT -p tcp -d ${metadata} -m owner ! --uid-owner root -j REJECT\n}\nharden-more\nharden_all`;
    assert.deepStrictEqual(onlyRule(await analyzeBashText(script)).reasons, ['never-called']);
  });

  it('rule under if false never runs', async () => {
    const script = `if false; then\n  iptables -A OUTPUT -p tcp -d ${metadata} -m owner ! --uid-owner root -j REJECT\nfi`;
    assert.deepStrictEqual(onlyRule(await analyzeBashText(script)).reasons, ['never-called']);
  });

  it('else branch of if false runs', async () => {
    const script = `if false; then\n  echo off\nelse\n  iptables -A OUTPUT -p tcp -d ${metadata} -m owner ! --uid-owner root -j REJECT\nfi`;
    assert.strictEqual(onlyRule(await analyzeBashText(script)).effective, true);
  });

  it('rule under while false never runs', async () => {
    const script = `while false; do\n  iptables -A OUTPUT -p tcp -d ${metadata} -m owner ! --uid-owner root -j REJECT\ndone`;
    assert.deepStrictEqual(onlyRule(await analyzeBashText(script)).reasons, ['never-called']);
  });

  it('unknown condition may run', async () => {
    const script = `if [ "$HARDEN" = yes ]; then\n  iptables -A OUTPUT -p tcp -d ${metadata} -m owner ! --uid-owner root -j REJECT\nfi`;
    assert.strictEqual(onlyRule(await analyzeBashText(script)).effective, true);
  });

  it('uncalled flush and save do not count', async () => {
    const script = `reset() {\n  iptables -F OUTPUT\n  iptables-save > /etc/iptables/rules.v4\n}\n` +
      `iptables -A OUTPUT -p tcp -d ${metadata} -m owner ! --uid-owner root -j REJECT`;
    const facts = await analyzeBashText(script);
    assert.strictEqual(onlyRule(facts).effective, true);
    assert.deepStrictEqual(facts.saves, []);
  });

  it('root ACCEPT before a root-exempt REJECT is fine', async () => {
    const script = `iptables -A OUTPUT -d ${metadata} -m owner --uid-owner root -j ACCEPT\n` +
      `iptables -A OUTPUT -p tcp -d ${metadata} -m owner ! --uid-owner root -j REJECT`;
    const facts = await analyzeBashText(script);
    assert.strictEqual(facts.firewallRules.length, 2);
    assert.ok(facts.firewallRules.every((rule) => rule.effective), JSON.stringify(facts.firewallRules));
  });

  it('ACCEPT for port 443 does not shadow', async () => {
    const script = `iptables -A OUTPUT -p tcp -d ${metadata} -m owner ! --uid-owner root -j REJECT\n` +
      `iptables -I OUTPUT -p tcp -d ${metadata} --dport 443 -j ACCEPT`;
    const facts = await analyzeBashText(script);
    assert.ok(facts.firewallRules.some((rule) => rule.effective));
  });

  it('ACCEPT for a named user shadows', async () => {
    const script = `iptables -A OUTPUT -p tcp -d ${metadata} -m owner ! --uid-owner root -j REJECT\n` +
      `iptables -I OUTPUT -d ${metadata} -m owner --uid-owner www-data -j ACCEPT`;
    const facts = await analyzeBashText(script);
    assert.ok(facts.firewallRules.some((rule) => rule.reasons.includes('shadowed-by-accept')));
  });

  it('flushes of other tables keep the rule', async () => {
    for (const flush of ['iptables -t mangle -F', 'iptables --table mangle --flush', 'iptables -tnat -F']) {
      const script = `iptables -A OUTPUT -p tcp -d ${metadata} -m owner ! --uid-owner root -j REJECT\n${flush}`;
      assert.strictEqual(onlyRule(await analyzeBashText(script)).effective, true, flush);
    }
  });

  it('mangle flush removes a mangle rule', async () => {
    for (const flush of ['iptables -t mangle -F', 'iptables --table=mangle -F OUTPUT']) {
      const script = `iptables -t mangle -A OUTPUT -p tcp -d ${metadata} -m owner ! --uid-owner root -j DROP\n${flush}`;
      assert.deepStrictEqual(onlyRule(await analyzeBashText(script)).reasons, ['flushed-later'], flush);
    }
  });

  it('filter flush keeps a mangle rule', async () => {
    const script = `iptables -t mangle -A OUTPUT -p tcp -d ${metadata} -m owner ! --uid-owner root -j DROP\niptables -F`;
    assert.strictEqual(onlyRule(await analyzeBashText(script)).effective, true);
  });

  it('flush keeps a rule in an unknown table', async () => {
    const script = `iptables -t "$TABLE" -A OUTPUT -p tcp -d ${metadata} -m owner ! --uid-owner root -j DROP\niptables -F`;
    assert.notDeepStrictEqual(onlyRule(await analyzeBashText(script)).reasons, ['flushed-later']);
  });

  it('flush only on failure keeps the rule', async () => {
    const script = `iptables -A OUTPUT -p tcp -d ${metadata} -m owner ! --uid-owner root -j REJECT || iptables -F OUTPUT`;
    assert.strictEqual(onlyRule(await analyzeBashText(script)).effective, true);
  });

  it('a fixed source port never matches', async () => {
    const script = `iptables -A OUTPUT -p tcp -d ${metadata} --sport 80 -m owner ! --uid-owner root -j REJECT`;
    const rule = onlyRule(await analyzeBashText(script));
    assert.deepStrictEqual(rule.reasons, ['source-port']);
  });

  it('a delete of another rule keeps the rule', async () => {
    const script = `iptables -A OUTPUT -p tcp -d ${metadata} -m owner ! --uid-owner root -j REJECT\n` +
      `iptables -D OUTPUT -p tcp -d ${metadata} -j ACCEPT`;
    const facts = await analyzeBashText(script);
    assert.ok(facts.firewallRules.some((found) => found.effective));
  });

  it('a flush of another chain keeps the rule', async () => {
    const script = `iptables -F INPUT\niptables -A OUTPUT -p tcp -d ${metadata} -m owner ! --uid-owner root -j REJECT\niptables -F FORWARD`;
    assert.strictEqual(onlyRule(await analyzeBashText(script)).effective, true);
  });

  it('a flush before the rule keeps it', async () => {
    const script = `iptables -F\niptables -A OUTPUT -p tcp -d ${metadata} -m owner ! --uid-owner root -j REJECT`;
    assert.strictEqual(onlyRule(await analyzeBashText(script)).effective, true);
  });

  it('ACCEPT after the block shadows nothing', async () => {
    const script = `iptables -A OUTPUT -p tcp -d ${metadata} -m owner ! --uid-owner root -j REJECT\n` +
      `iptables -A OUTPUT -p tcp -d ${metadata} -j ACCEPT`;
    const facts = await analyzeBashText(script);
    assert.ok(facts.firewallRules.some((rule) => rule.effective));
  });

  it('ACCEPT for root keeps the two-rule form', async () => {
    const script = `iptables -A OUTPUT -p tcp -d ${metadata} -m owner --uid-owner 0 -j ACCEPT\n` +
      `iptables -A OUTPUT -p tcp -d ${metadata} -j DROP`;
    const facts = await analyzeBashText(script);
    assert.ok(facts.firewallRules.every((rule) => rule.effective));
  });
});

describe('analyzeBash rule matching', () => {
  it('ignores other addresses', async () => {
    const facts = await analyzeBashText('iptables -A OUTPUT -d 10.0.0.1 -m owner ! --uid-owner 0 -j DROP');
    assert.strictEqual(facts.firewallRules.length, 0);
  });

  it('ignores negated destination', async () => {
    const facts = await analyzeBashText(`iptables -A OUTPUT ! -d ${metadata} -j DROP`);
    assert.strictEqual(facts.firewallRules.length, 0);
  });

  it('ignores unknown destination', async () => {
    const facts = await analyzeBashText('iptables -A OUTPUT -d "$ADDR" -m owner ! --uid-owner 0 -j DROP');
    assert.strictEqual(facts.firewallRules.length, 0);
  });

  it('ignores placeholder destination', async () => {
    const facts = await analyzeBashText('iptables -A OUTPUT -d xxxxxxxxxxxxxxx -m owner ! --uid-owner 0 -j DROP');
    assert.strictEqual(facts.firewallRules.length, 0);
  });

  it('placeholder chain is unknown', async () => {
    const rule = onlyRule(await analyzeBashText(`iptables -A xxxxxxxx -d ${metadata} -m owner ! --uid-owner 0 -j DROP`));
    assert.strictEqual(rule.effective, false);
    assert.deepStrictEqual(rule.unknownValues, ['chain']);
  });

  it('placeholder owner is unknown', async () => {
    const rule = onlyRule(await analyzeBashText(`iptables -A OUTPUT -d ${metadata} -m owner ! --uid-owner xxxxxxx -j DROP`));
    assert.strictEqual(rule.effective, false);
    assert.deepStrictEqual(rule.unknownValues, ['owner']);
  });

  it('repeated letters are plain text', async () => {
    const facts = await analyzeBashText(`curl aaaa http://${metadata}/openstack/latest/meta_data.json`);
    assert.strictEqual(facts.metadataRequests.length, 1);
    assert.strictEqual(facts.metadataRequests[0].hasTokenHeader, false);
  });

  it('uses explicit placeholders', async () => {
    const { getParsers } = await import('../../../server/src/engine/parsing/treeSitter');
    const { analyzeBash } = await import('../../../server/src/engine/scripts/bash');
    const { SourceMap } = await import('../../../server/src/engine/text');
    const text = `iptables -A OUTPUT -d ${metadata} -m owner ! --uid-owner 0000 -j DROP`;
    const start = text.indexOf('0000');
    const map = SourceMap.identity('/f', 0, text.length);
    const facts = analyzeBash({ text, map, placeholders: [{ start, end: start + 4 }] }, (await getParsers()).bash);
    assert.deepStrictEqual(onlyRule(facts).unknownValues, ['owner']);
  });

  it('ignores LOG target', async () => {
    const facts = await analyzeBashText(`iptables -A OUTPUT -d ${metadata} -j LOG`);
    assert.strictEqual(facts.firewallRules.length, 0);
  });

  it('ignores listing commands', async () => {
    const facts = await analyzeBashText(`iptables -C OUTPUT -d ${metadata} -j DROP`);
    assert.strictEqual(facts.firewallRules.length, 0);
  });

  it('records the address as written', async () => {
    const rule = onlyRule(await analyzeBashText(`iptables -A OUTPUT -d ${metadata}/32 -j DROP`));
    assert.strictEqual(rule.address, `${metadata}/32`);
  });
});

describe('analyzeBash two-rule form', () => {
  const accept = `iptables -A OUTPUT -d ${metadata} -m owner --uid-owner 0 -j ACCEPT`;
  const drop = `iptables -A OUTPUT -d ${metadata} -j DROP`;

  it('pair is effective', async () => {
    const facts = await analyzeBashText(`${accept}\n${drop}`);
    assert.strictEqual(facts.firewallRules.length, 2);
    assert.ok(facts.firewallRules.every((rule) => rule.effective));
    assert.ok(facts.firewallRules.every((rule) => !rule.blocksRoot));
    assert.deepStrictEqual(facts.firewallRules[0].pairedWith, facts.firewallRules[1].span);
  });

  it('drop first blocks root', async () => {
    const facts = await analyzeBashText(`${drop}\n${accept}`);
    const [first, second] = facts.firewallRules;
    assert.strictEqual(first.effective, true);
    assert.strictEqual(first.blocksRoot, true);
    assert.strictEqual(second.effective, false);
    assert.deepStrictEqual(second.reasons, ['target-accept']);
  });

  it('insert moves drop ahead', async () => {
    const facts = await analyzeBashText(`${accept}\niptables -I OUTPUT -d ${metadata} -j DROP`);
    assert.strictEqual(facts.firewallRules[1].blocksRoot, true);
    assert.strictEqual(facts.firewallRules[0].effective, false);
  });
});

describe('analyzeBash syntax errors', () => {
  it('reports parse errors', async () => {
    const facts = await analyzeBashText('if [ x; then\niptables -A OUTPUT -d 169.254.169.254 -j DROP');
    assert.ok(facts.parseErrors.length > 0);
  });

  it('finds rules after an error', async () => {
    const facts = await analyzeBashText('if [ x; then\niptables -A OUTPUT -d 169.254.169.254 -m owner ! --uid-owner 0 -j DROP');
    assert.strictEqual(onlyRule(facts).effective, true);
  });
});
