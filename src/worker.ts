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
import { type Processor, Worker } from 'bullmq';
import { backfill } from '../jobs/backfill.job.js';
import { QUEUE_NAMES, type QueueName } from '../jobs/catalog.js';
import type { PipelineDeps } from '../jobs/deps.js';
import { backoffStrategy } from '../jobs/errors.js';
import { makeProcessor } from '../jobs/processor.js';
import { recompute } from '../jobs/recompute.job.js';
import { reconcile } from '../jobs/reconcile.job.js';
import { syncChanges } from '../jobs/sync-changes.job.js';
import { writeBack } from '../jobs/write-back.job.js';

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
