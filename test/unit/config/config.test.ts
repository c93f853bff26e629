import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { applyConfig, ExcludeMatcher, parseConfigText, type Finding } from '../../../server/src/engine';
import { findSuppressions, isExpired, suppressionRuleAt } from '../../../server/src/engine/suppressions';
import { LineIndex } from '../../../server/src/engine/text';
import { packageJsonProperties } from '../../../server/src/lsp/settings';

const ruleId = 'ecs-metadata-unrestricted';

function finding(severity: Finding['severity'], unknownValue = false): Finding {
  const zero = { line: 0, character: 0 };
  const location = { file: '/w/main.tf', range: { start: zero, end: zero } };
  return { ruleId, severity, message: 'm', location, related: [], fixes: [], unknownValue };
}

describe('config file', () => {
  it('reads every key', () => {
    const text = `rules:\n  ${ruleId}: off\nexclude:\n  - generated\nunknownValues: ignore\n`;
    const { config, problem } = parseConfigText('/w/.metadata-guard.yaml', text);
    assert.strictEqual(problem, undefined);
    assert.strictEqual(config.rules[ruleId], 'off');
    assert.deepStrictEqual(config.exclude, ['generated']);
    assert.strictEqual(config.unknownValues, 'ignore');
  });

  it('empty file gives defaults', () => {
    const { config, problem } = parseConfigText('/w/.metadata-guard.yaml', '');
    assert.strictEqual(problem, undefined);
    assert.strictEqual(config.unknownValues, 'info');
  });

  it('bad level gives one problem', () => {
    const text = `rules:\n  ${ruleId}: loud\n`;
    const { config, problem } = parseConfigText('/w/.metadata-guard.yaml', text);
    assert.match(problem?.message ?? '', /invalid value 'loud'/);
    assert.strictEqual(problem?.range?.start.line, 1);
    assert.deepStrictEqual(config.rules, {});
  });

  it('unknown rule id rejected', () => {
    const { problem } = parseConfigText('/w/.metadata-guard.yaml', 'rules:\n  no-such-rule: off\n');
    assert.match(problem?.message ?? '', /unknown rule id 'no-such-rule'/);
  });

  it('unknown key rejected', () => {
    const { problem } = parseConfigText('/w/.metadata-guard.yaml', 'rulez: {}\n');
    assert.match(problem?.message ?? '', /unknown key 'rulez'/);
  });

  it('syntax error located', () => {
    const { problem } = parseConfigText('/w/.metadata-guard.yaml', 'rules: [\n');
    assert.match(problem?.message ?? '', /YAML syntax error/);
    assert.ok(problem?.range);
  });
});

describe('applyConfig', () => {
  const base = { rules: {}, exclude: [], unknownValues: 'info' as const };

  it('off drops findings', () => {
    assert.deepStrictEqual(applyConfig([finding('error')], { ...base, rules: { [ruleId]: 'off' } }), []);
  });

  it('level replaces severity', () => {
    const [result] = applyConfig([finding('warning')], { ...base, rules: { [ruleId]: 'error' } });
    assert.strictEqual(result.severity, 'error');
  });

  it('unknown values ignored', () => {
    assert.deepStrictEqual(applyConfig([finding('info', true)], { ...base, unknownValues: 'ignore' }), []);
  });

  it('unknown values raised', () => {
    const [result] = applyConfig([finding('info', true)], { ...base, unknownValues: 'warning' });
    assert.strictEqual(result.severity, 'warning');
  });
});

describe('exclude globs', () => {
  it('bare name matches any depth', () => {
    assert.ok(new ExcludeMatcher(['generated']).excludes('a/generated/main.tf'));
  });

  it('anchored glob matches from root', () => {
    const matcher = new ExcludeMatcher(['envs/*/secret.tf']);
    assert.ok(matcher.excludes('envs/prod/secret.tf'));
    assert.ok(!matcher.excludes('x/envs/prod/secret.tf'));
  });

  it('double star spans folders', () => {
    const matcher = new ExcludeMatcher(['modules/**/*.sh']);
    assert.ok(matcher.excludes('modules/a/b/init.sh'));
    assert.ok(matcher.excludes('modules/init.sh'));
    assert.ok(!matcher.excludes('modules/a/main.tf'));
  });

  it('braces give alternatives', () => {
    assert.ok(new ExcludeMatcher(['*.{yaml,yml}']).excludes('c/cloud.yml'));
  });

  it('unpaired braces match themselves', () => {
    const matcher = new ExcludeMatcher(['{draft', 'old}', '[']);
    assert.ok(matcher.excludes('a/{draft'));
    assert.ok(matcher.excludes('old}'));
    assert.ok(matcher.excludes('['));
    assert.ok(!matcher.excludes('draft'));
  });

  it('braces without a comma are text', () => {
    const matcher = new ExcludeMatcher(['l{x}.sh']);
    assert.ok(matcher.excludes('l{x}.sh'));
    assert.ok(!matcher.excludes('lx.sh'));
  });
});

describe('suppression expiry', () => {
  const comment = (date: string) => new LineIndex(`# metadata-guard:ignore ${ruleId} exp:${date} -- reason\nx\n`);

  it('parses the date', () => {
    const [found] = findSuppressions(comment('2030-01-31'));
    assert.strictEqual(found.expires, '2030-01-31');
    assert.strictEqual(found.reason, 'reason');
  });

  it('expires after the date', () => {
    const [found] = findSuppressions(comment('2030-01-31'));
    assert.ok(!isExpired(found, new Date(2030, 0, 31)));
    assert.ok(isExpired(found, new Date(2030, 1, 1)));
  });

  it('hover finds rule id', () => {
    const line = `  # metadata-guard:ignore other, ${ruleId} -- r`;
    const at = line.indexOf(ruleId) + 3;
    const span = suppressionRuleAt(line, at);
    assert.strictEqual(span?.ruleId, ruleId);
    assert.strictEqual(span?.start, line.indexOf(ruleId));
  });
});

describe('settings schema', () => {
  it('matches package.json', () => {
    const root = path.resolve(__dirname, '..', '..', '..', '..');
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
    const declared = { ...pkg.contributes.configuration.properties };
    delete declared['metadataGuard.trace.server'];
    assert.deepStrictEqual(declared, JSON.parse(JSON.stringify(packageJsonProperties())));
  });
});
