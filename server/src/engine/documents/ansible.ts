import * as path from 'path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node, type Pair, type YAMLMap } from 'yaml';
import { readUserData } from '../cloudinit/userData';
import { assessFacts, openMessage, type BootAssessment } from '../rules/ecs-metadata-unrestricted';
import { LineIndex, SourceMap } from '../text';
import type { Finding } from '../types';
import type { DocumentAnalysis, DocumentContext, DocumentKind } from './kinds';
import { analyseUserData, checkUserData } from './userDataDocument';

const moduleNames = new Set(['hwc_ecs_instance', 'community.general.hwc_ecs_instance']);

/**
 * Ansible playbooks and task files (`.yml`, `.yaml`) that create servers with the
 * `hwc_ecs_instance` module. Any YAML file that is a list, or starts with `---`, is a candidate;
 * files without the module name are skipped before parsing.
 */
export const ansibleDocument: DocumentKind = {
  id: 'ansible',
  commentSyntax: 'yaml',
  matches(file, firstLine) {
    const name = path.basename(file);
    if (!/\.ya?ml$/i.test(name) || /^(Pulumi\.|\.metadata-guard)/.test(name)) return false;
    return /^(---|- |#)/.test(firstLine);
  },
  analyze: analyzeAnsible,
};

function analyzeAnsible(file: string, text: string, context: DocumentContext): DocumentAnalysis {
  const result: DocumentAnalysis = { findings: [], notices: [], dependencies: [] };
  if (!/hwc_ecs_instance/.test(text)) return result;
  const lines = new LineIndex(text);
  const document = parseDocument(text, { lineCounter: new LineCounter(), uniqueKeys: false });
  for (const task of findModuleCalls(document.contents as Node | null)) {
    result.findings.push(...checkServer(file, lines, task, context));
  }
  return result;
}

/** Collects every `hwc_ecs_instance:` pair whose value is a parameter map, at any depth. */
function findModuleCalls(node: Node | null | undefined): Array<{ pair: Pair; task: YAMLMap; params: YAMLMap }> {
  const found: Array<{ pair: Pair; task: YAMLMap; params: YAMLMap }> = [];
  if (isSeq(node)) for (const item of node.items) found.push(...findModuleCalls(item as Node));
  if (!isMap(node)) return found;
  for (const pair of node.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    if (moduleNames.has(key) && isMap(pair.value)) found.push({ pair, task: node, params: pair.value });
    else found.push(...findModuleCalls(pair.value as Node));
  }
  return found;
}

/** Applies the script rules to a task's decoded user data and `ecs-metadata-unrestricted` to the server. */
function checkServer(
  file: string,
  lines: LineIndex,
  call: { pair: Pair; task: YAMLMap; params: YAMLMap },
  context: DocumentContext,
): Finding[] {
  const userDataNode = call.params.get('user_data', true) as Node | undefined;
  const name = `hwc_ecs_instance "${String(call.params.get('name') ?? call.task.get('name') ?? '')}"`;
  const keyRange = (call.pair.key as Node).range!;
  const location = { file, range: lines.range(keyRange[0], keyRange[1]) };
  const agencyName = (call.params.get('server_metadata') as YAMLMap | undefined)?.get?.('agency_name');
  const agency = agencyName === undefined ? undefined : { display: `"${String(agencyName)}"` };
  if (!userDataNode) return [openFinding(name, location, false, [], agency)];
  const encoded = isScalar(userDataNode) ? String(userDataNode.value ?? '') : '';
  const range = userDataNode.range!;
  if (encoded.includes('{{') || !/^[A-Za-z0-9+/=\s]+$/.test(encoded)) {
    return [{
      ruleId: 'ecs-metadata-unrestricted',
      severity: 'info',
      message: `Cannot verify that ${name} restricts instance metadata: its user_data is not a base64 literal.`,
      location,
      related: [],
      fixes: [],
    }];
  }
  const decoded = Buffer.from(encoded.replace(/\s+/g, ''), 'base64').toString('utf8');
  // NOTE: decoded text has no verbatim positions; its findings point at the whole user_data value.
  const userData = readUserData({ text: decoded, map: SourceMap.opaque(file, range[0], range[1]) });
  const analysed = analyseUserData(userData, context);
  const findings = checkUserData(analysed, lines, 'none');
  const assessment: BootAssessment = { status: 'open', attributes: [], openAlternatives: [], unknownReasons: [], ineffectiveRules: [] };
  if (assessFacts(analysed.facts, assessment) === 'open') {
    findings.unshift(openFinding(name, location, true, assessment.ineffectiveRules, agency));
  }
  return findings;
}

function openFinding(
  name: string,
  location: Finding['location'],
  hasBootScript: boolean,
  ineffectiveRules: BootAssessment['ineffectiveRules'],
  agency: { display: string } | undefined,
): Finding {
  return {
    ruleId: 'ecs-metadata-unrestricted',
    severity: agency ? 'error' : 'warning',
    message: openMessage(name, { hasBootScript, ineffectiveRules }, agency),
    location,
    related: [],
    fixes: [],
  };
}
