// Runs the extension-host Mocha suite (out/test/vscode/suite) inside code-server: it starts
// code-server on 127.0.0.1 with a copy of test/vscode/workspace, opens the extension-test URL in
// headless Chromium, waits for the suite's results file, stops both by process id and prints
// "extension-host: N passed, N failed". Run `npm run build` first.
// Usage: node scripts/e2e/extension-host.mjs
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  artifactsDir,
  closeChromium,
  copyToTemp,
  createUserDataDir,
  ensureCodeServer,
  launchChromium,
  repoRoot,
  startCodeServer,
  stopCodeServer,
  tempDir,
} from './codeServer.mjs';

const suiteIndex = path.join(repoRoot, 'out', 'test', 'vscode', 'suite', 'index.js');
const builtFiles = [path.join(repoRoot, 'dist', 'client.js'), path.join(repoRoot, 'dist', 'server.js'), suiteIndex];
/** Upper bound for the whole suite, from opening the page to the results file. */
const suiteDeadlineMs = 5 * 60_000;

/** Builds the URL that makes the workbench load the extension and run the suite. */
function testUrl(server, folder) {
  const remote = (file) => `vscode-remote://127.0.0.1:${server.port}${file}`;
  const payload = [
    ['extensionDevelopmentPath', remote(repoRoot)],
    ['extensionTestsPath', remote(suiteIndex)],
  ];
  const query = `folder=${encodeURIComponent(folder)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  return `${server.url}/?${query}`;
}

/** Resolves with the parsed results file once the suite has renamed it into place. */
function waitForResults(file, server) {
  return new Promise((resolve, reject) => {
    const finish = (outcome) => {
      watcher.close();
      clearTimeout(timer);
      outcome();
    };
    const check = () => {
      if (fs.existsSync(file)) finish(() => resolve(JSON.parse(fs.readFileSync(file, 'utf8'))));
    };
    const watcher = fs.watch(path.dirname(file), check);
    const timer = setTimeout(() => {
      finish(() => reject(new Error(`No results in ${file} after ${suiteDeadlineMs} ms`)));
    }, suiteDeadlineMs);
    server.child.once('exit', (code) => {
      finish(() => reject(new Error(`code-server exited with code ${code} during the suite`)));
    });
    check();
  });
}

async function runSuite() {
  const missing = builtFiles.filter((file) => !fs.existsSync(file));
  if (missing.length > 0) throw new Error(`Missing ${missing.join(', ')}: run npm run build first`);
  ensureCodeServer();

  const workspace = copyToTemp(path.join(repoRoot, 'test', 'vscode', 'workspace'), 'vscode-workspace');
  const resultsFile = path.join(tempDir('vscode-results'), 'results.json');
  const logDir = path.join(artifactsDir, 'logs');
  fs.mkdirSync(logDir, { recursive: true });
  const server = await startCodeServer({
    folder: workspace,
    extensionsDir: tempDir('extensions'),
    userDataDir: createUserDataDir(),
    env: { METADATA_GUARD_VSCODE_RESULTS: resultsFile },
    logFile: path.join(logDir, 'code-server-extension-host.log'),
  });
  let chromium;
  try {
    chromium = await launchChromium();
    const page = await chromium.browser.newPage();
    await page.goto(testUrl(server, workspace));
    return await waitForResults(resultsFile, server);
  } finally {
    if (chromium) await closeChromium(chromium);
    await stopCodeServer(server);
  }
}

let results;
try {
  results = await runSuite();
} catch (error) {
  console.error(`Extension-host suite did not finish: ${error.message}`);
  results = { passed: 0, failed: 1, failures: [] };
}
for (const failure of results.failures) console.error(`FAILED ${failure.title}\n${failure.message}\n`);
console.log(`extension-host: ${results.passed} passed, ${results.failed} failed`);
process.exit(results.failed > 0 || results.passed === 0 ? 1 : 0);
