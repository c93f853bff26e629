import type { Node, Parser } from 'web-tree-sitter';
import type { ScriptFacts, ScriptSource } from './facts';
import { displayValue, hcloudOptionsCall, isTokenUrl, mayBeTokenHeader, metadataUrl, parseHttpCall } from './http';
import { protocolKind } from './netfilter';
import { parseNetshArgs } from './netsh';
import { namedValues, type PsCall, PsReader } from './psCommands';
import { evaluateReachableDrafts, type RuleDraft } from './rules';
import { collectParseErrors, descendants, type ScriptRange, uncalledDefinitions } from './syntax';
import { emptyFacts, findMetadataEntry, findNearMetadataEntry, hostSpan, isKnown, maskPlaceholders, mentionsMetadataAddress, tokenizeLine, UNKNOWN } from './values';

/** Parameters of New-NetFirewallRule (NetSecurity module). */
const firewallParameters = [
  'DisplayName', 'Name', 'Description', 'Group', 'Enabled', 'Profile', 'Platform', 'Direction',
  'Action', 'EdgeTraversalPolicy', 'LooseSourceMapping', 'LocalOnlyMapping', 'Owner', 'LocalAddress',
  'RemoteAddress', 'Protocol', 'LocalPort', 'RemotePort', 'IcmpType', 'DynamicTarget', 'Program',
  'Package', 'Service', 'InterfaceAlias', 'InterfaceType', 'LocalUser', 'RemoteUser', 'RemoteMachine',
  'Authentication', 'Encryption', 'OverrideBlockRules', 'PolicyStore', 'GPOSession', 'CimSession',
  'ThrottleLimit', 'AsJob',
];
const firewallRead = [
  'Direction', 'Action', 'Protocol', 'RemoteAddress', 'LocalUser', 'DisplayName', 'Name', 'Description',
];

/** Parameters of Invoke-WebRequest and Invoke-RestMethod (PowerShell 5.1 and 7). */
const webParameters = [
  'Uri', 'Method', 'CustomMethod', 'Headers', 'Body', 'ContentType', 'UseBasicParsing', 'UseDefaultCredentials',
  'Credential', 'Proxy', 'ProxyCredential', 'ProxyUseDefaultCredentials', 'OutFile', 'TimeoutSec',
  'WebSession', 'SessionVariable', 'UserAgent', 'MaximumRedirection', 'Certificate',
  'CertificateThumbprint', 'DisableKeepAlive', 'TransferEncoding', 'InFile', 'PassThru', 'NoProxy',
  'SkipCertificateCheck', 'Authentication', 'Token', 'Form', 'Resume', 'SkipHeaderValidation',
  'SkipHttpErrorCheck', 'StatusCodeVariable', 'ResponseHeadersVariable', 'HttpVersion',
  'MaximumRetryCount', 'RetryIntervalSec', 'FollowRelLink', 'MaximumFollowRelLink',
];
const webRead = ['Uri', 'Method', 'CustomMethod', 'Headers', 'Body'];
const webSwitches = new Set([
  'usebasicparsing', 'usedefaultcredentials', 'disablekeepalive', 'passthru', 'noproxy',
  'skipcertificatecheck', 'resume', 'skipheadervalidation', 'skiphttperrorcheck', 'followrellink',
  'proxyusedefaultcredentials',
]);
const firewallSwitches = new Set(['asjob', 'whatif', 'confirm']);
const webCommands = new Set(['invoke-restmethod', 'invoke-webrequest', 'irm', 'iwr', 'curl', 'wget']);

interface PsRun {
  source: ScriptSource;
  reader: PsReader;
  /** The script text with template placeholders masked, in script offsets. */
  masked: string;
  drafts: RuleDraft[];
  facts: ScriptFacts;
}

/**
 * Analyses a PowerShell script: New-NetFirewallRule and netsh rules aimed at the metadata
 * address, web requests to the metadata service, and KooCLI metadata-options calls.
 */
