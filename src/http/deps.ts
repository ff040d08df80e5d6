/**
 * What the HTTP app is built from. Everything with a life of its own (Redis, queues, the clock) is
 * passed in, so tests build the real app around a test Redis and a controllable clock.
 */
import type { Redis } from 'ioredis';
import type { Queues } from '../../jobs/queues.js';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import type { KeyLayout } from '../store/keys.js';
import type { TenantStore } from '../tenants/tenant-store.js';

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
}
