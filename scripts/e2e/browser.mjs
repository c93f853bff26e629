// Drives the Metadata Guard extension in code-server's workbench with headless Chromium, the way a
// person would. It installs the packaged .vsix with --install-extension and opens a copy of
// examples/. Then it checks the squiggle and hover on servers.tf, the Problems panel rows, the
// quick fix chosen from the light bulb menu (Ctrl+.) and the saved file. Screenshots go to
// .test-artifacts/screenshots/. Prints "browser: N passed, N failed". Run `npm run package` first.
// Usage: node scripts/e2e/browser.mjs [path/to/extension.vsix]
import * as assert from 'node:assert';
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
  runCodeServerCommand,
  startCodeServer,
  stopCodeServer,
  tempDir,
} from './codeServer.mjs';

const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
const extensionId = `${manifest.publisher}.${manifest.name}`;
const vsixPath = path.resolve(process.argv[2] ?? path.join(repoRoot, `${manifest.name}-${manifest.version}.vsix`));
const screenshotDir = path.join(artifactsDir, 'screenshots');
const firewallRule = 'iptables -A OUTPUT -p tcp -d 169.254.169.254 -m owner ! --uid-owner root -j REJECT';
/** The batch server's finding in examples/servers.tf: an error, on the resource's first line. */
const batchLine = 33;
/** Upper bound for one step's wait on the workbench, including the first analysis. */
const stepTimeoutMs = 60_000;

const editor = '.monaco-editor[data-uri$="servers.tf"]';

/** Opens a file through Quick Open (Ctrl+P) and waits for its editor. */
async function openFile(page, name) {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(name);
  await page.locator('.quick-input-list .monaco-list-row').first().waitFor();
  await page.keyboard.press('Enter');
  await page.locator(editor).waitFor({ state: 'visible' });
}

/** Moves the cursor through Quick Open's go-to-line mode (Ctrl+P, then ":line:column"). */
async function goToLine(page, line, column) {
  await page.locator(`${editor} .view-lines`).click();
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(`:${line}:${column}`);
  await page.keyboard.press('Enter');
  await input.waitFor({ state: 'hidden' });
}

/**
 * Moves the focus in an open menu down to the row containing `text` and presses Enter. Mouse
 * clicks do not reach the rows, because the menu covers the page with a pointer blocker.
 */
async function chooseFocused(page, menu, text) {
  const rowCount = await page.locator(`${menu} .monaco-list-row`).count();
  for (let moves = 0; moves <= rowCount; moves += 1) {
    const focused = page.locator(`${menu} .monaco-list-row.focused`);
    if ((await focused.count()) > 0 && (await focused.first().innerText()).includes(text)) {
      await page.keyboard.press('Enter');
      return;
    }
    await page.keyboard.press('ArrowDown');
  }
  throw new Error(`No row in ${menu} contains "${text}"`);
}

async function screenshot(page, name) {
  await page.screenshot({ path: path.join(screenshotDir, `${name}.png`) });
}

