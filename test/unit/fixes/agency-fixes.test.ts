import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { Finding } from '../../../server/src/engine';
import { applyFileEdits, copyFixture, memoryOverlay, sharedEngine } from '../../helpers';

interface FixOutcome {
  /** The text of `file` after the fix. */
  text: string;
  /** Findings of the rule after the fix. */
  after: Finding[];
  parseNotices: string[];
}

/**
 * Applies one fix of the only finding of `ruleId` in a fixture copy, then analyses the result.
 * `pick` chooses the fix: the preferred one unless a title prefix is given.
 */
async function applyFix(ruleId: string, caseName: string, file: string, pick?: string): Promise<FixOutcome> {
  const engine = await sharedEngine();
  const folder = copyFixture(path.join('rules', ruleId, caseName));
  const files = new Map<string, string>();
  const before = engine.analyzeModule(folder, memoryOverlay(files)).findings.filter((f) => f.ruleId === ruleId);
  assert.strictEqual(before.length, 1, 'one finding before the fix');
  const fix = before[0].fixes.find((candidate) => (pick ? candidate.title.startsWith(pick) : candidate.isPreferred));
  assert.ok(fix, 'the fix is offered');
  applyFileEdits(files, fix.edits);
  const result = engine.analyzeModule(folder, memoryOverlay(files));
  const target = path.join(folder, file);
  return {
    text: files.get(target) ?? fs.readFileSync(target, 'utf8'),
    after: result.findings.filter((f) => f.ruleId === ruleId),
    parseNotices: result.notices.filter((notice) => notice.range).map((notice) => notice.message),
  };
}

function assertClean(outcome: FixOutcome): void {
  assert.deepStrictEqual(outcome.parseNotices, [], 'the fixed files parse');
  assert.deepStrictEqual(outcome.after.map((f) => f.message), [], 'the finding is gone');
}

describe('agency role fixes', () => {
  const rule = 'agency-broad-role';

  it('removes a role before another', async () => {
    const outcome = await applyFix(rule, 'service-full-access', 'main.tf');
    assert.ok(outcome.text.includes('    roles   = ["VPC ReadOnlyAccess"]\n'), outcome.text);
    assertClean(outcome);
  });

  it('removes the last role of a multi-line list', async () => {
    const outcome = await applyFix(rule, 'multiline-last', 'main.tf');
    const expected =
      'resource "huaweicloud_identity_agency" "ops" {\n' +
      '  name                   = "ecs-ops"\n' +
      '  delegated_service_name = "op_svc_ecs"\n' +
      '  domain_roles = [\n' +
      '    "Tenant Guest",\n' +
      '  ]\n' +
      '}\n';
    assert.strictEqual(outcome.text, expected);
    assertClean(outcome);
  });

  it('removes a role from a tf.json list', async () => {
    const outcome = await applyFix(rule, 'tf-json-object', 'main.tf.json');
    const expected = '"roles": [\n            "VPC ReadOnlyAccess"\n          ]';
    assert.ok(outcome.text.includes(expected), outcome.text);
    assert.doesNotThrow(() => JSON.parse(outcome.text));
    assertClean(outcome);
  });

  it('replaces a service role as preferred', async () => {
    const outcome = await applyFix(rule, 'only-role', 'main.tf');
    assert.ok(outcome.text.includes('  domain_roles          = ["OBS ReadOnlyAccess"]\n'), outcome.text);
    assertClean(outcome);
  });

  it('replaces a service role on request', async () => {
    const outcome = await applyFix(rule, 'service-full-access', 'main.tf', 'Replace');
    assert.ok(outcome.text.includes('    roles   = ["ECS ReadOnlyAccess", "VPC ReadOnlyAccess"]\n'), outcome.text);
    assertClean(outcome);
  });

  it('replaces a role in a tf.json block list', async () => {
    const outcome = await applyFix(rule, 'tf-json-list', 'main.tf.json');
    assert.ok(outcome.text.includes('"ECS ReadOnlyAccess"'), outcome.text);
    assert.doesNotThrow(() => JSON.parse(outcome.text));
    assertClean(outcome);
  });
});

describe('agency action fixes', () => {
  const rule = 'agency-wildcard-policy';

  it('replaces an action in jsonencode', async () => {
    const outcome = await applyFix(rule, 'jsonencode-deny', 'main.tf');
    assert.ok(outcome.text.includes('        Action = ["ecs:*:get*", "ecs:*:list*", "evs:volumes:list"]\n'), outcome.text);
    assert.ok(outcome.text.includes('        Action = ["*"]\n'), 'the Deny statement is unchanged');
    assertClean(outcome);
  });

  it('wraps a single action in a list', async () => {
    const outcome = await applyFix(rule, 'jsonencode-scalar', 'main.tf');
    const expected = '    Statement = [{ Effect = "Allow", Action = ["vpc:*:get*", "vpc:*:list*"] }]\n';
    assert.ok(outcome.text.includes(expected), outcome.text);
    assertClean(outcome);
  });

  it('replaces an action in a heredoc', async () => {
    const outcome = await applyFix(rule, 'heredoc-wildcard', 'main.tf');
    const expected = '          "Action": ["obs:*:get*", "obs:*:list*", "ecs:cloudServers:list"]\n';
    assert.ok(outcome.text.includes(expected), outcome.text);
    assertClean(outcome);
  });

  it('escapes the actions in a quoted string', async () => {
    const outcome = await applyFix(rule, 'quoted-string', 'main.tf');
    const expected = '\\"Action\\":[\\"ecs:*:get*\\", \\"ecs:*:list*\\"]}]}"\n';
    assert.ok(outcome.text.includes(expected), outcome.text);
    assertClean(outcome);
  });

  it('replaces an IAM wildcard in a v5 policy', async () => {
    const outcome = await applyFix(rule, 'v5-attach', 'main.tf');
    assert.ok(outcome.text.includes('        Action = ["iam:*:get*", "iam:*:list*"]\n'), outcome.text);
    assertClean(outcome);
  });

  it('offers no read-only pair for every action', async () => {
    const engine = await sharedEngine();
    const folder = copyFixture(path.join('rules', rule, 'file-policy'));
    const [finding] = engine.analyzeModule(folder, memoryOverlay(new Map())).findings.filter((f) => f.ruleId === rule);
    assert.deepStrictEqual(finding.fixes.filter((fix) => fix.isPreferred), []);
  });
});
