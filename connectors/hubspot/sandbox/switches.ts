/**
 * The sandbox's fault and limit switches, changed at run time by `setSwitches` or
 * `PATCH /__sandbox/switches`. Defaults are HubSpot's production figures for a Professional
 * portal (CRM-FACTS.md H8): 190 calls per rolling 10 seconds, 650,000 a day.
 *
 * `searchPerSecond` defaults to 5: HubSpot's current docs give 5 requests per second per token for
 * the search endpoints (the 2021 changelog said 4). The SDK only reacts to the exact 429 body, not
 * to the number, and the connector's own limiter takes the figure from its config, so a portal
 * that still enforces 4 is handled by configuring 4 there.
 */
import { z } from 'zod';

export const switchesSchema = z
  .object({
    /** Added to every API answer. */
    latencyMs: z.number().int().min(0).max(60_000),
    /** Share of API calls answered with a 502, drawn from a seeded sequence (not Math.random). */
    errorRate5xx: z.number().min(0).max(1),
    /** Share of inputs of a batch write answered with a retryable per-input error inside a 207. */
    batchInputErrorRate: z.number().min(0).max(1),
    /** Seed of the sequence that decides which calls fail. */
    seed: z.number().int(),
    /** Lifetime of access tokens issued from now on. */
    tokenLifetimeMs: z.number().int().min(1),
    /** Calls allowed per rolling window (HubSpot: 190 per 10 s on Professional and Enterprise). */
    tenSecondlyLimit: z.number().int().min(1),
    /** Length of that window; 10,000 ms at HubSpot, shorter in tests so a 429 costs little time. */
    rateWindowMs: z.number().int().min(1),
    /** Calls allowed per day (HubSpot Professional: 650,000). */
    dailyLimit: z.number().int().min(1),
    /** Search calls allowed per second and token. */
    searchPerSecond: z.number().int().min(1),
    /** Webhook delivery: how long to wait for the receiver before counting a timeout. */
    webhookTimeoutMs: z.number().int().min(1),
    /** Webhook delivery: attempts per batch (HubSpot: 10 over 24 hours). */
    webhookMaxAttempts: z.number().int().min(1).max(10),
    /** Webhook delivery: first retry delay; doubled at each attempt. */
    webhookRetryBaseMs: z.number().int().min(0),
  })
  .strict();

export type Switches = z.infer<typeof switchesSchema>;

export const DEFAULT_SWITCHES: Switches = {
  latencyMs: 0,
  errorRate5xx: 0,
  batchInputErrorRate: 0,
  seed: 1,
  tokenLifetimeMs: 30 * 60 * 1000,
  tenSecondlyLimit: 190,
  rateWindowMs: 10_000,
  dailyLimit: 650_000,
  searchPerSecond: 5,
  webhookTimeoutMs: 5_000,
  webhookMaxAttempts: 10,
  webhookRetryBaseMs: 1_000,
};

/** Parses a partial update; throws a ZodError naming each bad field. */
export function parseSwitches(input: unknown): Partial<Switches> {
  return switchesSchema.partial().parse(input);
}

/** A small seeded generator (mulberry32): the same seed gives the same sequence of faults. */
export function seededSequence(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
