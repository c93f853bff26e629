import * as assert from 'assert';
import * as path from 'path';
import { DiskSourceProvider, type Finding } from '../../../server/src/engine';
import { fixturesRoot, sharedEngine } from '../../helpers';

/** A finding a fixture case must produce, in one-based lines and columns. */
export interface ExpectedFinding {
  /** File name inside the case folder. */
  file: string;
  line: number;
  column: number;
  /** Last line of the finding's range, when the case checks it. */
  endLine?: number;
  severity: Finding['severity'];
  /** Text the message must contain. */
  mentions?: string;
}

/** Returns the folder of one fixture case of a rule. */
export function caseFolder(ruleId: string, caseName: string): string {
  return path.join(fixturesRoot, 'rules', ruleId, caseName);
}

/** Scans a fixture case folder and keeps the findings of one rule. */
export async function caseFindings(ruleId: string, caseName: string): Promise<Finding[]> {
  const engine = await sharedEngine();
  const result = engine.scan([caseFolder(ruleId, caseName)], new DiskSourceProvider());
  return result.findings.filter((finding) => finding.ruleId === ruleId);
}

/**
 * Declares one test per fixture case: cases in `findingCases` must produce exactly the listed
 * findings in that order, and cases in `cleanCases` none of the rule.
 */
export function describeRuleCases(
  ruleId: string,
  findingCases: Array<[string, ExpectedFinding[]]>,
  cleanCases: string[],
): void {
  for (const [caseName, expected] of findingCases) {
    it(`reports ${caseName}`, async () => {
      const findings = await caseFindings(ruleId, caseName);
      assert.strictEqual(findings.length, expected.length, JSON.stringify(findings.map((f) => f.message)));
      expected.forEach((want, index) => {
        const finding = findings[index];
        const { start, end } = finding.location.range;
        assert.strictEqual(path.basename(finding.location.file), want.file, 'file');
        assert.strictEqual(start.line + 1, want.line, 'line');
        assert.strictEqual(start.character + 1, want.column, 'column');
        if (want.endLine !== undefined) assert.strictEqual(end.line + 1, want.endLine, 'end line');
        assert.strictEqual(finding.severity, want.severity, 'severity');
        if (want.mentions) assert.ok(finding.message.includes(want.mentions), finding.message);
      });
    });
  }

  for (const caseName of cleanCases) {
    it(`accepts ${caseName}`, async () => {
      const findings = await caseFindings(ruleId, caseName);
      assert.deepStrictEqual(findings.map((finding) => finding.message), []);
    });
  }
}
