import { describeRuleCases, type ExpectedFinding } from './ruleCases';

const ruleId = 'metadata-request-without-token';

const warning = (file: string, line: number, column: number, mentions: string): ExpectedFinding => ({
  file, line, column, severity: 'warning', mentions,
});

const findingCases: Array<[string, ExpectedFinding[]]> = [
  ['securitykey-curl', [warning('init.sh', 3, 1, 'curl reads http://169.254.169.254/openstack/latest/securitykey')]],
  ['wget-in-function', [warning('init.sh', 3, 3, 'wget reads')]],
  ['powershell-irm', [warning('init.ps1', 1, 8, 'Invoke-RestMethod reads')]],
  ['runcmd-curl', [warning('user-data.yaml', 3, 5, 'curl reads')]],
  ['multipart-base64', [warning('user-data.mime', 8, 29, 'curl reads')]],
  ['existing-token', [warning('init.sh', 4, 1, 'user_data')]],
  ['existing-token-powershell', [warning('init.ps1', 3, 9, 'meta_data.json')]],
];

const cleanCases = ['token-then-header', 'token-request-only', 'powershell-header', 'mentions-only'];

describe(ruleId, () => {
  describeRuleCases(ruleId, findingCases, cleanCases);
});
