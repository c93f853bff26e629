import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DiskSourceProvider, type AnalysisUnit } from '../../../server/src/engine';
import { AnalysisPool, collectUnits, scanInPool } from '../../../server/src/engine/parallel';
import { fixturesRoot, sharedEngine } from '../../helpers';

const repoRoot = path.resolve(__dirname, '..', '..', '..', '..');
const examples = path.join(repoRoot, 'examples');
const realWorker = path.resolve(__dirname, '..', '..', '..', 'server', 'src', 'engine', 'parallel', 'analysisWorker.js');
const disk = new DiskSourceProvider();

const openServer = `resource "huaweicloud_compute_instance" "web" {
  name      = "web"
  image_id  = "img"
  flavor_id = "s6.large.2"
  network {
    uuid = "subnet"
  }
}
`;

/** Writes a worker script that exits for units whose key contains "crash" and analyses the rest. */
function writeCrashingWorker(folder: string): string {
  const file = path.join(folder, 'crashingWorker.js');
  const script = [
    "const { parentPort } = require('worker_threads');",
    "parentPort.on('message', (request) => {",
    "  const key = request.unit.dir ?? request.unit.file;",
    "  if (key.includes('crash')) process.exit(7);",
    '});',
    `require(${JSON.stringify(realWorker)});`,
  ];
  fs.writeFileSync(file, script.join('\n'));
  return file;
}

/**
 * Writes a worker script that keeps its first request until a second one arrives, then replies
 * to both with the notice "paired". A request still alone after 2 s gets the notice "alone".
 */
function writePairingWorker(folder: string): string {
  const file = path.join(folder, 'pairingWorker.js');
  const script = [
    "const { parentPort } = require('worker_threads');",
    'const waiting = [];',
    'const reply = (request, message) => parentPort.postMessage({ id: request.id, result: ' +
      "{ findings: [], notices: [{ file: '', message }], analyzedFiles: [], dependencies: [] } });",
    "parentPort.on('message', (request) => {",
    '  waiting.push(request);',
    "  if (waiting.length === 2) waiting.splice(0).forEach((held) => reply(held, 'paired'));",
    "  else setTimeout(() => waiting.splice(0).forEach((held) => reply(held, 'alone')), 2000);",
    '});',
  ];
  fs.writeFileSync(file, script.join('\n'));
  return file;
}

function makeModule(root: string, name: string, text: string): AnalysisUnit {
  const dir = path.join(root, name);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'main.tf'), text);
  return { kind: 'module', dir };
}

describe('AnalysisPool', () => {
  let pool: AnalysisPool;
  let temp: string;

  before(() => {
    pool = new AnalysisPool({ size: 2 });
  });

  after(async () => {
    await pool.close();
  });

  beforeEach(() => {
    temp = fs.mkdtempSync(path.join(os.tmpdir(), 'metadata-guard-pool-'));
  });

  afterEach(() => {
    fs.rmSync(temp, { recursive: true, force: true });
  });

  it('matches the engine on fixtures', async () => {
    const engine = await sharedEngine();
    const units = collectUnits([fixturesRoot, examples], disk);
    assert.ok(units.length > 10, `only ${units.length} units found`);
    const results = await Promise.all(units.map((unit) => pool.analyzeUnit(unit)));
    units.forEach((unit, index) => {
      assert.deepStrictEqual(results[index], engine.analyzeUnit(unit, disk), unit.kind === 'module' ? unit.dir : unit.file);
    });
  });

  it('scan matches Engine.scan', async () => {
    const engine = await sharedEngine();
    const paths = [examples, path.join(fixturesRoot, 'rules')];
    const expected = engine.scan(paths, disk);
    const actual = await scanInPool(pool, collectUnits(paths, disk));
    assert.deepStrictEqual(actual, expected);
  });

  it('scan order is stable', async () => {
    const units = collectUnits([fixturesRoot], disk);
    const first = await scanInPool(pool, units);
    const second = await scanInPool(pool, [...units]);
    assert.deepStrictEqual(second, first);
  });

  it('overlay reaches the worker', async () => {
    const unit = makeModule(temp, 'web', 'locals {}\n');
    const onDisk = await pool.analyzeUnit(unit);
    const overlay = new Map([[path.join(temp, 'web', 'main.tf'), openServer]]);
    const edited = await pool.analyzeUnit(unit, overlay);
    assert.strictEqual(onDisk.findings.length, 0);
    assert.strictEqual(edited.findings.length, 1);
    assert.strictEqual(edited.findings[0].ruleId, 'ecs-metadata-unrestricted');
  });

  it('crash fails one job only', async () => {
    const crashing = new AnalysisPool({ size: 1, workerFile: writeCrashingWorker(temp) });
    try {
      const bad = makeModule(temp, 'crash', openServer);
      const good = makeModule(temp, 'fine', openServer);
      const [badResult, goodResult] = await Promise.allSettled([crashing.analyzeUnit(bad), crashing.analyzeUnit(good)]);
      assert.strictEqual(badResult.status, 'rejected');
      assert.match(String((badResult as PromiseRejectedResult).reason), /worker stopped while analysing .*crash.*code 7/);
      assert.strictEqual(goodResult.status, 'fulfilled');
      assert.strictEqual((goodResult as PromiseFulfilledResult<unknown>).status, 'fulfilled');
    } finally {
      await crashing.close();
    }
  });

  it('second job reaches a busy worker', async () => {
    const pairing = new AnalysisPool({ size: 1, workerFile: writePairingWorker(temp) });
    try {
      const units = [makeModule(temp, 'first', openServer), makeModule(temp, 'second', openServer)];
      const results = await Promise.all(units.map((unit) => pairing.analyzeUnit(unit)));
      assert.deepStrictEqual(results.map((result) => result.notices[0].message), ['paired', 'paired']);
    } finally {
      await pairing.close();
    }
  });

  it('scan turns a crash into a notice', async () => {
    const crashing = new AnalysisPool({ size: 2, workerFile: writeCrashingWorker(temp) });
    try {
      const units = [makeModule(temp, 'a_crash', openServer), makeModule(temp, 'b_fine', openServer)];
      const result = await scanInPool(crashing, units);
      assert.strictEqual(result.notices.length, 1);
      assert.strictEqual(result.notices[0].file, path.join(temp, 'a_crash'));
      assert.match(result.notices[0].message, /worker stopped/);
      assert.strictEqual(result.findings.length, 1);
      assert.strictEqual(path.dirname(result.findings[0].location.file), path.join(temp, 'b_fine'));
    } finally {
      await crashing.close();
    }
  });

  it('close rejects waiting jobs', async () => {
    const closing = new AnalysisPool({ size: 1 });
    const unit = makeModule(temp, 'web', openServer);
    const jobs = [closing.analyzeUnit(unit), closing.analyzeUnit(unit)].map((job) => job.then(() => 'done', (error: Error) => error.message));
    await closing.close();
    const outcomes = await Promise.all(jobs);
    assert.deepStrictEqual(outcomes, ['the analysis pool is closed', 'the analysis pool is closed']);
    await assert.rejects(closing.analyzeUnit(unit), /closed/);
  });

  it('rejects a missing worker file', () => {
    assert.throws(() => new AnalysisPool({ workerFile: path.join(temp, 'missing.js') }), /not found/);
  });
});
