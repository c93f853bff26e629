import * as fs from 'fs';
import * as path from 'path';
import { pathToFileURL } from 'url';
import type { Severity } from '../types';
import { agencyBroadRole } from './agency-broad-role';
import { agencyWildcardPolicy } from './agency-wildcard-policy';
import { ecsMetadataUnrestricted } from './ecs-metadata-unrestricted';
import { metadataFirewallIneffective } from './metadata-firewall-ineffective';
import { metadataFirewallNotPersistent } from './metadata-firewall-not-persistent';
import { metadataRequestWithoutToken } from './metadata-request-without-token';
import { metadataV1Enabled } from './metadata-v1-enabled';
import type { ModuleRule } from './rule';
import type { ScriptRule } from './scriptRule';

/** What surfaces need to know about a rule: SARIF rule entries, documentation links. */
export interface RuleMeta {
  id: string;
  title: string;
  summary: string;
  defaultSeverity: Severity;
}

/** Every rule over Terraform modules, in the order their findings are reported. */
export const moduleRules: ModuleRule[] = [ecsMetadataUnrestricted, agencyBroadRole, agencyWildcardPolicy];

/** Every rule over scripts: stand-alone ones and boot scripts inside Terraform, cloud-init, Ansible. */
export const scriptRules: ScriptRule[] = [
  metadataFirewallIneffective,
  metadataFirewallNotPersistent,
  metadataRequestWithoutToken,
  metadataV1Enabled,
];

export const rules: RuleMeta[] = [...moduleRules, ...scriptRules].map((rule) => rule.meta);

/**
 * Finds the folder of rule documentation shipped with the package: `docs/rules` at the package
 * root, which is one level above `dist/` in the bundle and three above `out/server/src/engine/`.
 */
function docsFolder(): string {
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    const candidate = path.join(dir, 'docs', 'rules');
    if (fs.existsSync(candidate)) return candidate;
    dir = path.dirname(dir);
  }
  return path.join(__dirname, 'docs', 'rules');
}

/** Returns a `file:` URL of each rule's documentation page, keyed by rule id. */
export function ruleDocs(): Map<string, string> {
  const folder = docsFolder();
  return new Map(rules.map((rule) => [rule.id, pathToFileURL(path.join(folder, `${rule.id}.md`)).href]));
}
