/**
 * How a failed job is retried (or not). A PlayercoachError's `retryable` and `retryAfterMs`
 * decide: permanent errors become BullMQ's UnrecoverableError, so the job lands in the failed set
 * with the reason and no further attempt; a short rate limit pauses the queue through
 * `queue.rateLimit` and `Worker.RateLimitError()`, which costs no attempt; a long one (a daily
 * budget) only puts this job aside until then, so one tenant's exhausted org does not stop the
 * queue for every other tenant; the rest back off exponentially with jitter, never sooner than
 * the CRM's Retry-After.
 */
import { DelayedError, type Job, type MinimalJob, type Queue, UnrecoverableError, Worker } from 'bullmq';
import { isPlayercoachError, PlayercoachError } from '../src/errors.js';
import { LockBusyError } from '../src/store/tenant-lock.js';

const BASE_DELAY_MS = 1000;
const MAX_DELAY_MS = 10 * 60_000;
/** Rate limits up to this long pause the whole queue; longer ones delay only the job. */
export const QUEUE_RATE_LIMIT_MAX_MS = 60_000;
/** How long a job waits when its tenant is busy with another step. */
const LOCK_RETRY_MS = 50;

/**
 * Exponential from the job's backoff delay (1 s by default, capped at 10 min), with "equal
 * jitter" (half fixed, half random) so retries of many jobs spread out, and never before the
 * Retry-After the CRM asked for.
 */
export function backoffStrategy(attemptsMade: number, _type?: string, err?: Error, job?: MinimalJob): number {
  const opt = job?.opts.backoff;
  const base = typeof opt === 'object' && opt.delay !== undefined ? opt.delay : BASE_DELAY_MS;
  const exponential = Math.min(MAX_DELAY_MS, base * 2 ** Math.max(0, attemptsMade - 1));
  const jittered = exponential / 2 + Math.random() * (exponential / 2);
  const retryAfter = isPlayercoachError(err) ? (err.retryAfterMs ?? 0) : 0;
  // A little jitter on top of Retry-After too, so jobs told the same time do not return together.
  return Math.round(Math.max(jittered, retryAfter + Math.random() * Math.min(1000, retryAfter / 10)));
}

/** The reason a permanent failure leaves in the failed set: the code and the message. */
export function failureReason(err: PlayercoachError): string {
  return `${err.code}: ${err.message}`;
}

/**
 * Turns what a processor threw into what BullMQ should do with the job. Always throws: the
 * original error (retry with backoff), an UnrecoverableError, a RateLimitError or a DelayedError.
 */
export async function rethrowForQueue(
  err: unknown,
  job: Job,
  token: string | undefined,
  queue: Queue,
): Promise<never> {
  if (err instanceof LockBusyError) {
    await job.moveToDelayed(Date.now() + LOCK_RETRY_MS + Math.floor(Math.random() * LOCK_RETRY_MS), token);
    throw new DelayedError();
  }
  if (!(err instanceof PlayercoachError)) throw err;
  if (err.code === 'RATE_LIMITED' || err.code === 'BUDGET_EXHAUSTED') {
    // An exhausted daily budget with no stated reset: look again in an hour.
    const wait = err.retryAfterMs ?? (err.code === 'BUDGET_EXHAUSTED' ? 60 * 60_000 : BASE_DELAY_MS);
    if (err.code === 'RATE_LIMITED' && wait <= QUEUE_RATE_LIMIT_MAX_MS) {
      await queue.rateLimit(wait);
      throw Worker.RateLimitError();
    }
    await job.moveToDelayed(Date.now() + wait, token);
    throw new DelayedError();
  }
  if (!err.retryable) throw new UnrecoverableError(failureReason(err));
  throw err;
}