export function analyzePowerShell(source: ScriptSource, parser: Parser): ScriptFacts {
  // Cloudbase-Init's `<powershell>` tags are not PowerShell; blank them out, keeping offsets.
  // PowerShell reads vertical tabs and form feeds as spaces, and the grammar does not, so they
  // become spaces too.
  const text = source.text.replace(/<\/?powershell>/gi, (tag) => ' '.repeat(tag.length)).replace(/[\v\f]/g, ' ');
  const tree = parser.parse(text);
  if (!tree) throw new Error('The PowerShell parser returned no tree.');
  const masked = maskPlaceholders(text, source.placeholders);
  const run: PsRun = {
    source, reader: new PsReader(masked, tree.rootNode), masked, drafts: [], facts: emptyFacts('powershell'),
  };
  run.facts.parseErrors = collectParseErrors(tree.rootNode, source);
  for (const node of descendants(tree.rootNode, 'command')) {
    const name = node.childForFieldName('command_name')?.text.toLowerCase() ?? '';
    const switches = webCommands.has(name) ? webSwitches : firewallSwitches;
    const call = run.reader.call(node, switches);
    if (call) analyzeCall(run, call);
  }
  const uncalled = uncalledFunctions(masked, tree.rootNode);
  run.facts.firewallRules = evaluateReachableDrafts(source, run.drafts, uncalled);
  const hostRanges = uncalled.map((range) => hostSpan(source, range.start, range.end));
  run.facts.metadataOptionsCalls = run.facts.metadataOptionsCalls.filter(
    (call) => !hostRanges.some((range) => range.start <= call.span.start && call.span.start < range.end),
  );
  tree.delete();
  return run.facts;
}

/** Returns the PowerShell functions that nothing in the script calls (see `uncalledDefinitions`). */
function uncalledFunctions(masked: string, root: Node): ScriptRange[] {
  const definitions = descendants(root, 'function_statement').flatMap((definition) => {
    const nameNode = definition.namedChildren.find((child) => child?.type === 'function_name');
    if (!nameNode) return [];
    const name = masked.slice(nameNode.startIndex, nameNode.endIndex);
    return [{ name, range: { start: definition.startIndex, end: definition.endIndex } }];
  });
  return uncalledDefinitions(masked, definitions, true);
}

function analyzeCall(run: PsRun, call: PsCall): void {
  const start = call.nameNode.startIndex;
  const end = call.node.endIndex;
  const name = call.name.replace(/\.exe$/, '');
  if (name === 'new-netfirewallrule') pushDraft(run, firewallDraft(run, call));
  else if (name === 'netsh') pushDraft(run, parseNetshArgs(call.elements, start, end));
  else if (name === 'hcloud') hcloudCall(run, start);
  else if (call.name === 'curl.exe' || call.name === 'wget.exe') nativeRequest(run, call);
  else if (webCommands.has(call.name)) webRequest(run, call);
}

/**
 * Reads a KooCLI call from its source line rather than from the syntax tree, because the
 * PowerShell grammar stops a command at the `=` of `--http_tokens=optional`.
 */
function hcloudCall(run: PsRun, start: number): void {
  const lineEnd = run.masked.indexOf('\n', start);
  const line = run.masked.slice(start, lineEnd < 0 ? run.masked.length : lineEnd).trimEnd();
  const options = hcloudOptionsCall(tokenizeLine(line, start).slice(1));
  if (options) run.facts.metadataOptionsCalls.push({ ...options, span: hostSpan(run.source, start, start + line.length) });
}

function pushDraft(run: PsRun, draft: RuleDraft | undefined): void {
  if (draft) run.drafts.push(draft);
}

function firstValue(run: PsRun, call: PsCall, text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  return run.reader.list(text, call.node.startIndex)[0] ?? '';
}

function directionKind(value: string | undefined): RuleDraft['chain'] {
  // New-NetFirewallRule creates inbound rules when -Direction is absent.
  if (value === undefined) return 'input';
  if (!isKnown(value)) return 'unknown';
  const kinds: Record<string, RuleDraft['chain']> = { outbound: 'output', out: 'output', inbound: 'input', in: 'input' };
  return kinds[value.toLowerCase()] ?? 'other';
}

function actionKind(value: string | undefined): RuleDraft['target'] {
  // New-NetFirewallRule creates Allow rules when -Action is absent.
  if (value === undefined) return 'accept';
  if (!isKnown(value)) return 'unknown';
  const kinds: Record<string, RuleDraft['target']> = { block: 'block', allow: 'accept' };
  return kinds[value.toLowerCase()] ?? 'other';
}

/**
 * Reads New-NetFirewallRule. A `-LocalUser` value is taken as the documented SDDL that exempts
 * Administrators; its content is not checked.
 */
