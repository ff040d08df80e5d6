/**
 * Typed access to the BullMQ queues of the catalog. `enqueue` validates the payload with the
 * queue's zod schema before anything reaches Redis (a bad payload is an InputError and nothing is
 * enqueued), and resolves only once Redis has the job, so an HTTP handler that awaits it may
 * acknowledge a webhook.
 */
import { type JobsOptions, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { zodIssues } from '../src/domain/snapshot.js';
import { InputError } from '../src/errors.js';
import { type JobPayload, jobCatalog, QUEUE_NAMES, type QueueName } from './catalog.js';

/**
 * The backoff type every job carries: the worker's `backoffStrategy` (jobs/errors.ts) computes it,
 * exponential with jitter like BullMQ's own, but never sooner than a CRM's Retry-After.
 */
export const BACKOFF_TYPE = 'crm';

/** Retries with exponential backoff and jitter, so a CRM outage does not get a thundering herd back. */
export const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 8,
  backoff: { type: BACKOFF_TYPE, delay: 1000 },
  removeOnComplete: { count: 1000 },
  removeOnFail: { count: 10_000 },
};

export interface Queues {
  readonly prefix: string;
  queue(name: QueueName): Queue;
  enqueue<Q extends QueueName>(name: Q, payload: JobPayload<Q>, options?: JobsOptions): Promise<string>;
  close(): Promise<void>;
}

export function parsePayload<Q extends QueueName>(name: Q, payload: unknown): JobPayload<Q> {
  const parsed = jobCatalog[name].safeParse(payload);
  if (!parsed.success) throw new InputError(zodIssues(payload, parsed.error).map((m) => `${name} job ${m}`));
  return parsed.data as JobPayload<Q>;
}

/**
 * `onError` hears what the queues' connection reports (a Redis restart, a close racing a command);
 * without a listener Node would treat such an 'error' event as fatal and end the process.
 */
export function createQueues(
  connection: Redis,
  prefix: string,
  onError: (err: Error) => void = () => undefined,
): Queues {
  const queues = new Map<QueueName, Queue>();
  for (const name of QUEUE_NAMES) {
    const queue = new Queue(name, { connection, prefix, defaultJobOptions: DEFAULT_JOB_OPTIONS });
    queue.on('error', onError);
    queues.set(name, queue);
  }
  const queue = (name: QueueName): Queue => {
    const q = queues.get(name);
    if (!q) throw new Error(`unknown queue ${name}`);
    return q;
  };
  return {
    prefix,
    queue,
    async enqueue(name, payload, options) {
      const data = parsePayload(name, payload);
      const job = await queue(name).add(name, data, options);
      return job.id ?? '';
    },
    async close() {
      await Promise.all([...queues.values()].map((q) => q.close()));
    },
  };
}
