import { describeRuleCases, type ExpectedFinding } from './ruleCases';

const ruleId = 'metadata-v1-enabled';

const warning = (file: string, line: number, column: number): ExpectedFinding => ({
  file, line, column, severity: 'warning', mentions: 'http_tokens to optional',
});

const findingCases: Array<[string, ExpectedFinding[]]> = [
  ['optional-in-loop', [warning('update.sh', 3, 3)]],
  ['optional-split-value', [warning('update.sh', 2, 1)]],
  ['curl-options-api', [warning('update.sh', 2, 1)]],
  ['powershell-optional', [warning('update.ps1', 2, 3)]],
];

const cleanCases = ['required', 'mentions-only'];

describe(ruleId, () => {
  describeRuleCases(ruleId, findingCases, cleanCases);
});
