/**
 * Watching a backfill until it ends: its state is polled from Redis (the same state the admin API
 * reads), and the BullMQ job of its current page tells what the state cannot: that a page is
 * waiting with no worker taking it, that it is being retried, or that it failed for good (a
 * backfill whose page failed for good would otherwise stay "running" forever).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { backfillJobId } from '../../../jobs/enqueue.js';
import type { Queues } from '../../../jobs/queues.js';
import { backfillProgress, type ServiceDeps } from '../../service/backfills.js';
import type { BackfillState } from '../../store/backfills.js';

export type WatchEnd =
  /** The backfill stopped running: completed, paused (budget guard, an admin) or failed. */
  | { kind: 'ended'; state: BackfillState }
  /** SIGINT or SIGTERM arrived while it was running. */
  | { kind: 'interrupted'; signal: NodeJS.Signals; state: BackfillState }
  /** The job of a page failed for good (its retries spent, or an error that no retry mends). */
  | { kind: 'page-failed'; state: BackfillState; pageNumber: number; reason: string };

export interface WatchOptions {
  tenant: string;
  backfillId: string;
  pollMs: number;
  /** Resolves on the first SIGINT or SIGTERM. */
  signalled: Promise<NodeJS.Signals>;
  onState(state: BackfillState): void;
  /** Called once when the current page's job has waited this long with no worker taking it. */
  noWorker?: { afterMs: number; warn(): void };
  /** Called when the current page's job is waiting to be retried. */
  onRetry?(pageNumber: number, attempt: number, reason: string): void;
  now: () => number;
}

/** The job doing the backfill's next step: its current page, or after the last page the final write-back. */
export function currentStep(tenant: string, s: BackfillState): { jobId: string; pageNumber: number } {
  const pageNumber = s.allPagesDone ? s.pageNumber - 1 : s.pageNumber;
  return { jobId: backfillJobId(tenant, s.id, s.run, pageNumber), pageNumber };
}

export async function watchBackfill(
  deps: ServiceDeps & { queues: Queues },
  options: WatchOptions,
): Promise<WatchEnd> {
  const queue = deps.queues.queue('backfill');
  const received: { signal: NodeJS.Signals | null } = { signal: null };
  void options.signalled.then((s) => {
    received.signal = s;
  });
  // The job seen waiting, and since when.
  let waitingJob: string | null = null;
  let waitingSince = 0;
  let warned = false;
  let retryShown = '';
  for (;;) {
    const state = await backfillProgress(deps, options.tenant, options.backfillId);
    options.onState(state);
    if (state.status !== 'running') return { kind: 'ended', state };
    if (received.signal !== null) return { kind: 'interrupted', signal: received.signal, state };

    const step = currentStep(options.tenant, state);
    const jobState = await queue.getJobState(step.jobId);
    if (jobState === 'failed') {
      const job = await queue.getJob(step.jobId);
      return {
        kind: 'page-failed',
        state,
        pageNumber: step.pageNumber,
        reason: job?.failedReason || 'the job failed without a reason',
      };
    }
    if (jobState === 'delayed' && options.onRetry) {
      const job = await queue.getJob(step.jobId);
      const key = `${step.jobId}#${job?.attemptsMade ?? 0}`;
      if (job && job.attemptsMade > 0 && key !== retryShown) {
        retryShown = key;
        options.onRetry(step.pageNumber, job.attemptsMade + 1, job.failedReason);
      }
    }
    if (jobState === 'waiting' || jobState === 'prioritized') {
      if (waitingJob !== step.jobId) {
        waitingJob = step.jobId;
        waitingSince = options.now();
      }
      if (options.noWorker && !warned && options.now() - waitingSince >= options.noWorker.afterMs) {
        warned = true;
        options.noWorker.warn();
      }
    } else {
      waitingJob = null;
    }
    await Promise.race([options.signalled, sleep(options.pollMs)]);
  }
}
