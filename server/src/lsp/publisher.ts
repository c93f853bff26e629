import * as fs from 'fs';
import type { Connection, Diagnostic } from 'vscode-languageserver/node';
import { applyConfig, isExcluded, type GuardConfig } from '../engine';
import type { ConfigFiles } from './configs';
import type { OpenDocuments } from './documents';
import { findingToDiagnostic, noticeToDiagnostic } from './diagnostics';
import type { ResultStore, StoredFinding } from './results';
import type { StatusReporter } from './status';

/**
 * Publishes the diagnostics of files from the store. Diagnostics are built at the moment they
 * are sent, so a publication that waited for settings still sends the newest results, and a
 * file is not sent again while its diagnostics are unchanged.
 */
export class DiagnosticsPublisher {
  private readonly lastSent = new Map<string, string>();

  constructor(
    private readonly connection: Connection,
    private readonly store: ResultStore,
    private readonly documents: OpenDocuments,
    private readonly configs: ConfigFiles,
    private readonly docUrls: Map<string, string>,
    private readonly status: StatusReporter,
  ) {}

  /**
   * Publishes every given file: its diagnostics, or an empty list when disabled, excluded,
   * deleted or clean. Errors are logged, and the promise never rejects.
   */
  async publish(files: string[]): Promise<void> {
    await Promise.all([...new Set(files)].map((file) => this.publishOne(file)));
  }

  private async publishOne(file: string): Promise<void> {
    try {
      const { settings, config, root } = await this.configs.forFile(file);
      const hidden = !settings.enable || isExcluded(file, root, config.exclude) || this.isGone(file);
      const diagnostics = hidden ? [] : this.diagnosticsOf(file, config);
      const problem = this.configs.problemOf(file);
      if (problem?.range) diagnostics.push(noticeToDiagnostic({ ...problem, range: problem.range }));

      const uri = this.documents.uriOf(file);
      const text = JSON.stringify(diagnostics);
      if (this.lastSent.get(uri) === text) return;
      this.lastSent.set(uri, text);
      this.status.setCount(uri, diagnostics.filter((diagnostic) => diagnostic.code !== undefined).length);
      await this.connection.sendDiagnostics({ uri, diagnostics });
    } catch (error) {
      this.connection.console.error(`Publishing diagnostics for ${file} failed: ${String(error)}`);
    }
  }

  /** Tells whether a file is neither open nor on disk, so its results are out of date. */
  private isGone(file: string): boolean {
    return this.documents.byPath(file) === undefined && !fs.existsSync(file);
  }

  /** Builds the diagnostics of one file from the findings and notices stored for it. */
  diagnosticsOf(file: string, config: GuardConfig): Diagnostic[] {
    const uriOf = (other: string) => this.documents.uriOf(other);
    const diagnostics = configuredFindings(this.store.findingsIn(file), config).map(({ finding, ref }) =>
      findingToDiagnostic(finding, ref, uriOf, this.docUrls.get(finding.ruleId)),
    );
    for (const notice of this.store.noticesIn(file)) {
      if (notice.range) diagnostics.push(noticeToDiagnostic({ ...notice, range: notice.range }));
    }
    return diagnostics;
  }
}

/** Applies rule levels and `unknownValues` to stored findings, keeping their references. */
export function configuredFindings(stored: StoredFinding[], config: GuardConfig): StoredFinding[] {
  const kept: StoredFinding[] = [];
  for (const entry of stored) {
    const [finding] = applyConfig([entry.finding], config);
    if (finding) kept.push({ ...entry, finding });
  }
  return kept;
}
