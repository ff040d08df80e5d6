/**
 * Wraps a job handler for BullMQ: the payload is checked against the catalog again (a bad one
 * fails for good, with the reason), the handler gets a logger carrying {queue, jobId, tenant},
 * and what it throws is turned into retry, rate limit, delay or the failed set (jobs/errors.ts).
 */
import type { Job, Processor } from 'bullmq';
import { isPlayercoachError } from '../src/errors.js';
import type { Logger } from '../src/logger.js';
import { LockBusyError } from '../src/store/tenant-lock.js';
import type { JobPayload, QueueName } from './catalog.js';
import type { PipelineDeps } from './deps.js';
import { rethrowForQueue } from './errors.js';
import { parsePayload } from './queues.js';

export type JobHandler<Q extends QueueName> = (
  deps: PipelineDeps,
  payload: JobPayload<Q>,
  job: Job,
  log: Logger,
) => Promise<unknown>;

export function makeProcessor<Q extends QueueName>(
  name: Q,
  deps: PipelineDeps,
  handler: JobHandler<Q>,
): Processor {
  return async (job, token) => {
    const tenant = typeof job.data?.tenant === 'string' ? job.data.tenant : undefined;
    const log = deps.logger.child({ queue: name, jobId: job.id, tenant });
    try {
      return await handler(deps, parsePayload(name, job.data), job, log);
    } catch (err) {
      if (!(err instanceof LockBusyError)) {
        // Code and message only: an error object may carry a request with credentials in it.
        const detail = isPlayercoachError(err)
          ? { code: err.code, retryable: err.retryable, retryAfterMs: err.retryAfterMs, message: err.message }
          : { code: 'UNEXPECTED', message: err instanceof Error ? err.message : String(err) };
        log.warn({ error: detail, attempt: job.attemptsMade + 1 }, 'job failed');
      }
      return rethrowForQueue(err, job, token, deps.queues.queue(name));
    }
  };
}
