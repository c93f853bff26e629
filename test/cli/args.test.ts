import * as assert from 'assert';
import { parseCommandLine, UsageError } from '../../server/src/cli/args';

describe('cli arguments', () => {
  it('scan defaults', () => {
    const command = parseCommandLine(['scan']);
    assert.deepStrictEqual(command, {
      command: 'scan',
      paths: ['.'],
      format: 'text',
      failOn: 'warning',
      output: undefined,
    });
  });

  it('scan with every option', () => {
    const command = parseCommandLine([
      'scan', 'a', 'b', '--format', 'sarif', '--fail-on=none', '--output', 'report.sarif',
    ]);
    assert.deepStrictEqual(command, {
      command: 'scan',
      paths: ['a', 'b'],
      format: 'sarif',
      failOn: 'none',
      output: 'report.sarif',
    });
  });

  it('unknown option rejected', () => {
    assert.throws(() => parseCommandLine(['scan', '--colour']), (error: unknown) => {
      assert.ok(error instanceof UsageError);
      assert.match(error.message, /unknown option '--colour'/);
      return true;
    });
  });

  it('bad format value rejected', () => {
    assert.throws(() => parseCommandLine(['scan', '--format', 'xml']), /invalid value 'xml' for --format/);
  });

  it('bad fail-on value rejected', () => {
    assert.throws(() => parseCommandLine(['scan', '--fail-on', 'fatal']), /--fail-on/);
  });

  it('missing option value rejected', () => {
    assert.throws(() => parseCommandLine(['scan', '--format']), UsageError);
  });

  it('unknown command rejected', () => {
    assert.throws(() => parseCommandLine(['lint']), /unknown command 'lint'/);
  });

  it('lsp needs stdio', () => {
    assert.throws(() => parseCommandLine(['lsp']), /--stdio/);
  });

  it('lsp accepts client process id', () => {
    const command = parseCommandLine(['lsp', '--stdio', '--clientProcessId=42']);
    assert.deepStrictEqual(command, { command: 'lsp' });
  });

  it('help and version', () => {
    assert.deepStrictEqual(parseCommandLine([]), { command: 'missing' });
    assert.deepStrictEqual(parseCommandLine(['--help']), { command: 'help' });
    assert.deepStrictEqual(parseCommandLine(['scan', '--help']), { command: 'help' });
    assert.deepStrictEqual(parseCommandLine(['--version']), { command: 'version' });
  });
});
