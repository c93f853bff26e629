import * as assert from 'assert';
import * as path from 'path';
import { analysisUnitOf, DiskSourceProvider, type Engine } from '../../server/src/engine';
import { listFiles, packageRoot } from '../fuzz/corpus';
import { checkInput } from '../fuzz/properties';
import { sharedEngine } from '../helpers';

/**
 * Each folder under `test/fixtures/regressions/` holds an input the fuzzer once failed on,
 * reduced. Every fuzz property must hold for it now.
 */
const regressions = path.join(packageRoot(), 'test', 'fixtures', 'regressions');

describe('fuzz regressions', () => {
  let engine: Engine;
  before(async () => {
    engine = await sharedEngine();
  });

  for (const file of listFiles(regressions).filter((name) => !name.endsWith('.json') || name.endsWith('.tf.json'))) {
    it(path.relative(regressions, file), () => {
      const source = new DiskSourceProvider();
      const unit = analysisUnitOf(file, source) ?? { kind: 'module' as const, dir: path.dirname(file) };
      const text = source.readText(file);
      assert.deepStrictEqual(checkInput(engine, { unit, files: new Map([[file, text]]), file }), []);
    });
  }
});
