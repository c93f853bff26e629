/**
 * Runs an action once a key has been quiet for a delay. A newer call for a key replaces the older.
 */
export class Debouncer {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  /** Schedules `action` for `key` after `delayMs`, cancelling what was scheduled for that key. */
  schedule(key: string, delayMs: number, action: () => void): void {
    this.cancel(key);
    const timer = setTimeout(() => {
      this.timers.delete(key);
      action();
    }, delayMs);
    this.timers.set(key, timer);
  }

  /** Cancels the action scheduled for `key`, if any. */
  cancel(key: string): void {
    const timer = this.timers.get(key);
    if (timer) clearTimeout(timer);
    this.timers.delete(key);
  }

  /** Cancels every scheduled action. */
  dispose(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }
}
