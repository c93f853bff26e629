import type { Node, Parser } from 'web-tree-sitter';
import { SourceMap } from '../text';
import type { FirewallRule, HostSpan, ScriptFacts, ScriptSource } from './facts';
import { BashWords, outputFiles, stripWrappers, teeFiles } from './bashWords';
import { curlOptionsCall, displayValue, hcloudOptionsCall, isTokenUrl, mayBeTokenHeader, metadataUrl, parseHttpCall } from './http';
import { type ChainFlush, parseFirewallCmdArgs, parseIptablesArgs, parseIptablesFlush, parseUfwArgs, scanIptablesSaveText } from './netfilter';
import { collectNftChains, type NftChains, parseNftCommand, scanNftText, splitNftStatements } from './nft';
import { evaluateReachableDrafts, type RuleDraft } from './rules';
import { collectParseErrors, descendants, type ScriptRange, uncalledDefinitions } from './syntax';
import { type Arg, baseName, emptyFacts, hostSpan, isKnown, maskPlaceholders, UNKNOWN } from './values';

/** Files that iptables-persistent (Debian) and iptables-services (RHEL) load at boot. */
const rulesFiles = new Set(['/etc/iptables/rules.v4', '/etc/iptables/rules.v6', '/etc/sysconfig/iptables', '/etc/sysconfig/ip6tables']);

/** Files that nftables.service loads at boot. */
const nftConfigFiles = new Set(['/etc/nftables.conf', '/etc/sysconfig/nftables.conf']);

const iptablesForms: Record<string, 'iptables' | 'ip6tables'> = {
  iptables: 'iptables', 'iptables-legacy': 'iptables', 'iptables-nft': 'iptables',
  ip6tables: 'ip6tables', 'ip6tables-legacy': 'ip6tables', 'ip6tables-nft': 'ip6tables',
};

/** State of one bash analysis: the source, word reader, and what was found so far. */
interface BashRun {
  source: ScriptSource;
  parser: Parser;
  masked: string;
  words: BashWords;
  chains: NftChains;
  drafts: RuleDraft[];
  flushes: ChainFlush[];
  /** Files that the script loads with `nft -f FILE`. */
  nftLoadedFiles: Set<string>;
  facts: ScriptFacts;
}

/** A command with wrappers (`sudo`, `env`) removed: `args` follow the command name. */
interface BashCommand {
  node: Node;
  name: string;
  nameArg: Arg;
  args: Arg[];
}

/** Maximum number of script texts whose facts `analyzeBash` keeps for reuse. */
const factsCacheSize = 256;

/** Facts of recent script texts, with spans as offsets into the script text (file ''). */
const factsCache = new Map<string, ScriptFacts>();

/**
 * Analyses a bash script: firewall rules aimed at the metadata address (iptables, nft, ufw,
 * firewalld direct rules, rules files), saves of the running rules, requests to the metadata
 * service and calls that change a server's metadata options.
 *
 * Many servers share one boot-script text, so facts are cached per text and placeholders when
 * the source map is verbatim and gap-free (see `hasGapFreeMap`). For such a map, every host span
 * is the text span moved by a strictly increasing function, which keeps the order and
 * duplicates of spans, so moving cached facts gives the same result as a new analysis.
 */
export function analyzeBash(source: ScriptSource, parser: Parser): ScriptFacts {
  if (!hasGapFreeMap(source)) return analyzeBashUncached(source, parser);
  const key = `${JSON.stringify(source.placeholders ?? null)}\n${source.text}`;
  let facts = factsCache.get(key);
  if (!facts) {
    const map = SourceMap.identity('', 0, source.text.length);
    facts = analyzeBashUncached({ ...source, map }, parser);
    if (factsCache.size >= factsCacheSize) factsCache.delete(factsCache.keys().next().value!);
    factsCache.set(key, facts);
  }
  return moveFacts(facts, source.map);
}

/**
 * True when the map's segments cover the text end to end with no synthetic characters and
 * their host offsets increase, so that `toHost` is strictly increasing on offsets 0 to the end.
 */
