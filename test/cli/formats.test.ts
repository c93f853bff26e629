import * as assert from 'assert';
import * as path from 'path';
import type { AnalysisResult, Finding } from '../../server/src/engine';
import { formatJson } from '../../server/src/cli/formats/json';
import { formatSarif } from '../../server/src/cli/formats/sarif';
import { formatText } from '../../server/src/cli/formats/text';
import { buildReport, reachesThreshold } from '../../server/src/cli/report';

const root = path.resolve('/projects/infra');
const tool = { name: 'Metadata Guard', version: '1.2.3', informationUri: 'https://example.test/' };

function finding(file: string, line: number, character: number, severity: Finding['severity']): Finding {
  const range = { start: { line, character }, end: { line, character: character + 5 } };
  return {
    ruleId: 'ecs-metadata-unrestricted',
    severity,
    message: `open metadata\nat ${line}`,
    location: { file: path.join(root, file), range },
    related: [{ location: { file: path.join(root, 'agency.tf'), range }, message: 'agency here' }],
    fixes: [
      {
        title: 'Add the firewall rule',
        isPreferred: true,
        edits: [{ file: path.join(root, file), edits: [{ range, newText: 'rule' }] }],
      },
    ],
  };
}

function sampleReport() {
  const result: AnalysisResult = {
    findings: [
      finding('web/main.tf', 9, 2, 'warning'),
      finding('app/main.tf', 4, 0, 'info'),
      finding('app/main.tf', 1, 10, 'error'),
    ],
    notices: [{ file: path.join(root, 'app/logo.tf'), message: 'file looks binary' }],
    analyzedFiles: [path.join(root, 'app/main.tf'), path.join(root, 'web/main.tf'), path.join(root, 'agency.tf')],
    dependencies: [],
  };
  return buildReport(tool, root, root, result);
}

describe('cli formats', () => {
  it('text lines sorted', () => {
    const lines = formatText(sampleReport()).trimEnd().split('\n');
    assert.strictEqual(lines[0], 'app/main.tf:2:11 error ecs-metadata-unrestricted open metadata at 1');
    assert.strictEqual(lines[1], 'app/main.tf:5:1 info ecs-metadata-unrestricted open metadata at 4');
    assert.strictEqual(lines[2], 'web/main.tf:10:3 warning ecs-metadata-unrestricted open metadata at 9');
  });

  it('text summary line', () => {
    const lines = formatText(sampleReport()).trimEnd().split('\n');
    assert.strictEqual(lines.length, 4);
    assert.strictEqual(lines[3], '1 error, 1 warning, 1 info in 3 files');
  });

  it('json findings and notices', () => {
    const json = JSON.parse(formatJson(sampleReport()));
    assert.strictEqual(json.findings.length, 3);
    assert.strictEqual(json.findings[0].file, 'app/main.tf');
    assert.strictEqual(json.findings[0].startLine, 2);
    assert.strictEqual(json.findings[0].startColumn, 11);
    assert.strictEqual(json.findings[0].endColumn, 16);
    assert.strictEqual(json.findings[0].related[0].file, 'agency.tf');
    assert.deepStrictEqual(json.findings[0].fixes, [{ title: 'Add the firewall rule', isPreferred: true }]);
    assert.deepStrictEqual(json.notices, [{ file: 'app/logo.tf', message: 'file looks binary' }]);
    assert.deepStrictEqual(json.summary, { errors: 1, warnings: 1, infos: 1, files: 3 });
  });

  it('sarif run structure', () => {
    const sarif = JSON.parse(formatSarif(sampleReport()));
    assert.strictEqual(sarif.version, '2.1.0');
    assert.match(sarif.$schema, /sarif-2\.1\.0/);
    assert.strictEqual(sarif.runs.length, 1);
    const run = sarif.runs[0];
    assert.strictEqual(run.tool.driver.version, '1.2.3');
    assert.strictEqual(run.tool.driver.rules[0].id, 'ecs-metadata-unrestricted');
    assert.strictEqual(run.tool.driver.rules[0].defaultConfiguration.level, 'warning');
    assert.strictEqual(run.tool.driver.rules[0].helpUri, undefined);
    assert.match(run.tool.driver.rules[0].help.text, /docs\/rules\/ecs-metadata-unrestricted\.md/);
    assert.match(run.tool.driver.rules[0].help.markdown, /^# /);
    assert.match(run.originalUriBaseIds.SRCROOT.uri, /^file:\/\/.*\/projects\/infra\/$/);
  });

  it('sarif result levels', () => {
    const results = JSON.parse(formatSarif(sampleReport())).runs[0].results;
    assert.deepStrictEqual(results.map((result: { level: string }) => result.level), ['error', 'note', 'warning']);
  });

  it('sarif result location', () => {
    const result = JSON.parse(formatSarif(sampleReport())).runs[0].results[0];
    assert.strictEqual(result.ruleIndex, 0);
    const location = result.locations[0].physicalLocation;
    assert.deepStrictEqual(location.artifactLocation, { uri: 'app/main.tf', uriBaseId: 'SRCROOT' });
    assert.deepStrictEqual(location.region, { startLine: 2, startColumn: 11, endLine: 2, endColumn: 16 });
    assert.strictEqual(result.relatedLocations[0].physicalLocation.artifactLocation.uri, 'agency.tf');
    assert.strictEqual(result.relatedLocations[0].message.text, 'agency here');
  });

  it('sarif file outside root', () => {
    const report = sampleReport();
    const outside = buildReport(tool, root, path.join(root, 'web'), report.result);
    const result = JSON.parse(formatSarif(outside)).runs[0].results[0];
    const artifact = result.locations[0].physicalLocation.artifactLocation;
    assert.match(artifact.uri, /^file:\/\/.*\/app\/main\.tf$/);
    assert.strictEqual(artifact.uriBaseId, undefined);
  });

  it('sarif notices as notifications', () => {
    const invocation = JSON.parse(formatSarif(sampleReport())).runs[0].invocations[0];
    assert.strictEqual(invocation.executionSuccessful, true);
    const notification = invocation.toolExecutionNotifications[0];
    assert.strictEqual(notification.message.text, 'file looks binary');
    assert.strictEqual(notification.locations[0].physicalLocation.artifactLocation.uri, 'app/logo.tf');
  });

  it('threshold ordering', () => {
    assert.strictEqual(reachesThreshold('error', 'warning'), true);
    assert.strictEqual(reachesThreshold('warning', 'warning'), true);
    assert.strictEqual(reachesThreshold('info', 'warning'), false);
    assert.strictEqual(reachesThreshold('warning', 'error'), false);
  });
});
