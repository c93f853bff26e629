import type { TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
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
