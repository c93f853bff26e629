import * as assert from 'assert';
import * as path from 'path';
import { DiskSourceProvider, type Finding } from '../../../server/src/engine';
import { sharedEngine } from '../../helpers';
import { caseFolder } from './ruleCases';

const ruleId = 'metadata-request-without-token';
const folder = caseFolder(ruleId, 'file-script');

async function scanned(names: string[]): Promise<Finding[]> {
  const engine = await sharedEngine();
  const result = engine.scan(names.map((name) => path.join(folder, name)), new DiskSourceProvider());
  return result.findings.filter((finding) => finding.ruleId === ruleId);
}

describe('script named by file()', () => {
  it('reported when only main.tf scanned', async () => {
    const findings = await scanned(['main.tf']);
    assert.strictEqual(findings.length, 1);
    assert.strictEqual(path.basename(findings[0].location.file), 'init.sh');
    assert.strictEqual(findings[0].location.range.start.line, 1);
  });

  it('reported once when both scanned', async () => {
    assert.strictEqual((await scanned(['main.tf', 'init.sh'])).length, 1);
  });

  it('reported once when folder scanned', async () => {
    assert.strictEqual((await scanned([''])).length, 1);
  });
});
