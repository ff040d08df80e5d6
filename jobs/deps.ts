/**
 * What the job processors and the service functions are built from. The worker entry point and
 * the HTTP app fill it from the parsed config; tests fill it with a private key prefix, a fixed
 * clock and the sandbox CRMs.
 */
import type { Redis } from 'ioredis';
import type { CrmConnector } from '../connectors/types.js';
import type { Config } from '../src/config.js';
import type { Logger } from '../src/logger.js';
import type { KeyLayout } from '../src/store/keys.js';
import type { Tenant, TenantCredentials } from '../src/tenants/tenant.js';
import type { Queues } from './queues.js';

/** The part of the tenant store the pipeline uses (src/tenants/tenant-store.ts implements it). */
export interface TenantSource {
  get(id: string): Promise<Tenant | null>;
  /** Stores refreshed tokens; the connectors' `onTokens` calls it. */
  updateCredentials(id: string, tokens: TenantCredentials): Promise<void>;
}

/** A tenant's connector; the factory keeps one per tenant so token refreshes stay single-flight. */
export type ConnectorFactory = (tenant: Tenant) => CrmConnector;

/** Counters the worker side increments (src/metrics.ts defines them for both sides). */
export interface PipelineMetrics {
  crmCalls: { inc(labels: { provider: string; operation: string }, value?: number): void };
  crmErrors: { inc(labels: { provider: string; code: string }, value?: number): void };
  recordsWritten: { inc(labels: { provider: string; object: string }, value?: number): void };
}

export interface PipelineSettings {
  /** Share of the org's remaining daily API calls a backfill may use (BACKFILL_BUDGET_SHARE). */
  budgetShare: number;
  reconcileEveryMs: number;
  reconcileLookbackMs: number;
  /** How long a pulled org (users, quotas, rates) is used before it is pulled again. */
  orgCacheTtlMs: number;
  /** TTL of the per-tenant lock; a worker killed while holding it delays its tenant this long at most. */
  lockTtlMs: number;
  /** Write-backs wait this long after being asked for, so a burst of changes goes out in one batch. */
  writeBackDelayMs: number;
  /** Deals per page of a backfill and per batch of a reconcile pull. */
  pageSize: number;
}

export const DEFAULT_SETTINGS: PipelineSettings = {
  budgetShare: 0.25,
  reconcileEveryMs: 15 * 60_000,
  reconcileLookbackMs: 60 * 60_000,
  orgCacheTtlMs: 10 * 60_000,
  lockTtlMs: 30_000,
  writeBackDelayMs: 250,
  pageSize: 2000,
};

/** The pipeline's settings from the parsed environment. */
export function pipelineSettings(
  config: Pick<
    Config,
    | 'BACKFILL_BUDGET_SHARE'
    | 'RECONCILE_EVERY_MS'
    | 'RECONCILE_LOOKBACK_MS'
    | 'ORG_CACHE_TTL_MS'
    | 'JOB_LOCK_MS'
    | 'WRITE_BACK_DELAY_MS'
  >,
): PipelineSettings {
  return {
    ...DEFAULT_SETTINGS,
    budgetShare: config.BACKFILL_BUDGET_SHARE,
    reconcileEveryMs: config.RECONCILE_EVERY_MS,
    reconcileLookbackMs: config.RECONCILE_LOOKBACK_MS,
    orgCacheTtlMs: config.ORG_CACHE_TTL_MS,
    lockTtlMs: config.JOB_LOCK_MS,
    writeBackDelayMs: config.WRITE_BACK_DELAY_MS,
  };
}

export interface PipelineDeps {
  redis: Redis;
  keys: KeyLayout;
  queues: Queues;
  tenants: TenantSource;
  connectors: ConnectorFactory;
  logger: Logger;
  /** Epoch ms; tests pin it. */
  now(): number;
  settings: PipelineSettings;
  metrics?: PipelineMetrics;
}
