// A Mocha reporter that prints the usual spec output and also writes the run's totals as JSON
// ({ passes, failures, pending, tests }) to the file given with
// `--reporter-option output=FILE`. .ci/run reads that file to print one summary line.
'use strict';

const fs = require('fs');
const Mocha = require('mocha');

const { EVENT_RUN_END } = Mocha.Runner.constants;

class TotalsReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    const output = options?.reporterOptions?.output;
    if (!output) throw new Error('mocha-totals-reporter needs --reporter-option output=FILE');
    runner.once(EVENT_RUN_END, () => {
      const { passes, failures, pending, tests } = this.stats;
      fs.writeFileSync(output, JSON.stringify({ passes, failures, pending, tests }) + '\n');
    });
  }
}

module.exports = TotalsReporter;
