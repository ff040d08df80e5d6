/**
 * What the HTTP app is built from. Everything with a life of its own (Redis, queues, the clock) is
 * passed in, so tests build the real app around a test Redis and a controllable clock.
 */
import type { Redis } from 'ioredis';
import { createQueues, type Queues } from '../../jobs/queues.js';
import type { Config } from '../config.js';
import { createSecretBox } from '../crypto.js';
import type { Logger } from '../logger.js';
import { createMetrics, type Metrics } from '../metrics.js';
import { createRedis } from '../redis.js';
import { type KeyLayout, keyLayout } from '../store/keys.js';
import { createTenantStore, type TenantStore } from '../tenants/tenant-store.js';
import type { OAuthProviders } from './oauth/providers.js';

export interface AppDeps {
  config: Config;
  /** Commands fail fast while Redis is down (`enableOfflineQueue: false`), so requests get a 503, not a hang. */
  redis: Redis;
  keys: KeyLayout;
  queues: Queues;
  tenants: TenantStore;
  logger: Logger;
  metrics: Metrics;
  /** Epoch milliseconds; tests move it to expire OAuth states and age webhook signatures. */
  now(): number;
  /** The CRMs' install flows; built from the config when absent. */
  oauth?: OAuthProviders;
  /** With several server processes: every process's metrics, gathered; else this process's registry. */
  clusterMetrics?: () => Promise<string>;
}

/** The production wiring of the deps from the config: one fail-fast Redis connection shared by all. */
export function createAppDeps(
  config: Config,
  options: {
    logger: Logger;
    now?: () => number;
    processMetrics?: boolean;
    clusterMetrics?: () => Promise<string>;
  },
): AppDeps {
  const redis = createRedis(config.REDIS_URL, 'server');
  const keys = keyLayout(config.KEY_PREFIX);
  const queues = createQueues(redis, keys.queuePrefix);
  const now = options.now ?? Date.now;
  return {
    config,
    redis,
    keys,
    queues,
    tenants: createTenantStore({ redis, keys, box: createSecretBox(config.ENCRYPTION_KEY), now }),
    logger: options.logger,
    metrics: createMetrics({ queues, processMetrics: options.processMetrics ?? true }),
    now,
    ...(options.clusterMetrics ? { clusterMetrics: options.clusterMetrics } : {}),
  };
}