/** Lists the checks in order. Each one starts from the workbench state the previous ones left. */
function steps(workspace) {
  const serversFile = path.join(workspace, 'servers.tf');
  return [
    ['squiggle on servers.tf', async (page) => {
      await openFile(page, 'servers.tf');
      const squiggle = page.locator(`${editor} .squiggly-error`).first();
      await squiggle.waitFor({ state: 'visible', timeout: stepTimeoutMs });
      await page.locator(`${editor} .squiggly-warning`).first().waitFor({ state: 'visible' });
      await screenshot(page, 'squiggle');
    }],
    ['hover message', async (page) => {
      await goToLine(page, batchLine, 12);
      // The squiggle lies under the text layer, which would receive a normal hover, so `force`
      // skips that check and moves the mouse to the squiggle's centre.
      const squiggle = page.locator(`${editor} .squiggly-error`).first();
      const hover = page.locator('.monaco-hover:visible').filter({ hasText: 'batch' });
      // A workspace scan that republishes diagnostics redraws the squiggles, so the element found
      // a moment ago may be gone when the mouse moves: retry a few times.
      for (let attempt = 1; ; attempt++) {
        try {
          await squiggle.waitFor({ state: 'visible' });
          await squiggle.hover({ force: true, timeout: 10_000 });
          await hover.first().waitFor({ state: 'visible', timeout: 10_000 });
          break;
        } catch (error) {
          if (attempt >= 4) throw error;
        }
      }
      const text = await hover.first().innerText();
      await screenshot(page, 'hover');
      assert.match(text, /leaves instance metadata open to every process/);
      assert.match(text, /ecs-metadata-unrestricted/);
      await page.keyboard.press('Escape');
    }],
    ['problems panel rows', async (page) => {
      await page.keyboard.press('Control+Shift+M');
      const rows = page.locator('.markers-panel .monaco-list-row');
      // Unopened files are scanned with the module; iam.tf has an error, so its group comes first.
      await rows.filter({ hasText: 'iam.tf' }).first().waitFor({ timeout: stepTimeoutMs });
      const texts = await rows.allInnerTexts();
      await screenshot(page, 'problems');
      assert.ok(texts.some((text) => text.includes('servers.tf')), 'a row for servers.tf');
      assert.ok(texts.some((text) => text.includes(`[Ln ${batchLine}, Col 10]`)), `a row at line ${batchLine}`);
      assert.ok(texts.some((text) => text.includes('huaweicloud_compute_instance.batch')), 'the batch finding');
    }],
    ['quick fix from the light bulb menu', async (page) => {
      await goToLine(page, batchLine, 12);
      await page.keyboard.press('Control+.');
      const fix = page.locator('.action-widget .monaco-list-row').filter({ hasText: 'Add a guest firewall rule' });
      await fix.first().waitFor({ state: 'visible', timeout: stepTimeoutMs });
      await screenshot(page, 'quick-fix-menu');
      await chooseFocused(page, '.action-widget', 'Add a guest firewall rule');
      await page.locator(`${editor} .view-lines`).filter({ hasText: firewallRule }).waitFor();
    }],
    ['saved file text', async (page) => {
      await page.keyboard.press('Control+S');
      await page.locator('.tab.dirty').first().waitFor({ state: 'detached', timeout: stepTimeoutMs });
      const lines = fs.readFileSync(serversFile, 'utf8').split('\n');
      const batchStart = lines.findIndex((line) => line.includes('resource "huaweicloud_compute_instance" "batch"'));
      const shebang = lines.findIndex((line, index) => index > batchStart && line.trim() === '#!/bin/bash');
      assert.ok(batchStart >= 0, 'the batch server is still there');
      assert.ok(shebang > batchStart, 'the batch heredoc is still there');
      assert.strictEqual(lines[shebang + 2].trim(), firewallRule);
      await page.locator(`${editor} .squiggly-error`).waitFor({ state: 'detached', timeout: stepTimeoutMs });
      await screenshot(page, 'after-fix');
    }],
  ];
}

async function runSteps(page, list) {
  const outcome = { passed: 0, failed: 0 };
  let broken = false;
  for (const [name, step] of list) {
    if (broken) {
      console.error(`FAILED ${name}: not run, an earlier step failed`);
      outcome.failed += 1;
      continue;
    }
    try {
      await step(page);
      outcome.passed += 1;
      console.log(`ok ${name}`);
    } catch (error) {
      outcome.failed += 1;
      broken = true;
      console.error(`FAILED ${name}: ${error.message}`);
      await screenshot(page, `failed-${name.replace(/\W+/g, '-')}`).catch(() => undefined);
    }
  }
  return outcome;
}

async function main() {
  if (!fs.existsSync(vsixPath)) throw new Error(`${vsixPath} not found: run npm run package first`);
  ensureCodeServer();
  // Screenshots of an earlier run, failures included, would pass for this run's.
  fs.rmSync(screenshotDir, { recursive: true, force: true });
  fs.mkdirSync(screenshotDir, { recursive: true });
  const dirs = { extensionsDir: tempDir('extensions'), userDataDir: createUserDataDir() };
  const install = runCodeServerCommand(['--install-extension', vsixPath], dirs);
  const installedDir = path.join(dirs.extensionsDir, `${extensionId}-${manifest.version}`);
  if (install.status !== 0 || !fs.existsSync(path.join(installedDir, 'dist', 'server.js'))) {
    throw new Error(`Installing ${vsixPath} into code-server failed:\n${install.output}`);
  }
  console.log(`ok --install-extension ${path.basename(vsixPath)}`);

  const workspace = copyToTemp(path.join(repoRoot, 'examples'), 'examples');
  const server = await startCodeServer({
    folder: workspace,
    ...dirs,
    logFile: path.join(artifactsDir, 'logs', 'code-server-browser.log'),
  });
  let chromium;
  try {
    chromium = await launchChromium();
    const page = await chromium.browser.newPage({ viewport: { width: 1600, height: 1000 } });
    page.setDefaultTimeout(stepTimeoutMs);
    await page.goto(`${server.url}/?folder=${encodeURIComponent(workspace)}`);
    await page.locator('.monaco-workbench').waitFor({ state: 'visible' });
    const outcome = await runSteps(page, steps(workspace));
    return { passed: outcome.passed + 1, failed: outcome.failed };
  } finally {
    if (chromium) await closeChromium(chromium);
    await stopCodeServer(server);
  }
}

fs.mkdirSync(path.join(artifactsDir, 'logs'), { recursive: true });
let outcome;
try {
  outcome = await main();
} catch (error) {
  console.error(`Browser test did not finish: ${error.message}`);
  outcome = { passed: 0, failed: 1 };
}
console.log(`browser: ${outcome.passed} passed, ${outcome.failed} failed`);
process.exit(outcome.failed > 0 || outcome.passed === 0 ? 1 : 0);
