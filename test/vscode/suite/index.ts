import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Mocha from 'mocha';

/** Environment variable that names the JSON file receiving the suite's results. */
export const resultsFileVariable = 'METADATA_GUARD_VSCODE_RESULTS';

/** The results file's content, read by the launchers in scripts/e2e/ and runElectron.ts. */
export interface SuiteResults {
  passed: number;
  failed: number;
  /** Full title and error message of each failed test or hook. */
  failures: { title: string; message: string }[];
}

/** Returns the results path from the environment, or a fixed name in the temporary folder. */
export function resultsFile(): string {
  return process.env[resultsFileVariable] ?? path.join(os.tmpdir(), 'metadata-guard-vscode.json');
}

/**
 * Runs every `*.test.js` file beside this one in the extension host, the entry point that VS Code
 * calls for `extensionTestsPath`. Writes the results file in every case, and rejects when a test
 * fails or the files cannot be loaded.
 */
export function run(): Promise<void> {
  const results: SuiteResults = { passed: 0, failed: 0, failures: [] };
  return new Promise<void>((resolve, reject) => {
    try {
      const mocha = new Mocha({ ui: 'bdd', timeout: 90_000, color: false });
      for (const file of fs.readdirSync(__dirname).filter((name) => name.endsWith('.test.js'))) {
        mocha.addFile(path.join(__dirname, file));
      }
      const runner = mocha.run((failures) => {
        writeResults(results);
        if (failures > 0) reject(new Error(`${failures} extension-host tests failed`));
        else resolve();
      });
      runner.on('pass', () => {
        results.passed += 1;
      });
      runner.on('fail', (test, error: Error) => {
        results.failed += 1;
        results.failures.push({ title: test.fullTitle(), message: String(error?.stack ?? error) });
      });
    } catch (error) {
      results.failed += 1;
      results.failures.push({ title: 'loading the suite', message: String(error) });
      writeResults(results);
      reject(error);
    }
  });
}

function writeResults(results: SuiteResults): void {
  const file = resultsFile();
  fs.mkdirSync(path.dirname(file), { recursive: true });
  // Written to a temporary name and renamed, so a waiting launcher never reads half a file.
  fs.writeFileSync(`${file}.partial`, JSON.stringify(results, null, 2));
  fs.renameSync(`${file}.partial`, file);
}
