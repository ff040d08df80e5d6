/**
 * `sync-changes`: a webhook (or an admin) reported changes. Re-read the changed deals, and the
 * deals changed meetings and calls belong to, from the CRM as they are now; evaluate them; update
 * the ledger; then ask for the recompute of every manager-period they touch and a write-back.
 * Reading the current state rather than trusting the event is what makes duplicate and
 * out-of-order notifications harmless; the tenant lock makes concurrent syncs apply in order.
 */
import type { ChangeEvent } from '../connectors/types.js';
import { applyBatch } from './apply-batch.js';
import { enqueueRecomputes, enqueueWriteBack } from './enqueue.js';
import type { JobHandler } from './processor.js';
import { loadTenant } from './tenant-runtime.js';

export const syncChanges: JobHandler<'sync-changes'> = async (deps, payload, _job, log) => {
  const rt = await loadTenant(deps, payload.tenant, log);
  const outcome = await rt.exclusive(async () => {
    const ctx = await rt.orgContext({ locked: true });
    const changedDeals = [
      ...new Set(payload.changes.filter((c) => c.objectType === 'deal').map((c) => c.id)),
    ];
    const activityChanges: ChangeEvent[] = payload.changes.filter((c) => c.objectType !== 'deal');
    const viaActivities =
      activityChanges.length > 0 ? await rt.connector.resolveDealIds(activityChanges) : [];
    const ids = [...new Set([...changedDeals, ...viaActivities])];
    if (ids.length === 0) return { deals: 0, changed: 0, removed: 0, dirty: 0, touched: rt.quotaTouched };

    const batch = await rt.connector.pullDeals(ids, rt.pullOptions);
    const result = await applyBatch({ redis: deps.redis, ...rt.stores }, ctx, batch, log);
    // A deal the webhook named that the CRM no longer has was deleted: it must stop counting.
    const found = new Set(batch.deals.map((d) => d.id));
    const gone = changedDeals.filter((id) => !found.has(id));
    const removed = gone.length > 0 ? await rt.stores.ledger.remove(gone) : { changed: [], touched: [] };
    const touched = [...rt.quotaTouched, ...result.touched, ...removed.touched];
    return {
      deals: batch.deals.length,
      changed: result.changed.length,
      removed: removed.changed.length,
      dirty: result.dirty,
      touched,
    };
  });
  await enqueueRecomputes(deps, payload.tenant, outcome.touched);
  if (outcome.dirty > 0) await enqueueWriteBack(deps, payload.tenant);
  log.info(
    {
      deals: outcome.deals,
      changed: outcome.changed,
      removed: outcome.removed,
      rows: outcome.touched.length,
    },
    'changes synced',
  );
  return {
    deals: outcome.deals,
    changed: outcome.changed,
    removed: outcome.removed,
    rows: outcome.touched.length,
  };
};
