import * as assert from 'assert';
import { analyze, onlyRule } from './helpers';

function ps(body: string): ReturnType<typeof analyze> {
  return analyze(`#ps1_sysnative\n${body}\n`);
}

const sddl = '$sddl = "O:LSD:(D;;CC;;;WD)(A;;CC;;;BA)"';

describe('analyzePowerShell firewall rules', () => {
  it('documented form', async () => {
    const script = `${sddl}\nNew-NetFirewallRule -DisplayName "Block metadata" -Direction Outbound -Action Block ` +
      '-Protocol TCP -RemoteAddress 169.254.169.254 -LocalUser $sddl';
    const facts = await ps(script);
    const rule = onlyRule(facts);
    assert.strictEqual(rule.form, 'new-netfirewallrule');
    assert.strictEqual(rule.effective, true);
    assert.strictEqual(rule.blocksRoot, false);
    assert.strictEqual(rule.persistentByItself, true);
    assert.strictEqual(facts.language, 'powershell');
  });

  it('rule span starts at cmdlet', async () => {
    const body = 'New-NetFirewallRule -Direction Outbound -Action Block -RemoteAddress 169.254.169.254 -LocalUser $s';
    const rule = onlyRule(await ps(body));
    assert.strictEqual(rule.span.start, '#ps1_sysnative\n'.length);
    assert.strictEqual(rule.span.end, '#ps1_sysnative\n'.length + body.length);
  });

  it('rule in an uncalled function', async () => {
    const rule = 'New-NetFirewallRule -Direction Outbound -Action Block -RemoteAddress 169.254.169.254 -LocalUser $sddl';
    const facts = await ps(`${sddl}\nfunction Set-MetadataGuard {\n  ${rule}\n}\nWrite-Output done`);
    assert.deepStrictEqual(onlyRule(facts).reasons, ['never-called']);
    assert.strictEqual(onlyRule(facts).effective, false);
  });

  it('function called in other case', async () => {
    const rule = 'New-NetFirewallRule -Direction Outbound -Action Block -RemoteAddress 169.254.169.254 -LocalUser $sddl';
    const facts = await ps(`${sddl}\nfunction Set-MetadataGuard {\n  ${rule}\n}\nset-metadataguard`);
    assert.strictEqual(onlyRule(facts).effective, true);
  });

  it('abbreviated parameters', async () => {
    const rule = onlyRule(await ps('new-netfirewallrule -Dir out -Act block -Remote 169.254.169.254 -LocalU $s'));
    assert.strictEqual(rule.effective, true);
    assert.strictEqual(rule.blocksRoot, false);
  });

  it('splatting', async () => {
    const script = "$p = @{\n  Direction = 'Outbound'; Action = \"Block\"\n  RemoteAddress = @('169.254.169.254')\n  LocalUser = $sddl\n}\nNew-NetFirewallRule @p";
    const rule = onlyRule(await ps(script));
    assert.strictEqual(rule.effective, true);
    assert.strictEqual(rule.blocksRoot, false);
  });

  it('backtick continuation', async () => {
    const script = 'New-NetFirewallRule -Direction Outbound `\n  -Action Block `\n  -RemoteAddress 169.254.169.254 `\n  -LocalUser $sddl';
    assert.strictEqual(onlyRule(await ps(script)).effective, true);
  });

  it('unquoted comma list', async () => {
    const rule = onlyRule(await ps('New-NetFirewallRule -Direction Outbound -Action Block -RemoteAddress 10.0.0.1,169.254.169.254 -LocalUser $u'));
    assert.strictEqual(rule.effective, true);
    assert.strictEqual(rule.address, '169.254.169.254');
  });

  it('quoted list', async () => {
    const rule = onlyRule(await ps('New-NetFirewallRule -Direction Outbound -Action Block -RemoteAddress "10.0.0.1","169.254.169.254"'));
    assert.strictEqual(rule.effective, true);
  });

  it('address from variable', async () => {
    const rule = onlyRule(await ps("$md = '169.254.169.254'\nNew-NetFirewallRule -Direction Outbound -Action Block -RemoteAddress $md -LocalUser $u"));
    assert.strictEqual(rule.effective, true);
  });

  it('no LocalUser blocks SYSTEM', async () => {
    const rule = onlyRule(await ps('New-NetFirewallRule -Direction Outbound -Action Block -RemoteAddress 169.254.169.254'));
    assert.strictEqual(rule.effective, true);
    assert.strictEqual(rule.blocksRoot, true);
  });

  it('Allow action', async () => {
    const rule = onlyRule(await ps('New-NetFirewallRule -Direction Outbound -Action Allow -RemoteAddress 169.254.169.254 -LocalUser $u'));
    assert.deepStrictEqual(rule.reasons, ['action-allow']);
  });

  it('Inbound direction', async () => {
    const rule = onlyRule(await ps('New-NetFirewallRule -Direction Inbound -Action Block -RemoteAddress 169.254.169.254 -LocalUser $u'));
    assert.deepStrictEqual(rule.reasons, ['direction-inbound']);
  });

  it('default direction inbound', async () => {
    const rule = onlyRule(await ps('New-NetFirewallRule -Action Block -RemoteAddress 169.254.169.254'));
    assert.deepStrictEqual(rule.reasons, ['direction-inbound']);
  });

  it('UDP protocol', async () => {
    const rule = onlyRule(await ps('New-NetFirewallRule -Direction Outbound -Action Block -Protocol UDP -RemoteAddress 169.254.169.254'));
    assert.deepStrictEqual(rule.reasons, ['udp-only']);
  });

  it('other address ignored', async () => {
    const facts = await ps('New-NetFirewallRule -Direction Outbound -Action Block -RemoteAddress 10.0.0.1');
    assert.strictEqual(facts.firewallRules.length, 0);
  });

  it('netsh rule', async () => {
    const rule = onlyRule(await ps('netsh advfirewall firewall add rule name="Block metadata" dir=out action=block remoteip=169.254.169.254'));
    assert.strictEqual(rule.form, 'netsh');
    assert.strictEqual(rule.effective, true);
    assert.strictEqual(rule.blocksRoot, true);
  });

  it('netsh inbound', async () => {
    const rule = onlyRule(await ps('netsh advfirewall firewall add rule name=m dir=in action=block remoteip=169.254.169.254'));
    assert.deepStrictEqual(rule.reasons, ['direction-inbound']);
  });
});

