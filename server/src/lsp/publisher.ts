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
 * file is not sent again while its diagnostics and document version are unchanged.
 *
 * A publication waits one turn of the event loop first, so that an edit already received is
 * applied before it. It is then skipped when an open document that the results read has
 * changed since and a newer analysis of that document is scheduled: that analysis publishes
 * instead, and the client never gets diagnostics older than ones it already has.
 */
export class DiagnosticsPublisher {
  private readonly lastSent = new Map<string, string>();
  private readonly lastVersion = new Map<string, number>();
  /** Tells whether a newer analysis of an open document, by URI, is scheduled. */
  analysisScheduled: (uri: string) => boolean = () => false;

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

  /**
   * Forgets the version last published for a document, because a client may number a reopened
   * document from 1 again.
   */
  forgetVersion(uri: string): void {
    this.lastVersion.delete(uri);
  }

  private async publishOne(file: string): Promise<void> {
    try {
      await new Promise<void>((resolve) => setImmediate(resolve));
      const { settings, config, root } = await this.configs.forFile(file);
      if (this.isSuperseded(file)) return;
      const hidden = !settings.enable || isExcluded(file, root, config.exclude) || this.isGone(file);
      const diagnostics = hidden ? [] : this.diagnosticsOf(file, config);
      const problem = this.configs.problemOf(file);
      if (problem?.range) diagnostics.push(noticeToDiagnostic({ ...problem, range: problem.range }));
      await this.send(file, diagnostics);
    } catch (error) {
      this.connection.console.error(`Publishing diagnostics for ${file} failed: ${String(error)}`);
    }
  }

  /**
   * Sends diagnostics with the document version they were computed for, unless the client
   * already has the same ones or ones for a newer version.
   */
  private async send(file: string, diagnostics: Diagnostic[]): Promise<void> {
    const uri = this.documents.uriOf(file);
    const version = this.versionOf(file);
    const lastVersion = this.lastVersion.get(uri);
    if (version !== undefined && lastVersion !== undefined && version < lastVersion) return;
    const text = JSON.stringify({ version, diagnostics });
    if (this.lastSent.get(uri) === text) return;

    this.lastSent.set(uri, text);
    if (version === undefined) this.lastVersion.delete(uri);
    else this.lastVersion.set(uri, version);
    this.status.setCount(uri, diagnostics.filter((diagnostic) => diagnostic.code !== undefined).length);
    await this.connection.sendDiagnostics({ uri, version, diagnostics });
  }

  /**
   * Returns the version of the open document `file` that its stored results read, the oldest
   * when they differ. Returns undefined when it is not open or a result read it from disk.
   */
  private versionOf(file: string): number | undefined {
    if (!this.documents.byPath(file)) return undefined;
    let oldest: number | undefined;
    for (const result of this.store.resultsFor(file)) {
      const version = result.versions.get(file);
      if (version === undefined) return undefined;
      oldest = oldest === undefined ? version : Math.min(oldest, version);
    }
    return oldest;
  }

  /** Tells whether a newer analysis will replace the results that decide `file`. */
  private isSuperseded(file: string): boolean {
    return this.store.resultsFor(file).some((result) =>
      [...result.versions].some(([read, version]) => {
        const document = this.documents.byPath(read);
        return document !== undefined && document.version > version && this.analysisScheduled(document.uri);
      }),
    );
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
