/**
 * The reconcile job scheduler of a tenant: BullMQ repeats the `reconcile` job every
 * RECONCILE_EVERY_MS, the first run right away. Every worker start (and every tenant creation)
 * may call it; one scheduler per tenant exists however many workers run.
 */
import type { PipelineDeps } from '../../jobs/deps.js';
import { DEFAULT_JOB_OPTIONS, parsePayload } from '../../jobs/queues.js';

export function reconcileSchedulerId(tenantId: string): string {
  return `reconcile.${tenantId}`;
}

export async function scheduleReconcile(deps: Pick<PipelineDeps, 'queues' | 'settings'>, tenantId: string) {
  const data = parsePayload('reconcile', { tenant: tenantId });
  // Upserting reschedules the next run to now: a worker (re)start must not add a reconcile to
  // whatever is running, so an unchanged scheduler is left alone.
  const existing = await deps.queues.queue('reconcile').getJobScheduler(reconcileSchedulerId(tenantId));
  if (existing?.every === deps.settings.reconcileEveryMs) return;
  await deps.queues.queue('reconcile').upsertJobScheduler(
    reconcileSchedulerId(tenantId),
    { every: deps.settings.reconcileEveryMs },
    {
      name: 'reconcile',
      data,
      opts: { attempts: DEFAULT_JOB_OPTIONS.attempts, backoff: DEFAULT_JOB_OPTIONS.backoff },
    },
  );
}

export async function unscheduleReconcile(deps: Pick<PipelineDeps, 'queues'>, tenantId: string) {
  await deps.queues.queue('reconcile').removeJobScheduler(reconcileSchedulerId(tenantId));
}