describe('analyzePowerShell requests', () => {
  const url = 'http://169.254.169.254/openstack/latest/meta_data.json';

  it('plain request is V1', async () => {
    const [request] = (await ps(`Invoke-RestMethod -Uri ${url}`)).metadataRequests;
    assert.strictEqual(request.hasTokenHeader, false);
    assert.strictEqual(request.isTokenRequest, false);
    assert.strictEqual(request.url, url);
  });

  it('positional url with alias', async () => {
    const [request] = (await ps(`iwr -UseBasicParsing "${url}"`)).metadataRequests;
    assert.strictEqual(request.tool, 'iwr');
    assert.strictEqual(request.url, url);
  });

  it('inline token header', async () => {
    const [request] = (await ps(`irm -Uri ${url} -Headers @{ 'X-Metadata-Token' = $token }`)).metadataRequests;
    assert.strictEqual(request.hasTokenHeader, true);
  });

  it('token header in variable', async () => {
    const [request] = (await ps(`$h = @{ "X-Metadata-Token" = $t }\nInvoke-WebRequest ${url} -Headers $h`)).metadataRequests;
    assert.strictEqual(request.hasTokenHeader, true);
  });

  it('header added later', async () => {
    const script = `$h = @{}\n$h.Add('X-Metadata-Token', $t)\ncurl ${url} -Headers $h`;
    const [request] = (await ps(script)).metadataRequests;
    assert.strictEqual(request.hasTokenHeader, true);
  });

  it('ttl header is no token', async () => {
    const [request] = (await ps(`irm ${url} -Headers @{"X-Metadata-Token-Ttl-Seconds"="60"}`)).metadataRequests;
    assert.strictEqual(request.hasTokenHeader, false);
  });

  it('token PUT', async () => {
    const script = '$t = Invoke-RestMethod -Method Put -Uri "http://169.254.169.254/meta-data/latest/api/token" ' +
      '-Headers @{"X-Metadata-Token-Ttl-Seconds"="21600"}';
    const [request] = (await ps(script)).metadataRequests;
    assert.strictEqual(request.isTokenRequest, true);
  });

  it('other hosts ignored', async () => {
    assert.strictEqual((await ps('irm https://example.com/')).metadataRequests.length, 0);
  });
});

describe('analyzeCmd', () => {
  it('netsh rule', async () => {
    const text = 'rem cmd\r\nnetsh advfirewall firewall add rule name="m" dir=out action=block remoteip=169.254.169.254\r\n';
    const facts = await analyze(text);
    const rule = onlyRule(facts);
    assert.strictEqual(facts.language, 'cmd');
    assert.strictEqual(rule.effective, true);
    assert.strictEqual(rule.blocksRoot, true);
    assert.strictEqual(rule.span.start, text.indexOf('netsh'));
  });

  it('netsh allow', async () => {
    const text = 'rem cmd\nnetsh advfirewall firewall add rule name=m dir=out action=allow remoteip=169.254.169.254\n';
    assert.deepStrictEqual(onlyRule(await analyze(text)).reasons, ['action-allow']);
  });
});

describe('analyzeScript other languages', () => {
  it('cloud-config is empty', async () => {
    const facts = await analyze('#cloud-config\nruncmd:\n  - iptables -A OUTPUT -d 169.254.169.254 -j DROP\n');
    assert.strictEqual(facts.language, 'bash');
    assert.strictEqual(facts.firewallRules.length, 0);
  });
});

describe('analyzePowerShell syntax forms', () => {
  it('powershell tags', async () => {
    const text = '<powershell>\nNew-NetFirewallRule -Direction Outbound -Action Block -RemoteAddress 169.254.169.254 -LocalUser $u\n</powershell>\n';
    const facts = await analyze(text);
    assert.strictEqual(onlyRule(facts).effective, true);
    assert.strictEqual(facts.parseErrors.length, 0);
  });

  it('colon-attached values', async () => {
    const rule = onlyRule(await ps('New-NetFirewallRule -Direction:Outbound -Action:Block -RemoteAddress:169.254.169.254 -LocalUser:$u'));
    assert.strictEqual(rule.effective, true);
  });
});
