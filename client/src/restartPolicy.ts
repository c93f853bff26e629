/**
 * Decides whether the client restarts a language server that stopped. It has no `vscode` import,
 * so tests run it without an editor.
 */

/** Restarts allowed within `windowMs` before the client gives up. */
export const maxRestarts = 4;
/** Length of the window that counts restarts, in milliseconds. */
export const restartWindowMs = 3 * 60 * 1000;

/** What to do after the server stopped: restart it, or stop and show `message` once. */
export type RestartDecision = { action: 'restart' } | { action: 'stop'; message: string | undefined };

/** Counts server crashes and allows `maxRestarts` restarts within `restartWindowMs`. */
export class RestartPolicy {
  private readonly crashes: number[] = [];
  private reported = false;

  constructor(private readonly now: () => number = Date.now) {}

  /** Records one crash and returns whether to restart; the stop message is returned only once. */
  onServerClosed(): RestartDecision {
    const time = this.now();
    this.crashes.push(time);
    while (this.crashes.length > 0 && time - this.crashes[0] > restartWindowMs) this.crashes.shift();
    if (this.crashes.length <= maxRestarts) return { action: 'restart' };

    const message = this.reported
      ? undefined
      : `The Metadata Guard language server stopped ${this.crashes.length} times in ` +
        `${restartWindowMs / 60000} minutes and will not be restarted. See the "Metadata Guard" ` +
        'output channel for the error, then run "Developer: Reload Window" to start it again.';
    this.reported = true;
    return { action: 'stop', message };
  }
}