function firewallDraft(run: PsRun, call: PsCall): RuleDraft | undefined {
  const values = namedValues(run.reader, call, firewallParameters, firewallRead);
  const remote = values.get('RemoteAddress');
  const addresses = remote === undefined ? [] : run.reader.list(remote, call.node.startIndex);
  const address = addresses.map(findMetadataEntry).find((entry) => entry !== undefined);
  const nearMiss = address ? undefined : nearMissAddress(run, call, values, addresses);
  if (!address && !nearMiss) return undefined;

  const protocol = firstValue(run, call, values.get('Protocol'));
  return {
    nearMiss: nearMiss !== undefined || undefined,
    address: (address ?? nearMiss) as string,
    form: 'new-netfirewallrule', op: 'append', table: 'filter',
    chain: directionKind(firstValue(run, call, values.get('Direction'))),
    protocol: protocol === undefined ? 'all' : protocolKind(protocol),
    owner: values.has('LocalUser') ? 'not-root' : 'none',
    target: actionKind(firstValue(run, call, values.get('Action'))),
    // Rules go to the persistent store unless -PolicyStore names another one.
    persistent: true, start: call.nameNode.startIndex, end: call.node.endIndex, listKey: 'windows',
  };
}

/**
 * Returns the remote address of a rule aimed at a near miss of the metadata address, when the
 * rule otherwise has the shape of a metadata rule. That shape is Outbound and Block, with a
 * `-LocalUser` exemption or a name or description that names metadata.
 */
function nearMissAddress(run: PsRun, call: PsCall, values: Map<string, string>, addresses: string[]): string | undefined {
  const entry = addresses.map(findNearMetadataEntry).find((candidate) => candidate !== undefined);
  if (!entry) return undefined;
  const outbound = directionKind(firstValue(run, call, values.get('Direction'))) === 'output';
  const blocks = actionKind(firstValue(run, call, values.get('Action'))) === 'block';
  const labels = ['DisplayName', 'Name', 'Description'].map((name) => firstValue(run, call, values.get(name)) ?? '');
  const namesMetadata = labels.some((label) => /metadata/i.test(label));
  return outbound && blocks && (values.has('LocalUser') || namesMetadata) ? entry : undefined;
}

/** Returns the text of a `-Headers` value, following a variable to the hashtable assigned to it. */
function headersText(run: PsRun, call: PsCall, value: string): string {
  const variable = /^\s*\$(\w+)\s*$/.exec(value)?.[1];
  if (!variable) return value;
  const node = run.reader.assignedNode(variable, call.node.startIndex);
  const assigned = node ? run.reader.text(node.startIndex, node.endIndex) : '';
  // Entries added later (`$h.Add('X-Metadata-Token', $t)`, `$h['X-Metadata-Token'] = $t`) count too.
  const added = new RegExp(`\\$${variable}\\s*(\\.Add\\s*\\(|\\[)\\s*['"]X-Metadata-Token['"]`, 'i');
  return added.test(run.reader.text(0, call.node.startIndex)) ? `${assigned} 'X-Metadata-Token' =` : assigned;
}

function webRequest(run: PsRun, call: PsCall): void {
  const values = namedValues(run.reader, call, webParameters, webRead);
  const uriText = values.get('Uri') ?? call.positional[0]?.raw;
  const url = firstValue(run, call, uriText) ?? '';
  const method = firstValue(run, call, values.get('Method') ?? values.get('CustomMethod'))?.toLowerCase();
  const span = hostSpan(run.source, call.nameNode.startIndex, call.node.endIndex);
  if (url.includes('/metadata-options') && method === 'put') {
    const body = values.get('Body') ?? '';
    const read = (key: string): string | undefined => {
      const found = new RegExp(`${key}['"]?\\s*[:=]\\s*['"]?(\\w+)`, 'i').exec(body)?.[1];
      return found !== undefined && isKnown(found) ? found : undefined;
    };
    run.facts.metadataOptionsCalls.push({ httpTokens: read('http_tokens'), httpEndpoint: read('http_endpoint'), span });
  }
  if (!mentionsMetadataAddress(url)) return;
  const headers = headersText(run, call, values.get('Headers') ?? '');
  run.facts.metadataRequests.push({
    tool: call.nameNode.text,
    hasTokenHeader: /['"]?X-Metadata-Token['"]?\s*=/i.test(headers),
    isTokenRequest: method === 'put' && isTokenUrl(url),
    url: url.includes(UNKNOWN) ? (uriText ?? '').trim() : url,
    span,
  });
}

/** Reads curl.exe / wget.exe, which take the same options as on Linux. */
function nativeRequest(run: PsRun, call: PsCall): void {
  const http = parseHttpCall(call.elements);
  const url = metadataUrl(http);
  if (!url) return;
  run.facts.metadataRequests.push({
    tool: call.nameNode.text,
    hasTokenHeader: http.headers.some(mayBeTokenHeader),
    isTokenRequest: http.method?.toUpperCase() === 'PUT' && isTokenUrl(url.value),
    url: displayValue(url),
    span: hostSpan(run.source, call.nameNode.startIndex, call.node.endIndex),
  });
}
