/**
 * The queue side of the service: one BullMQ Worker per queue of the catalog, all sharing the
 * deps. Any number of these may run on any number of machines against one Redis: BullMQ hands
 * each job to one worker, the per-tenant lock (src/store/tenant-lock.ts) keeps a tenant's pulls
 * and write-backs in order, and deduplication keeps one write-back per tenant waiting at most.
 *
 * `close()` stops taking jobs and waits for the active ones to finish (BullMQ's worker.close());
 * a job cut off harder than that (SIGKILL, a lost machine) is found stalled once its lock expires
 * and runs again elsewhere, which every processor is written to survive.
 */
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Processor, Worker } from 'bullmq';
import type { Registry } from 'prom-client';
import { backfill } from '../jobs/backfill.job.js';
import { QUEUE_NAMES, type QueueName } from '../jobs/catalog.js';
import { createConnectorFactory } from '../jobs/connector-factory.js';
import { type PipelineDeps, pipelineSettings } from '../jobs/deps.js';
import { backoffStrategy } from '../jobs/errors.js';
import { makeProcessor } from '../jobs/processor.js';
import { createQueues } from '../jobs/queues.js';
import { recompute } from '../jobs/recompute.job.js';
import { reconcile } from '../jobs/reconcile.job.js';
import { syncChanges } from '../jobs/sync-changes.job.js';
import { writeBack } from '../jobs/write-back.job.js';
import type { Config } from './config.js';
import { createSecretBox } from './crypto.js';
import { createLogger, type Logger } from './logger.js';
import { createMetrics } from './metrics.js';
import { createRedis } from './redis.js';
import { scheduleReconcile } from './service/reconcile.js';
import { keyLayout } from './store/keys.js';
import { createTenantStore } from './tenants/tenant-store.js';

export interface WorkerOptions {
  /** Jobs each queue's worker runs at once (WORKER_CONCURRENCY). */
  concurrency: number;
  /** Only these queues (all by default): lets a deployment give backfills their own machines. */
  queues?: readonly QueueName[];
}

export interface RunningWorker {
  readonly workers: ReadonlyMap<QueueName, Worker>;
  close(): Promise<void>;
}

function processorOf(name: QueueName, deps: PipelineDeps): Processor {
  switch (name) {
    case 'sync-changes':
      return makeProcessor(name, deps, syncChanges);
    case 'recompute':
      return makeProcessor(name, deps, recompute);
    case 'write-back':
      return makeProcessor(name, deps, writeBack);
    case 'reconcile':
      return makeProcessor(name, deps, reconcile);
    case 'backfill':
      return makeProcessor(name, deps, backfill);
  }
}

export function startWorker(deps: PipelineDeps, options: WorkerOptions): RunningWorker {
  const workers = new Map<QueueName, Worker>();
  const log = deps.logger.child({ component: 'worker' });
  for (const name of options.queues ?? QUEUE_NAMES) {
    const worker = new Worker(name, processorOf(name, deps), {
      connection: deps.redis,
      prefix: deps.queues.prefix,
      concurrency: options.concurrency,
      settings: { backoffStrategy },
      // A killed worker's jobs are picked up again once their lock lapses; the tenant lock has the
      // same lifetime, so the job that picks it up is not kept waiting longer than that.
      lockDuration: deps.settings.lockTtlMs,
      stalledInterval: Math.max(1000, Math.floor(deps.settings.lockTtlMs / 2)),
      maxStalledCount: 3,
    });
    // BullMQ reports connection trouble here; ioredis reconnects by itself.
    worker.on('error', (err) => log.warn({ queue: name, error: err.message }, 'worker error'));
    worker.on('failed', (job, err) => {
      if (job && job.attemptsMade >= (job.opts.attempts ?? 1)) {
        log.error({ queue: name, jobId: job.id, reason: err.message }, 'job failed for good');
      }
    });
    workers.set(name, worker);
  }
  return {
    workers,
    async close() {
      await Promise.all([...workers.values()].map((w) => w.close()));
    },
  };
}

export interface WorkerProcess {
  deps: PipelineDeps;
  worker: RunningWorker;
  /** Where GET /metrics is served, when WORKER_METRICS_PORT is set. */
  metricsAddress: string | null;
  /** Stops taking jobs, lets the active ones finish, closes the queues and quits Redis. */
  close(): Promise<void>;
}

/**
 * The production wiring (what `playercoach worker` runs): one Redis connection that waits through
 * outages, the tenant store, a connector per tenant, the workers, and a reconcile job scheduler
 * for every tenant (upserting is idempotent, so every worker start may do it).
 */
export async function runWorker(
  config: Config,
  options: { logger?: Logger; queues?: readonly QueueName[] } = {},
): Promise<WorkerProcess> {
  const logger =
    options.logger ?? createLogger({ level: config.LOG_LEVEL, pretty: Boolean(process.stdout.isTTY) });
  const redis = createRedis(config.REDIS_URL, 'worker');
  // ioredis reconnects by itself; without a listener every failed attempt would go to stderr.
  redis.on('error', (err: Error) =>
    logger.warn({ error: { type: err.name, message: err.message } }, 'redis error'),
  );
  redis.on('ready', () => logger.info('redis ready'));
  const keys = keyLayout(config.KEY_PREFIX);
  const queues = createQueues(redis, keys.queuePrefix, (err) =>
    logger.warn({ error: { type: err.name, message: err.message } }, 'queue error'),
  );
  const tenants = createTenantStore({
    redis,
    keys,
    box: createSecretBox(config.ENCRYPTION_KEY),
    now: Date.now,
  });
  // Job counts are the server's to report (they are the same from any process); this registry
  // carries what only the worker sees: CRM calls and errors, records written.
  const metrics = createMetrics({ processMetrics: true });
  const deps: PipelineDeps = {
    redis,
    keys,
    queues,
    tenants,
    connectors: createConnectorFactory({ config, tenants, logger, metrics }),
    logger,
    now: Date.now,
    settings: pipelineSettings(config),
    metrics,
  };
  const worker = startWorker(deps, {
    concurrency: config.WORKER_CONCURRENCY,
    ...(options.queues ? { queues: options.queues } : {}),
  });
  for (const tenant of await tenants.list()) await scheduleReconcile(deps, tenant.id);
  const metricsServer =
    config.WORKER_METRICS_PORT === undefined
      ? null
      : await serveMetrics(metrics.registry, config.HOST, config.WORKER_METRICS_PORT);
  logger.info(
    {
      queues: [...worker.workers.keys()],
      concurrency: config.WORKER_CONCURRENCY,
      ...(metricsServer ? { metrics: metricsServer.address } : {}),
    },
    'worker started',
  );

  let closing: Promise<void> | undefined;
  return {
    deps,
    worker,
    metricsAddress: metricsServer?.address ?? null,
    close() {
      closing ??= (async () => {
        await metricsServer?.close();
        await worker.close();
        await queues.close();
        await redis.quit().catch(() => redis.disconnect());
        logger.info('worker closed');
      })();
      return closing;
    },
  };
}

/** A bare GET /metrics for the worker's registry: the worker has no HTTP app of its own. */
async function serveMetrics(
  registry: Registry,
  host: string,
  port: number,
): Promise<{ address: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
      () => res.writeHead(500).end(),
    );
  });
  server.listen(port, host);
  await once(server, 'listening');
  const { port: bound } = server.address() as AddressInfo;
  return {
    address: `http://${host}:${bound}`,
    async close() {
      server.close();
      await once(server, 'close');
    },
  };
}
