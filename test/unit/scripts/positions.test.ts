import * as assert from 'assert';
import { getParsers } from '../../../server/src/engine/parsing/treeSitter';
import { analyzeScript } from '../../../server/src/engine/scripts/analyze';
import type { ScriptFacts } from '../../../server/src/engine/scripts/facts';
import { SourceMapBuilder } from '../../../server/src/engine/text';

/** Builds a script out of an indented `<<-EOT` heredoc, as the Terraform evaluator does. */
async function analyzeHeredoc(host: string, indent: number): Promise<ScriptFacts> {
  const bodyStart = host.indexOf('\n', host.indexOf('<<-EOT')) + 1;
  const bodyEnd = host.indexOf('  EOT');
  const builder = new SourceMapBuilder('/work/main.tf');
  let offset = bodyStart;
  for (const line of host.slice(bodyStart, bodyEnd).split(/(?<=\n)/)) {
    builder.appendVerbatim(line.slice(indent), offset + indent);
    offset += line.length;
  }
  const { text, map } = builder.build(bodyStart, bodyEnd);
  return analyzeScript({ text, map }, await getParsers());
}

const host = [
  'resource "huaweicloud_compute_instance" "web" {',
  '  user_data = <<-EOT',
  '    #!/bin/bash',
  '    set -e',
  '    sudo iptables -A OUTPUT -p tcp -d 169.254.169.254 -m owner ! --uid-owner 0 -j REJECT',
  '    iptables-save > /etc/iptables/rules.v4',
  '    curl -s http://169.254.169.254/openstack/latest/meta_data.json',
  '    cat > /etc/sysconfig/iptables <<EOF',
  '    -A OUTPUT -d 169.254.169.254 -j DROP',
  '    EOF',
  '  EOT',
  '}',
  '',
].join('\n');

describe('script positions through a source map', () => {
  it('rule starts at iptables word', async () => {
    const facts = await analyzeHeredoc(host, 4);
    const rule = facts.firewallRules.find((found) => found.form === 'iptables');
    assert.ok(rule);
    assert.strictEqual(rule.span.file, '/work/main.tf');
    assert.strictEqual(rule.span.start, host.indexOf('iptables -A'));
    assert.strictEqual(rule.span.end, host.indexOf(' REJECT') + ' REJECT'.length);
  });

  it('save is mapped', async () => {
    const facts = await analyzeHeredoc(host, 4);
    assert.strictEqual(facts.saves[0].span.start, host.indexOf('iptables-save'));
  });

  it('request is mapped', async () => {
    const facts = await analyzeHeredoc(host, 4);
    assert.strictEqual(facts.metadataRequests[0].span.start, host.indexOf('curl'));
  });

  it('rules file line is mapped', async () => {
    const facts = await analyzeHeredoc(host, 4);
    const rule = facts.firewallRules.find((found) => found.form === 'iptables-save-file');
    assert.ok(rule);
    assert.strictEqual(rule.span.start, host.indexOf('-A OUTPUT -d'));
  });
});
