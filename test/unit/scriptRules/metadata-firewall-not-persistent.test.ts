import { describeRuleCases, type ExpectedFinding } from './ruleCases';

const ruleId = 'metadata-firewall-not-persistent';

const warning = (file: string, line: number, column: number, endLine?: number): ExpectedFinding => ({
  file, line, column, endLine, severity: 'warning', mentions: 'until the next reboot',
});

const findingCases: Array<[string, ExpectedFinding[]]> = [
  ['script-no-save', [warning('init.sh', 2, 1, 2)]],
  ['continued-five-lines', [warning('init.sh', 2, 1, 6)]],
  ['save-before-rule', [warning('init.sh', 3, 1)]],
  ['runcmd-list', [warning('user-data.yaml', 3, 6, 3)]],
  ['runcmd-string', [warning('user-data.yaml', 3, 5, 3)]],
  ['heredoc', [warning('main.tf', 5, 5, 5)]],
];

const cleanCases = [
  'bootcmd-list',
  'nested-function-saved',
  'accept-root-then-reject',
  'firewalld-permanent',
  'mentions-only',
];

describe(ruleId, () => {
  describeRuleCases(ruleId, findingCases, cleanCases);
});
