/**
 * The knobs tests and benchmarks turn: the org's daily API budget, added latency, a share (or a
 * burst) of 503s, per-record UNABLE_TO_LOCK_ROW failures and the lifetime of access tokens.
 * Random failures come from a seeded generator, never Math.random, so a run can be replayed.
 */
import { z } from 'zod';
import { zodIssues } from '../../../src/domain/snapshot.js';
import { InputError } from '../../../src/errors.js';

export const switchesSchema = z.strictObject({
  /** API calls allowed per day; beyond it every call gets 403 REQUEST_LIMIT_EXCEEDED. */
  dailyApiLimit: z.number().int().min(0),
  /** Added to every API call before it is answered. */
  latencyMs: z.number().int().min(0).max(60_000),
  /** Share of API calls answered 503 (0..1), drawn from the seeded sequence. */
  errorRate503: z.number().min(0).max(1),
  /** The next N API calls are answered 503, whatever the rate says. */
  burst503: z.number().int().min(0),
  /** Share of records in sObject Collections and Bulk API writes that fail with UNABLE_TO_LOCK_ROW. */
  lockFailureRate: z.number().min(0).max(1),
  /** Lifetime of access tokens issued from now on. */
  tokenLifetimeMs: z.number().int().min(1),
  /** Seed of the failure sequences; setting it restarts them. */
  seed: z.number().int(),
});

export type Switches = z.infer<typeof switchesSchema>;

export const DEFAULT_SWITCHES: Switches = {
  dailyApiLimit: 1_000_000,
  latencyMs: 0,
  errorRate503: 0,
  burst503: 0,
  lockFailureRate: 0,
  tokenLifetimeMs: 2 * 60 * 60 * 1000,
  seed: 1,
};

/** mulberry32: a small, well-known 32-bit generator; good enough to pick which calls fail. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class SwitchBoard {
  private values: Switches;
  private next503!: () => number;
  private nextLock!: () => number;

  constructor(initial: Partial<Switches> = {}) {
    this.values = parseSwitches({ ...DEFAULT_SWITCHES, ...initial });
    this.reseed();
  }

  get(): Switches {
    return { ...this.values };
  }

  /** Validates and applies a partial update; throws an InputError naming every bad switch. */
  set(partial: unknown): Switches {
    if (typeof partial !== 'object' || partial === null) throw new InputError('switches must be an object');
    const next = parseSwitches({ ...this.values, ...partial });
    const reseed = 'seed' in partial;
    this.values = next;
    if (reseed) this.reseed();
    return this.get();
  }

  private reseed(): void {
    this.next503 = seeded(this.values.seed);
    this.nextLock = seeded(this.values.seed ^ 0x9e3779b9);
  }

  /** Whether this API call is answered 503. */
  take503(): boolean {
    if (this.values.burst503 > 0) {
      this.values.burst503--;
      return true;
    }
    return this.values.errorRate503 > 0 && this.next503() < this.values.errorRate503;
  }

  /** Whether this record write fails with UNABLE_TO_LOCK_ROW. */
  takeLockFailure(): boolean {
    return this.values.lockFailureRate > 0 && this.nextLock() < this.values.lockFailureRate;
  }
}

function parseSwitches(raw: unknown): Switches {
  const parsed = switchesSchema.safeParse(raw);
  if (!parsed.success) throw new InputError(zodIssues(raw, parsed.error).map((m) => `switches.${m}`));
  return parsed.data;
}

/** Calls by endpoint ("GET /query", "PATCH /composite/sobjects") and the day's API usage. */
export class Stats {
  private readonly byEndpoint = new Map<string, number>();
  private readonly byStatus = new Map<number, number>();
  apiUsed = 0;

  count(endpoint: string): void {
    this.byEndpoint.set(endpoint, (this.byEndpoint.get(endpoint) ?? 0) + 1);
  }

  status(code: number): void {
    this.byStatus.set(code, (this.byStatus.get(code) ?? 0) + 1);
  }

  reset(): void {
    this.byEndpoint.clear();
    this.byStatus.clear();
    this.apiUsed = 0;
  }

  snapshot(limit: number): SandboxStats {
    const byEndpoint: Record<string, number> = {};
    for (const key of [...this.byEndpoint.keys()].sort()) byEndpoint[key] = this.byEndpoint.get(key)!;
    const byStatus: Record<string, number> = {};
    for (const key of [...this.byStatus.keys()].sort((a, b) => a - b))
      byStatus[String(key)] = this.byStatus.get(key)!;
    let calls = 0;
    for (const n of this.byEndpoint.values()) calls += n;
    return { calls, byEndpoint, byStatus, apiUsage: { used: this.apiUsed, limit } };
  }
}

export interface SandboxStats {
  /** Every HTTP call the sandbox answered (OAuth included, /__sandbox excluded). */
  calls: number;
  byEndpoint: Record<string, number>;
  byStatus: Record<string, number>;
  /** Calls counted against the daily API budget (what Sforce-Limit-Info reports). */
  apiUsage: { used: number; limit: number };
}
