// Runs test/nvim/smoke.lua in headless Neovim (0.7.2 from Debian) against a copy of
// test/vscode/workspace and the server started with `node bin/metadata-guard.js lsp --stdio`,
// then checks the results file it writes. Prints "nvim: N passed, N failed". Run `npm run build`
// first. Usage: node test/nvim/run.mjs
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const testDir = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(testDir, '..', '..');
/** Upper bound for Neovim's run; the script's own deadline (60 s) ends it sooner. */
const runDeadlineMs = 120_000;

function runNeovim(env) {
  return new Promise((resolve, reject) => {
    const child = spawn('nvim', ['--headless', '--clean', '-n', '-u', path.join(testDir, 'smoke.lua')], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`nvim did not exit within ${runDeadlineMs} ms`));
    }, runDeadlineMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`Starting nvim failed (${error.message}); run scripts/e2e/install-deps.sh`));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

async function main() {
  if (!fs.existsSync(path.join(root, 'dist', 'cli.js'))) throw new Error('dist/cli.js is missing: run npm run build');
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'metadata-guard-nvim-'));
  fs.cpSync(path.join(root, 'test', 'vscode', 'workspace'), workspace, { recursive: true });
  const resultsFile = path.join(workspace, '..', `${path.basename(workspace)}-results.json`);
  const code = await runNeovim({
    METADATA_GUARD_ROOT: root,
    METADATA_GUARD_NVIM_WORKSPACE: workspace,
    METADATA_GUARD_NVIM_RESULTS: resultsFile,
  });
  if (!fs.existsSync(resultsFile)) throw new Error(`nvim exited with code ${code} and wrote no results`);
  return JSON.parse(fs.readFileSync(resultsFile, 'utf8')).checks;
}

let checks;
try {
  checks = await main();
} catch (error) {
  checks = [{ name: 'smoke test runs', ok: false, detail: error.message }];
}
for (const { name, ok, detail } of checks) {
  console.log(`${ok ? 'ok' : 'FAILED'} ${name}${!ok && detail ? `: ${detail}` : ''}`);
}
const failed = checks.filter((item) => !item.ok).length;
console.log(`nvim: ${checks.length - failed} passed, ${failed} failed`);
process.exit(failed > 0 || checks.length === 0 ? 1 : 0);
