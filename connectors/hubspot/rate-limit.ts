/**
 * The connector's own pacing, so it stays under HubSpot's limits instead of meeting them:
 * a rolling window per portal for every call (HubSpot counts per account, shared by all of its
 * apps, so one limiter per portal id in the process) and a per-second window for search. A 429 that
 * still arrives pauses the whole window until HubSpot's wait is over.
 *
 * Defaults are the safe side of CRM-FACTS.md H8/H3: 100 calls per 10 s (OAuth public apps get
 * 100-110 per installed account) and 4 searches per second (the changelog's figure; docs now say 5).
 */

export interface WindowLimit {
  max: number;
  windowMs: number;
}

export class RollingWindow {
  private stamps: number[] = [];
  private pausedUntil = 0;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    readonly limit: WindowLimit,
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {}

  /** Waits for a free slot and takes it. Callers are served in arrival order. */
  acquire(): Promise<void> {
    const turn = this.chain.then(() => this.take());
    this.chain = turn.catch(() => undefined);
    return turn;
  }

  /** Blocks every caller until `ms` from now (a 429 arrived despite the pacing). */
  pauseFor(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.now() + ms);
  }

  private async take(): Promise<void> {
    for (;;) {
      const now = this.now();
      if (now < this.pausedUntil) {
        await this.sleep(this.pausedUntil - now);
        continue;
      }
      const cutoff = now - this.limit.windowMs;
      while (this.stamps.length > 0 && this.stamps[0]! <= cutoff) this.stamps.shift();
      if (this.stamps.length < this.limit.max) {
        this.stamps.push(now);
        return;
      }
      await this.sleep(this.stamps[0]! + this.limit.windowMs - now + 1);
    }
  }
}

export interface PortalLimits {
  calls: RollingWindow;
  search: RollingWindow;
}

const byPortal = new Map<string, PortalLimits>();

export interface RateLimitSettings {
  /** Calls per window; default 100 (an OAuth app's share of a portal). */
  tenSecondly?: number;
  /** Window length; HubSpot's is 10,000 ms. Tests against the sandbox shorten it. */
  windowMs?: number;
  /** Search calls per second; default 4. */
  searchPerSecond?: number;
  /** First wait after a 5xx or a network error, doubled at each retry; default 200 ms. */
  retryBaseMs?: number;
}

/**
 * The limiters of one portal (at one API base) in this process, shared by every connector of that
 * portal; the first caller's settings win.
 */
export function limitsForPortal(
  basePath: string,
  portalId: string,
  settings: RateLimitSettings = {},
): PortalLimits {
  const key = `${basePath} ${portalId}`;
  let limits = byPortal.get(key);
  if (!limits) {
    limits = {
      calls: new RollingWindow({ max: settings.tenSecondly ?? 100, windowMs: settings.windowMs ?? 10_000 }),
      search: new RollingWindow({ max: settings.searchPerSecond ?? 4, windowMs: 1000 }),
    };
    byPortal.set(key, limits);
  }
  return limits;
}
