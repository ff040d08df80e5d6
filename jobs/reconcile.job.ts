/**
 * `reconcile`: the safety net behind the webhooks (both CRMs drop or miss notifications). Pulls
 * every deal changed since the tenant's cursor (with a lookback, for activities linked to a deal
 * after it closed and for changes whose stamps arrive late), in batches while the connector says
 * there is more, saving the cursor after each batch is applied. Then it picks up whatever an
 * interrupted job left: rows still waiting for a recompute and records still waiting to be written.
 * A job scheduler runs it per tenant every RECONCILE_EVERY_MS (src/service/reconcile.ts).
 */
import type { ManagerPeriod } from '../src/domain/attainment.js';
import type { OrgContext } from '../src/domain/org-context.js';
import { currentPeriod } from '../src/domain/periods.js';
import { attainmentKey } from '../src/domain/write-back.js';
import { parseRowKey } from '../src/store/rows.js';
import { applyBatch } from './apply-batch.js';
import type { PipelineDeps } from './deps.js';
import { enqueueRecomputes, enqueueWriteBack } from './enqueue.js';
import type { JobHandler } from './processor.js';
import { loadTenant, type TenantRuntime } from './tenant-runtime.js';

export const reconcile: JobHandler<'reconcile'> = async (deps, payload, _job, log) => {
  const rt = await loadTenant(deps, payload.tenant, log);
  const keys = rt.stores.keys;
  const outcome = await rt.exclusive(async () => {
    const ctx = await rt.orgContext({ locked: true });
    const touched = new Map<string, ManagerPeriod>();
    let cursor = await rt.stores.cursor.get();
    let deals = 0;
    let batches = 0;
    for (;;) {
      const changed = await rt.connector.pullChangedSince(cursor, {
        ...rt.pullOptions,
        lookbackMs: deps.settings.reconcileLookbackMs,
        limit: deps.settings.pageSize,
      });
      const result = await applyBatch({ redis: deps.redis, ...rt.stores }, ctx, changed, log);
      for (const mp of result.touched) touched.set(attainmentKey(mp.managerId, mp.period), mp);
      await rt.stores.cursor.set(changed.cursor);
      cursor = changed.cursor;
      deals += changed.deals.length;
      batches++;
      if (!changed.more) break;
    }
    // Quota changes of the org refresh are among the pending rows.
    for (const mp of await rt.stores.rows.pending()) touched.set(attainmentKey(mp.managerId, mp.period), mp);
    await markUsersOnNewPeriod(deps, rt, ctx);
    const [dirtyDeals, dirtyRows, dirtyUsers] = await Promise.all([
      deps.redis.scard(keys.dirtyDeals),
      deps.redis.scard(keys.dirtyRows),
      deps.redis.scard(keys.dirtyUsers),
    ]);
    return { deals, batches, touched: [...touched.values()], dirty: dirtyDeals + dirtyRows + dirtyUsers };
  });
  await enqueueRecomputes(deps, payload.tenant, outcome.touched);
  if (outcome.dirty > 0) await enqueueWriteBack(deps, payload.tenant);
  log.info({ deals: outcome.deals, batches: outcome.batches, rows: outcome.touched.length }, 'reconciled');
  return { deals: outcome.deals, batches: outcome.batches, rows: outcome.touched.length };
};

/**
 * A new fiscal period began: every manager's user fields must now show the new period's figures
 * (or none), though no deal changed. The reconcile notices and marks them for the write-back.
 */
async function markUsersOnNewPeriod(deps: PipelineDeps, rt: TenantRuntime, ctx: OrgContext): Promise<void> {
  const keys = rt.stores.keys;
  const asOf = new Date(deps.now()).toISOString();
  const current = currentPeriod(asOf, ctx.org.timezone, ctx.org.fiscalYearStartMonth, ctx.policy.period);
  const before = await deps.redis.set(keys.currentPeriod, current, 'GET');
  if (before === null || before === current) return;
  const managers = new Set((await deps.redis.hkeys(keys.rows)).map((k) => parseRowKey(k).managerId));
  if (managers.size > 0) await deps.redis.sadd(keys.dirtyUsers, ...managers);
  rt.log.info({ period: current, managers: managers.size }, 'new fiscal period: user fields to rewrite');
}
