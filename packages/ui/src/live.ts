import type { RunBrowser } from "@tsa/tracker";

/**
 * Tells waiting run pages when the store may have changed. On SQLite one poll of `PRAGMA data_version`
 * every `pollMs` serves every open page, and a page re-reads its run only after another process committed;
 * on PostgreSQL (no such counter on a read-only connection) each page re-reads its run every `pollMs`.
 */
export class ChangeFeed {
  private token: number | null = null;
  private timer: NodeJS.Timeout | null = null;
  private waiters: Array<() => void> = [];

  constructor(
    private readonly browser: RunBrowser,
    private readonly pollMs: number,
  ) {}

  /** Resolves after the next change (SQLite) or the next poll (PostgreSQL), or after `maxMs` at the latest. */
  next(maxMs: number): Promise<void> {
    return new Promise((resolve) => {
      const timeout = setTimeout(done, maxMs);
      // eslint-disable-next-line @typescript-eslint/no-this-alias -- the closure needs the feed, not the timer.
      const feed = this;
      function done() {
        clearTimeout(timeout);
        feed.waiters = feed.waiters.filter((w) => w !== done);
        resolve();
      }
      this.waiters.push(done);
      this.start();
    });
  }

  private start(): void {
    if (this.timer !== null) return;
    this.timer = setInterval(() => void this.poll(), this.pollMs);
    this.timer.unref();
  }

  private async poll(): Promise<void> {
    if (this.waiters.length === 0) {
      this.stop();
      return;
    }
    const token = await this.browser.changeToken().catch(() => null);
    if (token !== null && token === this.token) return;
    this.token = token;
    for (const wake of [...this.waiters]) wake();
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }
}