function hasGapFreeMap(source: ScriptSource): boolean {
  const segments = source.map.segments;
  if (segments.length === 0 || segments[0].textStart !== 0) return false;
  for (let i = 1; i < segments.length; i++) {
    const previous = segments[i - 1];
    if (segments[i].textStart !== previous.textStart + previous.length) return false;
    if (segments[i].hostStart < previous.hostStart + previous.length) return false;
  }
  const last = segments[segments.length - 1];
  return last.length > 0 && last.textStart + last.length === source.text.length;
}

/** Copies cached facts with every span moved from script offsets to the host through `map`. */
function moveFacts(facts: ScriptFacts, map: SourceMap): ScriptFacts {
  const move = (span: HostSpan): HostSpan => ({ file: map.file, ...map.rangeToHost(span.start, span.end) });
  return {
    language: facts.language,
    firewallRules: facts.firewallRules.map((rule) => {
      const moved: FirewallRule = { ...rule, reasons: [...rule.reasons], span: move(rule.span) };
      if (rule.pairedWith) moved.pairedWith = move(rule.pairedWith);
      if (rule.unknownValues) moved.unknownValues = [...rule.unknownValues];
      return moved;
    }),
    saves: facts.saves.map((save) => ({ ...save, span: move(save.span) })),
    metadataOptionsCalls: facts.metadataOptionsCalls.map((call) => ({ ...call, span: move(call.span) })),
    metadataRequests: facts.metadataRequests.map((request) => ({ ...request, span: move(request.span) })),
    parseErrors: facts.parseErrors.map(move),
  };
}

/** Analyses a bash script like `analyzeBash`, without reading or filling the facts cache. */
export function analyzeBashUncached(source: ScriptSource, parser: Parser): ScriptFacts {
  const tree = parser.parse(withoutLeadingBackslashes(source.text));
  if (!tree) throw new Error('The bash parser returned no tree.');
  const masked = maskPlaceholders(source.text, source.placeholders);
  const run: BashRun = {
    source, parser, masked, words: new BashWords(masked, tree.rootNode),
    chains: collectNftChains(masked), drafts: [], flushes: [], nftLoadedFiles: new Set(), facts: emptyFacts('bash'),
  };
  run.facts.parseErrors = collectParseErrors(tree.rootNode, source);
  for (const node of descendants(tree.rootNode, 'command')) analyzeCommand(run, node);
  for (const node of descendants(tree.rootNode, 'heredoc_redirect')) analyzeHeredoc(run, node);
  for (const node of outermost(descendants(tree.rootNode, 'ERROR'))) analyzeErrorLines(run, node);
  const neverRun = [...uncalledFunctions(run, tree.rootNode), ...deadBranches(run, tree.rootNode)];
  run.facts.firewallRules.push(...evaluateReachableDrafts(run.source, run.drafts, neverRun, run.flushes));
  dropUncalledFacts(run, neverRun);
  markAfterExit(run, firstTopLevelExit(run, tree.rootNode));
  tree.delete();
  return withoutDuplicates(run.facts);
}

/**
 * Returns the text for the parser with a backslash in the first column (`\curl`, which skips
 * aliases) turned into a space. tree-sitter-bash 0.25 reads such a line as more arguments of the
 * command before it, but not when the line starts with a space. Offsets do not move, and word
 * values are read from the original text, so only the shape of the tree changes.
 */
function withoutLeadingBackslashes(text: string): string {
  return text.replace(/(^|\n)\\(?=[^\r\n])/g, (_match, lineBreak: string) => `${lineBreak} `);
}

/** Keeps the nodes that no other node of the list contains. */
function outermost(nodes: Node[]): Node[] {
  const inside = (inner: Node, outer: Node): boolean =>
    outer !== inner && outer.startIndex <= inner.startIndex && outer.endIndex >= inner.endIndex;
  return nodes.filter((node) => !nodes.some((other) => inside(node, other)));
}

