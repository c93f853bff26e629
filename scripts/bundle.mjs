// Bundles the VS Code client, the language server and the CLI into dist/ with esbuild, and copies
// the tree-sitter runtime and grammar .wasm files beside them, where the parser loader looks
// first. Usage: node scripts/bundle.mjs [--sourcemap]
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const dist = path.join(root, 'dist');
const require = createRequire(path.join(root, 'package.json'));

/** The .wasm files the parser loader needs, by the npm package that ships each. */
const wasmFiles = [
  ['web-tree-sitter', 'tree-sitter.wasm'],
  ['@tree-sitter-grammars/tree-sitter-hcl', 'tree-sitter-hcl.wasm'],
  ['tree-sitter-bash', 'tree-sitter-bash.wasm'],
  ['tree-sitter-powershell', 'tree-sitter-powershell.wasm'],
];

/** Finds an installed package's folder without resolving a file, since `exports` may hide it. */
function packageDir(name) {
  for (const modules of require.resolve.paths(name) ?? []) {
    const dir = path.join(modules, name);
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
  }
  throw new Error(`Package ${name} is not installed; run npm install`);
}

/** Lists the bundles to build; the CLI is left out while its source does not exist. */
function entryPoints() {
  const entries = [
    { in: 'client/src/extension.ts', out: 'client' },
    { in: 'server/src/lsp/main.ts', out: 'server' },
    { in: 'server/src/cli/main.ts', out: 'cli' },
    // The analysis pool starts this file as a worker thread, from the folder of its own bundle.
    { in: 'server/src/engine/parallel/analysisWorker.ts', out: 'analysisWorker' },
    { in: 'server/src/engine/programs/tsParser.ts', out: 'tsParser' },
  ];
  return entries
    .filter((entry) => fs.existsSync(path.join(root, entry.in)))
    .map((entry) => ({ in: path.join(root, entry.in), out: entry.out }));
}

async function bundle(sourcemap) {
  // The ESM build of web-tree-sitter fails inside a CommonJS bundle, so take its .cjs file.
  const treeSitterCjs = path.join(packageDir('web-tree-sitter'), 'tree-sitter.cjs');
  // The UMD build of jsonc-parser loads its parts with a require() that esbuild cannot follow.
  const jsoncParserEsm = path.join(packageDir('jsonc-parser'), 'lib', 'esm', 'main.js');
  await esbuild.build({
    entryPoints: entryPoints(),
    outdir: dist,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // The TypeScript parser is bundled on its own and loaded on first use (see tsParser.ts).
    external: ['vscode', './tsParser'],
    alias: { 'web-tree-sitter': treeSitterCjs, 'jsonc-parser': jsoncParserEsm },
    sourcemap,
    logLevel: 'warning',
  });
}

function copyWasm() {
  for (const [name, file] of wasmFiles) {
    fs.copyFileSync(path.join(packageDir(name), file), path.join(dist, file));
  }
}

/** Removes source maps left by an earlier `--sourcemap` build, so none goes stale. */
function removeSourceMaps() {
  for (const file of fs.readdirSync(dist)) {
    if (file.endsWith('.js.map')) fs.rmSync(path.join(dist, file));
  }
}

const started = performance.now();
const sourcemap = process.argv.includes('--sourcemap');
fs.mkdirSync(dist, { recursive: true });
if (!sourcemap) removeSourceMaps();
try {
  await bundle(sourcemap);
} catch {
  // esbuild has already printed each error with its file and line.
  console.error('Bundling failed');
  process.exit(1);
}
copyWasm();
const elapsed = Math.round(performance.now() - started);
const bundles = entryPoints().map((entry) => entry.out).join(', ');
console.log(`Bundled ${bundles} into dist/ in ${elapsed} ms`);
