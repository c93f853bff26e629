import type { TextDocuments } from 'vscode-languageserver/node';
import { TextDocument, type TextDocumentContentChangeEvent } from 'vscode-languageserver-textdocument';
import { DiskSourceProvider, OverlaySourceProvider, type SourceProvider } from '../engine';
import { pathToUri, uriToPath } from './paths';

/** A source provider for one analysis, and the open-document versions the analysis read. */
export interface SourceSnapshot {
  source: SourceProvider;
  versions: Map<string, number>;
}

/** Looks up the documents open in the client by absolute path. */
export class OpenDocuments {
  private readonly disk = new DiskSourceProvider();

  constructor(private readonly documents: TextDocuments<TextDocument>) {}

  /** Returns the open document with this path, if there is one. */
  byPath(file: string): TextDocument | undefined {
    return this.documents.all().find((document) => uriToPath(document.uri) === file);
  }

  /** Returns the URI the client uses for a file: the open document's, or a `file:` URI. */
  uriOf(file: string): string {
    return this.byPath(file)?.uri ?? pathToUri(file);
  }

  /** Returns the text and version of every open document, keyed by absolute path. */
  openTexts(): Map<string, { text: string; version: number }> {
    const texts = new Map<string, { text: string; version: number }>();
    for (const document of this.documents.all()) {
      const file = uriToPath(document.uri);
      if (file) texts.set(file, { text: document.getText(), version: document.version });
    }
    return texts;
  }

  /** Creates a source provider that puts open documents in front of the disk. */
  snapshot(): SourceSnapshot {
    const versions = new Map<string, number>();
    const source = new OverlaySourceProvider(this.disk, (file) => {
      const document = this.byPath(file);
      if (!document) return undefined;
      versions.set(file, document.version);
      return document.getText();
    });
    return { source, versions };
  }
}

type ContentChange = TextDocumentContentChangeEvent;

/**
 * Applies content changes one at a time, rebuilding the document whenever a change puts a line
 * feed right after a carriage return at one of its ends. vscode-languageserver-textdocument
 * 1.0.12 updates its line table piece by piece and counts such a new CRLF pair as two line
 * breaks, so every range after it would resolve to the wrong offset.
 */
export function updateDocument(document: TextDocument, changes: ContentChange[], version: number): TextDocument {
  let updated = document;
  for (const change of changes) {
    const start = 'range' in change ? updated.offsetAt(change.range.start) : 0;
    updated = TextDocument.update(updated, [change], version);
    const text = updated.getText();
    const end = start + change.text.length;
    const joins = (at: number): boolean => text.charCodeAt(at - 1) === 13 && text.charCodeAt(at) === 10;
    if ('range' in change && (joins(start) || joins(end))) {
      updated = TextDocument.create(updated.uri, updated.languageId, version, text);
    }
  }
  return updated;
}

/** The document type the server keeps, with `updateDocument` in place of the library's update. */
export const serverDocuments = {
  create: TextDocument.create,
  update: updateDocument,
};