function uniqueBySpan<T extends { span: { start: number; end: number } }>(items: T[]): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const key = `${item.span.start}:${item.span.end}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Drops facts found twice, once in the tree and once by re-reading the lines of a syntax error. */
function withoutDuplicates(facts: ScriptFacts): ScriptFacts {
  return {
    ...facts,
    firewallRules: uniqueBySpan(facts.firewallRules).sort((a, b) => a.span.start - b.span.start),
    saves: uniqueBySpan(facts.saves),
    metadataOptionsCalls: uniqueBySpan(facts.metadataOptionsCalls),
    metadataRequests: uniqueBySpan(facts.metadataRequests),
  };
}

function toCommand(run: BashRun, node: Node): BashCommand | undefined {
  const words = stripWrappers(run.words.words(node));
  if (words.length === 0) return undefined;
  return { node, name: baseName(words[0].value), nameArg: words[0], args: words.slice(1) };
}

function analyzeCommand(run: BashRun, node: Node): void {
  const command = toCommand(run, node);
  if (!command) return;
  const { start } = command.nameArg;
  const end = node.endIndex;
  if (recordSave(run, command)) return;
  const form = iptablesForms[command.name];
  if (form) {
    const context = { form, start, end, listKey: form, persistent: false };
    const flush = parseIptablesFlush(command.args, form, start);
    if (flush) {
      if (!runsOnlyOnFailure(node)) run.flushes.push(flush);
    }
    else pushDraft(run, parseIptablesArgs(command.args, context));
  } else if (command.name === 'firewall-cmd') pushDraft(run, parseFirewallCmdArgs(command.args, start, end));
  else if (command.name === 'ufw') pushDraft(run, parseUfwArgs(command.args, start, end));
  else if (command.name === 'nft') analyzeNftCommand(run, command);
  else if (command.name === 'curl' || command.name === 'wget') analyzeHttp(run, command);
  else if (command.name === 'hcloud') analyzeHcloud(run, command);
  else if (command.name === 'echo' || command.name === 'printf') analyzeEcho(run, command);
  else if (/^(ba|da|z|k)?sh$/.test(command.name)) analyzeInlineScript(run, command);
}

/** True for the right side of `a || b`, which runs only when `a` fails. */
function runsOnlyOnFailure(node: Node): boolean {
  const parent = node.parent;
  if (!parent || parent.type !== 'list' || parent.firstNamedChild?.id === node.id) return false;
  const operator = parent.children.find((child) => child !== null && !child.isNamed && (child.type === '||' || child.type === '&&'));
  return operator?.type === '||';
}

/**
 * Returns the code that never runs because its condition is the literal command `false`: the
 * `then` part of `if false` and the body of `while false`. Other conditions may hold at run time.
 */
function deadBranches(run: BashRun, root: Node): ScriptRange[] {
  const ranges: ScriptRange[] = [];
  const isFalse = (node: Node | null | undefined): boolean =>
    node?.type === 'command' && run.masked.slice(node.startIndex, node.endIndex).trim() === 'false';
  for (const statement of descendants(root, ['if_statement', 'while_statement'])) {
    const condition = statement.childForFieldName('condition');
    if (!isFalse(condition)) continue;
    if (statement.type === 'while_statement') {
      const body = statement.childForFieldName('body');
      if (body) ranges.push({ start: body.startIndex, end: body.endIndex });
      continue;
    }
    const parts = statement.children.filter((child): child is Node => child !== null);
    const then = parts.findIndex((child) => child.type === 'then');
    const next = parts.findIndex((child, index) => index > then && ['elif_clause', 'else_clause', 'fi'].includes(child.type));
    if (then >= 0 && next > then) ranges.push({ start: parts[then].endIndex, end: parts[next].startIndex });
  }
  return ranges;
}

/** Returns the bash functions that nothing in the script calls (see `uncalledDefinitions`). */
function uncalledFunctions(run: BashRun, root: Node): ScriptRange[] {
  const definitions = descendants(root, 'function_definition').flatMap((definition) => {
    const nameNode = definition.childForFieldName('name');
    if (!nameNode) return [];
    const name = run.masked.slice(nameNode.startIndex, nameNode.endIndex);
    return [{ name, range: { start: definition.startIndex, end: definition.endIndex } }];
  });
  return uncalledDefinitions(run.masked, definitions, false);
}

/**
 * Drops the saves and metadata option calls made only in code that never runs, and marks as not
 * run the rules there that came from re-reading the lines of a syntax error.
 */
function dropUncalledFacts(run: BashRun, uncalled: ScriptRange[]): void {
  if (uncalled.length === 0) return;
  const hostRanges = uncalled.map((range) => hostSpan(run.source, range.start, range.end));
  const reached = (span: HostSpan): boolean =>
    !hostRanges.some((range) => range.file === span.file && range.start <= span.start && span.start < range.end);
  run.facts.firewallRules = run.facts.firewallRules.map((rule) =>
    reached(rule.span) || rule.reasons.includes('never-called')
      ? rule
      : { ...rule, effective: false, reasons: ['never-called'], blocksRoot: false },
  );
  run.facts.saves = run.facts.saves.filter((save) => reached(save.span));
  run.facts.metadataOptionsCalls = run.facts.metadataOptionsCalls.filter((call) => reached(call.span));
}

/** Returns the offset of the first `exit` run by the script itself (not inside a function). */
function firstTopLevelExit(run: BashRun, root: Node): number | undefined {
  for (const child of root.namedChildren) {
    if (child?.type !== 'command') continue;
    if (toCommand(run, child)?.name === 'exit') return child.startIndex;
  }
  return undefined;
}

/** Marks rules that come after a top-level `exit`: the script never reaches them. */
function markAfterExit(run: BashRun, exitAt: number | undefined): void {
  if (exitAt === undefined) return;
  const hostExit = run.source.map.toHost(exitAt);
  for (const rule of run.facts.firewallRules) {
    if (rule.span.file !== run.source.map.file || rule.span.start <= hostExit) continue;
    Object.assign(rule, { effective: false, reasons: ['after-exit'], blocksRoot: false });
  }
}

function pushDraft(run: BashRun, draft: RuleDraft | undefined): void {
  if (draft) run.drafts.push(draft);
}

function analyzeNftCommand(run: BashRun, command: BashCommand): void {
  const values = command.args.map((arg) => arg.value).filter((value) => value !== '--');
  const fileFlag = values.findIndex((value) => value === '-f' || value === '--file');
  const loaded = fileFlag >= 0 ? values[fileFlag + 1] : undefined;
  if (loaded && loaded !== '-' && isKnown(loaded)) run.nftLoadedFiles.add(loaded);
  const base = { start: command.nameArg.start, end: command.node.endIndex, persistent: false, listPrefix: 'nft' };
  for (const statement of splitNftStatements(values.join(' '))) {
    pushDraft(run, parseNftCommand(statement, base, run.chains));
  }
}

function analyzeHttp(run: BashRun, command: BashCommand): void {
  const call = parseHttpCall(command.args);
  const span = hostSpan(run.source, command.nameArg.start, command.node.endIndex);
  const options = curlOptionsCall(call);
  if (options) run.facts.metadataOptionsCalls.push({ ...options, span });
  const url = metadataUrl(call);
  if (!url) return;
  run.facts.metadataRequests.push({
    tool: command.name,
    hasTokenHeader: call.headers.some(mayBeTokenHeader) || mayPassHeaders(command.args, url),
    isTokenRequest: call.method?.toUpperCase() === 'PUT' && isTokenUrl(url.value),
    url: displayValue(url),
    span,
  });
}

/**
 * True when headers may come from somewhere the analyser cannot read: a header file (`-H @file`),
 * a curl config file (`-K`), or an argument that is wholly unknown, such as `"${ARGS[@]}"`.
 */
function mayPassHeaders(args: Arg[], url: Arg): boolean {
  return args.some((arg, index) => {
    if (arg === url) return false;
    if (arg.value === '-K' || arg.value === '--config' || arg.value.startsWith('--config=')) return true;
    const previous = args[index - 1]?.value;
    if ((previous === '-H' || previous === '--header') && arg.value.startsWith('@')) return true;
    return arg.value.length > 0 && [...arg.value].every((char) => char === UNKNOWN);
  });
}

function analyzeHcloud(run: BashRun, command: BashCommand): void {
  const options = hcloudOptionsCall(command.args);
  if (!options) return;
  const span = hostSpan(run.source, command.nameArg.start, command.node.endIndex);
  run.facts.metadataOptionsCalls.push({ ...options, span });
}

/** Returns the statement a command heads (its pipeline or redirected statement), for save texts. */
function enclosingStatement(node: Node): Node {
  let statement = node;
  while (statement.parent && ['pipeline', 'redirected_statement'].includes(statement.parent.type)) {
    statement = statement.parent;
  }
  return statement;
}

function isSaveCommand(run: BashRun, command: BashCommand): boolean {
  const { name, args, node } = command;
  const first = args[0]?.value;
  if (/^ip6?tables(-legacy|-nft)?-save$/.test(name)) {
    return outputFiles(node, run.words).length > 0 || args.some((arg) => /^(-f|--file)(=|$)/.test(arg.value));
  }
  if (name === 'nft') return first === 'list' && args[1]?.value === 'ruleset' && outputFiles(node, run.words).length > 0;
  if (['netfilter-persistent', 'iptables.init', 'iptables', 'ip6tables'].includes(name)) return first === 'save';
  if (name === 'service') return /^(ip6?tables|netfilter-persistent)$/.test(first ?? '') && args[1]?.value === 'save';
  return name === 'firewall-cmd' && args.some((arg) => arg.value === '--runtime-to-permanent');
}

/** Records a command that saves the running rules; returns true when it was one. */
function recordSave(run: BashRun, command: BashCommand): boolean {
  if (!isSaveCommand(run, command)) return false;
  const statement = enclosingStatement(command.node);
  const start = command.nameArg.start;
  const text = run.source.text.slice(start, statement.endIndex).replace(/\s+/g, ' ').trim();
  run.facts.saves.push({ command: text, span: hostSpan(run.source, start, statement.endIndex) });
  return true;
}

/** Reads `echo` / `printf` writing iptables-save lines to a rules file. */
function analyzeEcho(run: BashRun, command: BashCommand): void {
  const files = outputFiles(command.node, run.words);
  if (!files.some((file) => rulesFiles.has(file))) return;
  for (const arg of command.args) {
    if (/^-[neE]+$/.test(arg.value)) continue;
    const quoted = /^['"]/.test(arg.raw) ? 1 : 0;
    // A literal `\n` becomes a space and a line break, so offsets inside the argument stay put.
    const text = arg.value.replace(/\\n/g, ' \n');
    const options = { persistent: true, listKey: `file:${files[0]}` };
    run.drafts.push(...scanIptablesSaveText(text, arg.start + quoted, options));
  }
}

/** Returns the commands that read a heredoc: the statement body and any pipeline inside the redirect. */
function heredocConsumers(run: BashRun, heredoc: Node): BashCommand[] {
  const statement = heredoc.parent;
  const body = statement?.type === 'redirected_statement' ? statement.childForFieldName('body') : null;
  const nodes = [...(body?.type === 'command' ? [body] : []), ...descendants(heredoc, 'command')];
  return nodes.map((node) => toCommand(run, node)).filter((command): command is BashCommand => command !== undefined);
}

function heredocFiles(run: BashRun, heredoc: Node, consumers: BashCommand[]): string[] {
  const files = consumers.flatMap((command) => teeFiles([command.nameArg, ...command.args]));
  const statement = heredoc.parent;
  if (statement?.type === 'redirected_statement') {
    const body = statement.childForFieldName('body');
    if (body?.type === 'command') files.push(...outputFiles(body, run.words));
  }
  return files;
}

function readsStdinRules(command: BashCommand): boolean {
  const values = command.args.map((arg) => arg.value);
  const file = values[values.indexOf('-f') + 1];
  // tree-sitter-bash 0.25 drops the `-` of `nft -f - <<EOF`, so a missing file name counts too.
  return values.includes('-f') && (file === undefined || file === '-' || file === '/dev/stdin');
}

/**
 * Reads rules from a heredoc written to a rules file, or fed to `iptables-restore` / `nft -f -`,
 * or written to a file that the script loads with `nft -f FILE`.
 */
function analyzeHeredoc(run: BashRun, heredoc: Node): void {
  const body = heredoc.namedChildren.find((child) => child?.type === 'heredoc_body');
  if (!body) return;
  const text = run.masked.slice(body.startIndex, body.endIndex);
  const consumers = heredocConsumers(run, heredoc);
  const files = heredocFiles(run, heredoc, consumers);
  const rulesFile = files.find((file) => rulesFiles.has(file));
  if (rulesFile) {
    run.drafts.push(...scanIptablesSaveText(text, body.startIndex, { persistent: true, listKey: `file:${rulesFile}` }));
  } else if (consumers.some((command) => /^ip6?tables(-legacy|-nft)?-restore$/.test(command.name))) {
    run.drafts.push(...scanIptablesSaveText(text, body.startIndex, { persistent: false, listKey: 'iptables' }));
  }
  const nftFile = files.find((file) => nftConfigFiles.has(file));
  if (nftFile) {
    run.drafts.push(...scanNftText(text, body.startIndex, { persistent: true, listPrefix: 'nft-file' }, run.chains));
  } else if (
    files.some((file) => run.nftLoadedFiles.has(file)) ||
    consumers.some((command) => command.name === 'nft' && readsStdinRules(command))
  ) {
    run.drafts.push(...scanNftText(text, body.startIndex, { persistent: false, listPrefix: 'nft' }, run.chains));
  }
}

/**
 * Analyses `bash -c '...'` / `sh -c "..."` when the script argument is written verbatim (no
 * expansions or escapes), so that its offsets map back through the outer script.
 */
function analyzeInlineScript(run: BashRun, command: BashCommand): void {
  const flag = command.args.findIndex((arg) => arg.value === '-c');
  const script = command.args[flag + 1];
  if (flag < 0 || !script || !/^['"]/.test(script.raw) || script.raw.slice(1, -1) !== script.value) return;
  const offset = script.start + 1;
  const placeholders = run.source.placeholders
    ?.map((range) => ({ start: range.start - offset, end: range.end - offset }))
    .filter((range) => range.end > 0 && range.start < script.value.length);
  mergeInner(run, analyzeBashUncached({ text: script.value, map: run.source.map.slice(offset), placeholders }, run.parser));
}

/** Adds what a nested analysis found, leaving out its parse errors. */
function mergeInner(run: BashRun, inner: ScriptFacts): void {
  run.facts.firewallRules.push(...inner.firewallRules);
  run.facts.saves.push(...inner.saves);
  run.facts.metadataOptionsCalls.push(...inner.metadataOptionsCalls);
  run.facts.metadataRequests.push(...inner.metadataRequests);
}

/**
 * Re-reads each line of a multi-line syntax error on its own, so that an unclosed `if` or quote
 * does not hide the commands after it. Single-line errors are not split further.
 */
function analyzeErrorLines(run: BashRun, error: Node): void {
  const text = run.source.text.slice(error.startIndex, error.endIndex);
  if (!text.includes('\n')) return;
  let offset = error.startIndex;
  for (const line of text.split('\n')) {
    const placeholders = run.source.placeholders
      ?.map((range) => ({ start: range.start - offset, end: range.end - offset }))
      .filter((range) => range.end > 0 && range.start < line.length);
    mergeInner(run, analyzeBashUncached({ text: line, map: run.source.map.slice(offset), placeholders }, run.parser));
    offset += line.length + 1;
  }
}
