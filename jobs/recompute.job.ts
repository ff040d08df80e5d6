/**
 * `recompute`: rebuild one manager-period's attainment row from the deals the ledger holds for
 * it, and ask for a write-back when the row changed. Deduplicated per manager-period
 * (jobs/enqueue.ts), so a burst of changes costs at most two of these.
 */
import { enqueueWriteBack } from './enqueue.js';
import type { JobHandler } from './processor.js';
import { loadTenant } from './tenant-runtime.js';

export const recompute: JobHandler<'recompute'> = async (deps, payload, _job, log) => {
  const rt = await loadTenant(deps, payload.tenant, log);
  const ctx = await rt.orgContext({ locked: false });
  const changed = await rt.stores.rows.rebuild(ctx, [
    { managerId: payload.managerId, period: payload.period },
    ...rt.quotaTouched,
  ]);
  if (changed.length > 0) await enqueueWriteBack(deps, payload.tenant);
  return { changed: changed.length };
};
