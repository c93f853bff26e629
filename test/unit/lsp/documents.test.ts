import * as assert from 'assert';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { updateDocument } from '../../../server/src/lsp/documents';

function at(line: number, character: number) {
  return { line, character };
}

describe('updateDocument', () => {
  it('line feed after a carriage return', () => {
    const document = TextDocument.create('file:///m/main.tf', 'terraform', 1, 'a\rb\nc');
    const updated = updateDocument(document, [{ range: { start: at(1, 0), end: at(1, 0) }, text: '\n' }], 2);
    assert.strictEqual(updated.getText(), 'a\r\nb\nc');
    assert.strictEqual(updated.lineCount, 3);
    assert.strictEqual(updated.offsetAt(at(2, 0)), 5);
    assert.strictEqual(updated.version, 2);
  });

  it('carriage return before a line feed', () => {
    const document = TextDocument.create('file:///m/main.tf', 'terraform', 1, 'a\nb\nc');
    const updated = updateDocument(document, [{ range: { start: at(0, 1), end: at(0, 1) }, text: 'x\r' }], 2);
    assert.strictEqual(updated.getText(), 'ax\r\nb\nc');
    assert.strictEqual(updated.lineCount, 3);
    assert.strictEqual(updated.offsetAt(at(1, 0)), 4);
  });

  it('deletion joins a pair', () => {
    const document = TextDocument.create('file:///m/main.tf', 'terraform', 1, 'a\rX\nb');
    const updated = updateDocument(document, [{ range: { start: at(1, 0), end: at(1, 1) }, text: '' }], 2);
    assert.strictEqual(updated.getText(), 'a\r\nb');
    assert.strictEqual(updated.lineCount, 2);
    assert.strictEqual(updated.offsetAt(at(1, 0)), 3);
  });

  it('later change in one notification', () => {
    const document = TextDocument.create('file:///m/main.tf', 'terraform', 1, '# a\rweb = 1\n');
    const changes = [
      { range: { start: at(1, 0), end: at(1, 0) }, text: '\n' },
      { range: { start: at(1, 0), end: at(1, 3) }, text: 'api' },
    ];
    assert.strictEqual(updateDocument(document, changes, 2).getText(), '# a\r\napi = 1\n');
  });

  it('whole-text change', () => {
    const document = TextDocument.create('file:///m/main.tf', 'terraform', 1, 'a');
    assert.strictEqual(updateDocument(document, [{ text: 'b\r\nc' }], 2).lineCount, 2);
  });
});
