import * as assert from 'assert';
import { getParsers } from '../../../server/src/engine/parsing/treeSitter';
import { analyzeBash, analyzeBashUncached } from '../../../server/src/engine/scripts/bash';
import type { ScriptSource } from '../../../server/src/engine/scripts/facts';
import { SourceMap, SourceMapBuilder } from '../../../server/src/engine/text';

const scriptLines = [
  '#!/bin/bash',
  'sudo iptables -A OUTPUT -p tcp -d 169.254.169.254 -m owner --uid-owner 0 -j ACCEPT',
  'iptables -A OUTPUT -p tcp -d 169.254.169.254 -j REJECT',
  'iptables-save > /etc/iptables/rules.v4',
  'curl -s http://169.254.169.254/openstack/latest/meta_data.json',
  "bash -c 'iptables -I FORWARD -d 169.254.169.254 -j DROP'",
  'if [ -f /x ]; then',
  '  iptables -A OUTPUT -d 169.254.169.254 -j DROP',
  'hcloud ECS UpdateServerMetadataOptions --http_tokens=required',
];

/** Builds a script source from a `<<-` heredoc in a host file, indented by `indent` spaces. */
function heredocSource(file: string, hostPrefix: string, indent: number): ScriptSource {
  const builder = new SourceMapBuilder(file);
  let offset = hostPrefix.length;
  for (const line of scriptLines) {
    builder.appendVerbatim(`${line}\n`, offset + indent);
    offset += indent + line.length + 1;
  }
  const { text, map } = builder.build(hostPrefix.length, offset);
  assert.strictEqual(map.segments.length, indent === 0 ? 1 : scriptLines.length);
  return { text, map };
}

describe('bash facts cache', () => {
  it('matches uncached facts', async () => {
    const { bash } = await getParsers();
    for (const [file, prefix, indent] of [['/a.tf', 'x = <<-EOT\n', 4], ['/b.tf', 'long_name = <<-EOT\n', 2]] as const) {
      const source = heredocSource(file, prefix, indent);
      assert.deepStrictEqual(analyzeBash(source, bash), analyzeBashUncached(source, bash));
    }
  });

  it('moves spans per host', async () => {
    const { bash } = await getParsers();
    const first = analyzeBash(heredocSource('/a.tf', 'x = <<-EOT\n', 4), bash);
    const second = analyzeBash(heredocSource('/b.tf', 'x = <<-EOT\n', 2), bash);
    assert.strictEqual(first.firewallRules[0].span.file, '/a.tf');
    assert.strictEqual(second.firewallRules[0].span.file, '/b.tf');
    assert.notStrictEqual(first.firewallRules[0].span.start, second.firewallRules[0].span.start);
  });

  it('finds every fact kind', async () => {
    const { bash } = await getParsers();
    const facts = analyzeBash(heredocSource('/a.tf', 'x = <<-EOT\n', 4), bash);
    assert.ok(facts.firewallRules.length >= 3, `firewall rules: ${facts.firewallRules.length}`);
    assert.ok(facts.firewallRules.some((rule) => rule.pairedWith), 'no paired rule');
    assert.strictEqual(facts.saves.length, 1);
    assert.strictEqual(facts.metadataRequests.length, 1);
    assert.strictEqual(facts.metadataOptionsCalls.length, 1);
    assert.ok(facts.parseErrors.length > 0, 'no parse error');
  });

  it('skips maps with gaps', async () => {
    const { bash } = await getParsers();
    const text = scriptLines.join('\n');
    const builder = new SourceMapBuilder('/c.tf');
    builder.appendSynthetic(text.slice(0, 1));
    builder.appendVerbatim(text.slice(1), 11);
    const source = { text, map: builder.build(10, 10 + text.length).map };
    assert.deepStrictEqual(analyzeBash(source, bash), analyzeBashUncached(source, bash));
    const opaque = { text, map: SourceMap.opaque('/c.tf', 5, 9) };
    assert.deepStrictEqual(analyzeBash(opaque, bash), analyzeBashUncached(opaque, bash));
  });
});
