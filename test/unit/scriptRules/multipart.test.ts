import * as assert from 'assert';
import { caseFindings } from './ruleCases';

describe('base64 multipart part', () => {
  it('finding covers the encoding groups', async () => {
    const [finding] = await caseFindings('metadata-request-without-token', 'multipart-base64');
    // `curl` starts at decoded byte 23, in the group of four that starts at encoded character 28.
    assert.deepStrictEqual(finding.location.range.start, { line: 7, character: 28 });
    // The request ends at decoded byte 82, in the last group, which ends the third encoded line.
    assert.deepStrictEqual(finding.location.range.end, { line: 9, character: 32 });
  });

  it('finding offers no text fix', async () => {
    const [finding] = await caseFindings('metadata-request-without-token', 'multipart-base64');
    assert.deepStrictEqual(finding.fixes.filter((fix) => fix.isPreferred), []);
  });
});
