/**
 * What the tenant-facing CLI commands (tenant, install, backfill, explain, attainment, snapshot)
 * run on: the same Redis, key layout, tenant store, queues and connectors as the server and the
 * worker, built from the same environment (without ADMIN_TOKEN, which only the HTTP side uses).
 * Redis is checked once up front, so a command fails with one sentence saying what to do instead
 * of hanging on reconnects.
 */
import type { Redis } from 'ioredis';
import { createConnectorFactory } from '../../jobs/connector-factory.js';
import { type PipelineDeps, pipelineSettings } from '../../jobs/deps.js';
import { createQueues } from '../../jobs/queues.js';
import { type CliConfig, loadCliConfig } from '../config.js';
import { createSecretBox } from '../crypto.js';
import { PlayercoachError } from '../errors.js';
import { createLogger, type Logger } from '../logger.js';
import { createRedis } from '../redis.js';
import type { ServiceDeps } from '../service/backfills.js';
import { keyLayout } from '../store/keys.js';
import { createTenantStore, type TenantStore } from '../tenants/tenant-store.js';

export interface CliRuntime {
  config: CliConfig;
  redis: Redis;
  tenants: TenantStore;
  logger: Logger;
  /** What the job processors and the service functions take (connectors included). */
  deps: PipelineDeps;
  /** The HTTP side's subset, for the service functions (startBackfill, attainmentFor, ...). */
  service: ServiceDeps;
  close(): Promise<void>;
}

/** How long the first Redis answer may take before the command gives up with advice. */
const REDIS_CONNECT_TIMEOUT_MS = 3000;

export function redisUnreachable(url: string, detail: string): PlayercoachError {
  return new PlayercoachError(
    'CRM_UNAVAILABLE',
    `Redis is not reachable at ${url} (${detail}). Start it with \`redis-server\` or ` +
      '`docker compose up -d redis`, or point REDIS_URL at a running one.',
  );
}

/** Resolves once Redis answers PING; rejects with advice after a few seconds. */
export async function checkRedis(redis: Redis, url: string, timeoutMs = REDIS_CONNECT_TIMEOUT_MS) {
  let timer: NodeJS.Timeout | undefined;
  let lastError = 'no answer';
  const onError = (err: Error) => {
    lastError = err.message || (err as NodeJS.ErrnoException).code || 'connection error';
  };
  redis.on('error', onError);
  try {
    await Promise.race([
      redis.ping(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(redisUnreachable(url, lastError)), timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export async function openRuntime(
  options: { env?: Record<string, string | undefined>; logger?: Logger; now?: () => number } = {},
): Promise<CliRuntime> {
  const config = loadCliConfig(options.env ?? process.env);
  // The CLI's own output is the report; the service's logs only matter when something goes wrong.
  const logger = options.logger ?? createLogger({ level: process.env.LOG_LEVEL ?? 'warn' });
  const redis = createRedis(config.REDIS_URL, 'worker');
  try {
    await checkRedis(redis, config.REDIS_URL);
  } catch (err) {
    redis.disconnect();
    throw err;
  }
  // Swallow later connection noise: a command that needs Redis fails on its own call.
  redis.on('error', () => undefined);
  const keys = keyLayout(config.KEY_PREFIX);
  const queues = createQueues(redis, keys.queuePrefix);
  const now = options.now ?? Date.now;
  const tenants = createTenantStore({ redis, keys, box: createSecretBox(config.ENCRYPTION_KEY), now });
  const deps: PipelineDeps = {
    redis,
    keys,
    queues,
    tenants,
    connectors: createConnectorFactory({ config, tenants, logger }),
    logger,
    now,
    settings: pipelineSettings(config),
  };
  return {
    config,
    redis,
    tenants,
    logger,
    deps,
    service: deps,
    async close() {
      await queues.close();
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

/** Opens the runtime, runs `fn`, and always closes it, so the process can exit by itself. */
export async function withRuntime<T>(fn: (rt: CliRuntime) => Promise<T>): Promise<T> {
  const rt = await openRuntime();
  try {
    return await fn(rt);
  } finally {
    await rt.close();
  }
}
