/**
 * Enqueueing the follow-up jobs, deduplicated so bursts collapse. With `keepLastIfActive`, BullMQ
 * keeps at most one job per deduplication id waiting and one active: a burst of changes for one
 * manager-period gives at most two recomputes, and a tenant has at most one write-back running
 * and one waiting, so write-backs of a tenant never run side by side.
 */
import type { ManagerPeriod } from '../src/domain/attainment.js';
import type { PipelineDeps } from './deps.js';

export async function enqueueRecomputes(
  deps: Pick<PipelineDeps, 'queues'>,
  tenant: string,
  mps: readonly ManagerPeriod[],
): Promise<void> {
  await Promise.all(
    mps.map(({ managerId, period }) =>
      deps.queues.enqueue(
        'recompute',
        { tenant, managerId, period },
        { deduplication: { id: `recompute:${tenant}:${managerId}:${period}`, keepLastIfActive: true } },
      ),
    ),
  );
}

export async function enqueueWriteBack(deps: Pick<PipelineDeps, 'queues' | 'settings'>, tenant: string) {
  await deps.queues.enqueue(
    'write-back',
    { tenant },
    {
      deduplication: { id: `write-back:${tenant}`, keepLastIfActive: true },
      delay: deps.settings.writeBackDelayMs,
    },
  );
}

/** Deterministic, so a page enqueued twice (a retried job, a resume) is one job. */
export function backfillJobId(tenant: string, backfillId: string, run: number, pageNumber: number): string {
  return `backfill.${tenant}.${backfillId}.${run}.${pageNumber}`;
}

export async function enqueueBackfillPage(
  deps: Pick<PipelineDeps, 'queues'>,
  p: { tenant: string; backfillId: string; run: number; pageNumber: number; page: string | null },
): Promise<void> {
  await deps.queues.enqueue('backfill', p, {
    jobId: backfillJobId(p.tenant, p.backfillId, p.run, p.pageNumber),
  });
}
