import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runTests } from '@vscode/test-electron';
import { resultsFileVariable, type SuiteResults } from './suite';

/** VS Code release to download: the one inside code-server 4.100.3, which scripts/e2e uses. */
const vscodeVersion = '1.100.3';
const repoRoot = path.resolve(__dirname, '..', '..', '..');

/**
 * Downloads VS Code with @vscode/test-electron and runs the extension-host suite in it against a
 * copy of test/vscode/workspace. It needs access to VS Code's download servers. Without that
 * access, `npm run test:e2e` runs the same suite in code-server.
 */
async function main(): Promise<number> {
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'metadata-guard-vscode-'));
  fs.cpSync(path.join(repoRoot, 'test', 'vscode', 'workspace'), workspace, { recursive: true });
  const resultsFile = path.join(`${workspace}-results`, 'results.json');
  try {
    await runTests({
      version: vscodeVersion,
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: path.join(__dirname, 'suite', 'index'),
      launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust'],
      extensionTestsEnv: { [resultsFileVariable]: resultsFile },
    });
  } catch (error) {
    console.error(`VS Code test run failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  const results: SuiteResults = fs.existsSync(resultsFile)
    ? JSON.parse(fs.readFileSync(resultsFile, 'utf8'))
    : { passed: 0, failed: 1, failures: [] };
  for (const failure of results.failures) console.error(`FAILED ${failure.title}\n${failure.message}\n`);
  console.log(`vscode: ${results.passed} passed, ${results.failed} failed`);
  return results.failed > 0 || results.passed === 0 ? 1 : 0;
}

main().then((code) => process.exit(code));
