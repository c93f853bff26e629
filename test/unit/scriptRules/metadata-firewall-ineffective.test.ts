import { describeRuleCases, type ExpectedFinding } from './ruleCases';

const ruleId = 'metadata-firewall-ineffective';

const warning = (file: string, line: number, column: number, mentions?: string): ExpectedFinding => ({
  file, line, column, severity: 'warning', mentions,
});

const findingCases: Array<[string, ExpectedFinding[]]> = [
  ['chain-input', [warning('init.sh', 2, 1, 'chain INPUT')]],
  ['udp-only', [warning('init.sh', 2, 1, 'UDP only')]],
  ['target-accept', [warning('init.sh', 2, 1, 'target is ACCEPT')]],
  ['owner-other-user', [warning('init.sh', 2, 1, 'other than root')]],
  ['blocks-root', [{ file: 'init.sh', line: 2, column: 1, severity: 'info', mentions: 'root included' }]],
  ['continued-five-lines', [{ ...warning('init.sh', 2, 1, 'chain INPUT'), endLine: 6 }]],
  ['splat-inbound-allow', [warning('rule.ps1', 6, 1, 'users other than Administrator and SYSTEM from reading instance metadata: it filters inbound traffic')]],
  ['heredoc-input', [warning('main.tf', 5, 5, 'chain INPUT')]],
  ['near-miss-owner', [warning('init.sh', 2, 1, 'is not 169.254.169.254')]],
  ['near-miss-comment', [warning('init.sh', 2, 1, 'for 169.254.170.2')]],
  ['near-miss-windows', [warning('rule.ps1', 1, 1, 'for 169.254.196.254')]],
  ['uncalled-function', [warning('init.sh', 3, 3, 'never calls')]],
];

const cleanCases = [
  'nested-function-saved',
  'accept-root-then-reject',
  'mentions-only',
  'unrelated-near-address',
  'cidr-31-covers',
  'windows-documented',
];

describe(ruleId, () => {
  describeRuleCases(ruleId, findingCases, cleanCases);
});
