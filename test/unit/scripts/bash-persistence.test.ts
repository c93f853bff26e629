import * as assert from 'assert';
import { analyzeBashText, onlyRule } from './helpers';

const rule = '-A OUTPUT -p tcp -d 169.254.169.254 -m owner ! --uid-owner 0 -j REJECT';

describe('analyzeBash saves', () => {
  const saves: Array<[string, string]> = [
    ['redirect', 'iptables-save > /etc/iptables/rules.v4'],
    ['sudo with redirect', 'sudo iptables-save >/etc/sysconfig/iptables'],
    ['pipe to tee', 'iptables-save | sudo tee /etc/iptables/rules.v4 > /dev/null'],
    ['netfilter-persistent', 'netfilter-persistent save'],
    ['service', 'service iptables save'],
    ['iptables.init', '/usr/libexec/iptables/iptables.init save'],
    ['runtime to permanent', 'firewall-cmd --runtime-to-permanent'],
    ['nft ruleset', 'nft list ruleset > /etc/nftables.conf'],
  ];
  for (const [name, script] of saves) {
    it(name, async () => {
      const facts = await analyzeBashText(script);
      assert.strictEqual(facts.saves.length, 1);
      assert.strictEqual(facts.saves[0].command, script.replace(/^sudo /, ''));
    });
  }

  it('save after && with redirect', async () => {
    const facts = await analyzeBashText('mkdir -p /etc/iptables && iptables-save > /etc/iptables/rules.v4');
    assert.strictEqual(facts.saves.length, 1);
  });

  it('redirect of the first command is no save', async () => {
    const facts = await analyzeBashText('iptables-save && echo done > /tmp/log');
    assert.strictEqual(facts.saves.length, 0);
  });

  it('bare iptables-save is no save', async () => {
    const facts = await analyzeBashText('iptables-save\niptables-save > /dev/null');
    assert.strictEqual(facts.saves.length, 0);
  });

  it('enable is no save', async () => {
    const facts = await analyzeBashText('systemctl enable netfilter-persistent');
    assert.strictEqual(facts.saves.length, 0);
  });

  it('save span starts at command', async () => {
    const facts = await analyzeBashText('sudo netfilter-persistent save');
    assert.strictEqual(facts.saves[0].span.start, '#!/bin/bash\nsudo '.length);
  });
});

describe('analyzeBash persistence', () => {
  it('plain iptables is not persistent', async () => {
    const found = onlyRule(await analyzeBashText(`iptables ${rule}`));
    assert.strictEqual(found.persistentByItself, false);
  });

  it('firewalld permanent', async () => {
    const script = 'firewall-cmd --permanent --direct --add-rule ipv4 filter OUTPUT 0 -p tcp -d 169.254.169.254 -m owner ! --uid-owner 0 -j REJECT';
    const found = onlyRule(await analyzeBashText(script));
    assert.strictEqual(found.persistentByItself, true);
    assert.strictEqual(found.effective, true);
  });

  it('firewalld runtime', async () => {
    const script = 'firewall-cmd --direct --add-rule ipv4 filter OUTPUT 0 -d 169.254.169.254 -m owner ! --uid-owner 0 -j REJECT';
    assert.strictEqual(onlyRule(await analyzeBashText(script)).persistentByItself, false);
  });

  it('heredoc rules file', async () => {
    const script = `cat > /etc/iptables/rules.v4 <<'EOF'\n*filter\n${rule}\nCOMMIT\nEOF`;
    const text = `#!/bin/bash\n${script}\n`;
    const found = onlyRule(await analyzeBashText(script));
    assert.strictEqual(found.form, 'iptables-save-file');
    assert.strictEqual(found.persistentByItself, true);
    assert.strictEqual(found.effective, true);
    assert.strictEqual(found.span.start, text.indexOf(rule));
    assert.strictEqual(found.span.end, text.indexOf(rule) + rule.length);
  });

  it('heredoc piped to tee', async () => {
    const script = `cat <<EOF | sudo tee /etc/sysconfig/iptables\n*filter\n${rule}\nCOMMIT\nEOF`;
    const found = onlyRule(await analyzeBashText(script));
    assert.strictEqual(found.form, 'iptables-save-file');
    assert.strictEqual(found.persistentByItself, true);
  });

  it('tee with heredoc', async () => {
    const script = `tee /etc/iptables/rules.v4 <<EOF >/dev/null\n${rule}\nEOF`;
    assert.strictEqual(onlyRule(await analyzeBashText(script)).form, 'iptables-save-file');
  });

  it('heredoc to other file ignored', async () => {
    const script = `cat > /tmp/notes.txt <<EOF\n${rule}\nEOF`;
    assert.strictEqual((await analyzeBashText(script)).firewallRules.length, 0);
  });

  it('nat section in rules file', async () => {
    const script = `cat > /etc/iptables/rules.v4 <<EOF\n*nat\n-A OUTPUT -d 169.254.169.254 -j DROP\nCOMMIT\nEOF`;
    assert.deepStrictEqual(onlyRule(await analyzeBashText(script)).reasons, ['nat-table']);
  });

  it('echo appends a rule', async () => {
    const script = `echo '${rule}' >> /etc/sysconfig/iptables`;
    const text = `#!/bin/bash\n${script}\n`;
    const found = onlyRule(await analyzeBashText(script));
    assert.strictEqual(found.form, 'iptables-save-file');
    assert.strictEqual(found.span.start, text.indexOf(rule));
  });

  it('iptables-restore heredoc', async () => {
    const script = `iptables-restore <<EOF\n*filter\n${rule}\nCOMMIT\nEOF`;
    const found = onlyRule(await analyzeBashText(script));
    assert.strictEqual(found.effective, true);
    assert.strictEqual(found.persistentByItself, false);
  });

  it('nft heredoc', async () => {
    const body = 'table inet guard {\n  chain out {\n    type filter hook output priority 0; policy accept;\n' +
      '    ip daddr 169.254.169.254 meta skuid != 0 reject\n  }\n}';
    const found = onlyRule(await analyzeBashText(`nft -f - <<'EOF'\n${body}\nEOF`));
    assert.strictEqual(found.form, 'nft');
    assert.strictEqual(found.effective, true);
  });

  it('nft chain hook from definition', async () => {
    const script = "nft 'add chain inet t egress { type filter hook output priority 0; }'\n" +
      'nft add rule inet t egress ip daddr 169.254.169.254 skuid != 0 drop';
    const found = onlyRule(await analyzeBashText(script));
    assert.strictEqual(found.effective, true);
  });

  it('nft config file is persistent', async () => {
    const body = 'table inet filter {\n chain output {\n  type filter hook output priority 0;\n  ip daddr 169.254.169.254 skuid != 0 drop\n }\n}';
    const found = onlyRule(await analyzeBashText(`cat > /etc/nftables.conf <<EOF\n${body}\nEOF`));
    assert.strictEqual(found.persistentByItself, true);
  });

  it('ufw is persistent', async () => {
    assert.strictEqual(onlyRule(await analyzeBashText('ufw deny out to 169.254.169.254')).persistentByItself, true);
  });
});
