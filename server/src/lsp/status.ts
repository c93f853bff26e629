import type { Connection } from 'vscode-languageserver/node';

/** The custom notification that carries the state the client's status item shows. */
export const statusNotification = 'metadataGuard/status';

/** Parameters of `metadataGuard/status`. */
export interface StatusParams {
  /** True while a workspace scan runs. */
  scanning: boolean;
  /** Number of findings in the diagnostics last published, over every file. */
  findings: number;
}

/** Tracks the finding count per file and the scan state, and sends them to the client. */
export class StatusReporter {
  private readonly counts = new Map<string, number>();
  private scanning = false;
  private pending = false;
  private lastSent = '';

  constructor(private readonly connection: Connection) {}

  /** Records the number of findings just published for a file. */
  setCount(uri: string, count: number): void {
    if (count === 0) this.counts.delete(uri);
    else this.counts.set(uri, count);
    this.schedule();
  }

  /** Returns the number of findings in the diagnostics last published, over every file. */
  findingCount(): number {
    let findings = 0;
    for (const count of this.counts.values()) findings += count;
    return findings;
  }

  /** Records whether a workspace scan runs. */
  setScanning(scanning: boolean): void {
    this.scanning = scanning;
    this.schedule();
  }

  /** Sends at most one notification per turn of the event loop, and none when nothing changed. */
  private schedule(): void {
    if (this.pending) return;
    this.pending = true;
    setImmediate(() => {
      this.pending = false;
      const params: StatusParams = { scanning: this.scanning, findings: this.findingCount() };
      const text = JSON.stringify(params);
      if (text === this.lastSent) return;
      this.lastSent = text;
      void this.connection.sendNotification(statusNotification, params);
    });
  }
}
