import * as assert from 'assert';
import * as path from 'path';
import { DiskSourceProvider, Engine } from '../../server/src/engine';
import { getParsers } from '../../server/src/engine/parsing/treeSitter';
import { moduleRules } from '../../server/src/engine/rules/registry';
import type { ModuleRule } from '../../server/src/engine/rules/rule';
import { hostileWorkspace } from './helpers';

/** A rule that throws on every module, standing in for a rule with a bug. */
const brokenRule: ModuleRule = {
  meta: { id: 'broken-rule', title: 'Broken rule', summary: 'Throws on every module.', defaultSeverity: 'error' },
  check: () => {
    throw new TypeError('cannot read properties of undefined');
  },
};

describe('rule failure', () => {
  it('other rules still report', async () => {
    const engine = new Engine(await getParsers(), [brokenRule, ...moduleRules]);
    const root = hostileWorkspace();
    const result = engine.analyzeModule(path.join(root, 'healthy'), new DiskSourceProvider());
    assert.ok(result.findings.some((finding) => finding.ruleId === 'ecs-metadata-unrestricted'));
  });

  it('logged once with rule and module', async () => {
    const engine = new Engine(await getParsers(), [brokenRule, ...moduleRules]);
    const dir = path.join(hostileWorkspace(), 'healthy');
    const result = engine.analyzeModule(dir, new DiskSourceProvider());
    const notices = result.notices.filter((notice) => notice.message.includes('broken-rule'));
    assert.strictEqual(notices.length, 1);
    assert.strictEqual(notices[0].file, dir);
    assert.match(notices[0].message, /cannot read properties of undefined/);
  });
});
