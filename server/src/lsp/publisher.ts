import type { Connection, Diagnostic } from 'vscode-languageserver/node';
import type { OpenDocuments } from './documents';
import { findingToDiagnostic, noticeToDiagnostic } from './diagnostics';
import type { ResultStore } from './results';
import type { SettingsCache } from './settings';

/**
 * Publishes the diagnostics of files from the store. Diagnostics are built at the moment they
 * are sent, so a publication that waited for settings still sends the newest results.
 */
export class DiagnosticsPublisher {
  constructor(
    private readonly connection: Connection,
    private readonly store: ResultStore,
    private readonly documents: OpenDocuments,
    private readonly settings: SettingsCache,
    private readonly docUrls: Map<string, string>,
  ) {}

  /**
   * Publishes every given file: its diagnostics, or an empty list when disabled or clean. Errors
   * are logged, and the promise never rejects.
   */
  async publish(files: string[]): Promise<void> {
    await Promise.all(files.map((file) => this.publishOne(file)));
  }

  private async publishOne(file: string): Promise<void> {
    try {
      const { enable } = await this.settings.get(this.documents.uriOf(file));
      const diagnostics = enable ? this.diagnosticsOf(file) : [];
      await this.connection.sendDiagnostics({ uri: this.documents.uriOf(file), diagnostics });
    } catch (error) {
      this.connection.console.error(`Publishing diagnostics for ${file} failed: ${String(error)}`);
    }
  }

  /** Builds the diagnostics of one file from the findings and notices stored for it. */
  diagnosticsOf(file: string): Diagnostic[] {
    const uriOf = (other: string) => this.documents.uriOf(other);
    const diagnostics = this.store
      .findingsIn(file)
      .map(({ finding, ref }) =>
        findingToDiagnostic(finding, ref, uriOf, this.docUrls.get(finding.ruleId)),
      );
    for (const notice of this.store.noticesIn(file)) {
      if (notice.range) diagnostics.push(noticeToDiagnostic({ ...notice, range: notice.range }));
    }
    return diagnostics;
  }
}
