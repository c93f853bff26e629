import * as fs from 'fs';
import * as path from 'path';
import { pathToFileURL } from 'url';
import type { Severity } from '../types';

/** What surfaces need to know about a rule: SARIF rule entries, documentation links. */
export interface RuleMeta {
  id: string;
  title: string;
  summary: string;
  defaultSeverity: Severity;
}

export const rules: RuleMeta[] = [
  {
    id: 'ecs-metadata-unrestricted',
    title: 'Server metadata is open to every process on the server',
    summary:
      'A Huawei Cloud server is created with instance metadata open to every user on it, and ' +
      'nothing in the configuration restricts it: no guest firewall rule in its boot script and no ' +
      'call that changes its metadata options.',
    defaultSeverity: 'warning',
  },
];

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
