/**
 * `backfill`: one page of a backfill over deals closed in a date range. Under the tenant lock the
 * page is pulled from its checkpoint (the connector's page token), evaluated, applied, its deals
 * written back, and the checkpoint advanced with the page's counters in one step; then the next
 * page is enqueued under a deterministic id. A worker killed anywhere in a page leaves the
 * checkpoint at that page, and the retried job redoes it: the ledger ignores evaluations it
 * already has and the write-back sends nothing the CRM already holds, so the final CRM state and
 * the writes are those of a run straight through.
 *
 * Attainment rows and the managers' user fields are written once, after the last page, rather
 * than after every page that touched them. A dry run evaluates into a shadow ledger, writes
 * nothing to the CRM, and ends with the diff (jobs/backfill-diff.ts).
 *
 * While a page is applied and written back, the next one is pulled (jobs/backfill-prefetch.ts)
 * within the same hold of the lock; its job uses that pull only if no other step of the tenant
 * held the lock in between, and otherwise pulls the page again. So the checkpoint still moves
 * only past what is applied and written, and a killed worker still redoes just its page.
 *
 * Before each page the API budget guard compares the calls used since the backfill started (the
 * connector's `apiUsage()`) plus the costliest page so far with the allowed share of what was
 * remaining at the start, and pauses the backfill, with the reason in its state, rather than go
 * past it. The next page is pulled ahead only when the budget leaves room for two more pages.
 */

import { PlayercoachError } from '../src/errors.js';
import type { BackfillState } from '../src/store/backfills.js';
import { CrmState } from '../src/store/crm-state.js';
import { Ledger } from '../src/store/ledger.js';
import { deleteMatching } from '../src/store/redis-helpers.js';
import { type ApplyTarget, applyBatch, type BatchOutcome } from './apply-batch.js';
import { dryRunDiff } from './backfill-diff.js';
import { claimAhead, type PageAhead, type PageKey, pullAhead } from './backfill-prefetch.js';
import type { PipelineDeps } from './deps.js';
import { enqueueBackfillPage } from './enqueue.js';
import type { JobHandler } from './processor.js';
import { loadTenant, type TenantRuntime } from './tenant-runtime.js';
import { writeDirty } from './write-dirty.js';

export const backfill: JobHandler<'backfill'> = async (deps, payload, _job, log) => {
  const rt = await loadTenant(deps, payload.tenant, log.child({ backfillId: payload.backfillId }));
  const store = rt.stores.backfills;
  const iso = () => new Date(deps.now()).toISOString();
  const current = (s: BackfillState | null): BackfillState => {
    if (s === null) throw new PlayercoachError('NOT_FOUND', `backfill ${payload.backfillId} does not exist`);
    return s;
  };
  const isMine = (s: BackfillState) => s.status === 'running' && s.run === payload.run;

  const before = current(await store.get(payload.backfillId));
  if (!isMine(before)) return { skipped: before.status };
  if (payload.pageNumber < before.pageNumber) {
    // This page was committed by a run that died before enqueueing what comes next.
    return next(deps, rt, before);
  }
  if (payload.pageNumber > before.pageNumber) return { skipped: 'ahead of the checkpoint' };

  const result = await rt.exclusive(async ({ fence }) => {
    // Read again under the lock: an admin may have paused it while this job waited.
    const s = current(await store.get(payload.backfillId));
    if (!isMine(s) || s.pageNumber !== payload.pageNumber) return { skipped: s.status };

    const usageBefore = await rt.connector.apiUsage();
    let roomForNext = true;
    if (s.budget === null && usageBefore !== null) {
      // The baseline: taken by the first page, and again by the first page after a resume.
      s.budget = {
        remainingAtStart: usageBefore.remaining,
        usedAtStart: usageBefore.used,
        allowed: Math.floor(usageBefore.remaining * deps.settings.budgetShare),
      };
      await store.setBudget(s.id, s.budget);
    }
    if (s.budget !== null && usageBefore !== null) {
      const used = Math.max(0, usageBefore.used - s.budget.usedAtStart);
      const nextPage = Math.max(1, s.maxPageCalls);
      if (used + nextPage > s.budget.allowed) {
        const reason =
          `API budget: ${used} calls used since the start, the next page may need ${nextPage}, and the ` +
          `backfill may use ${s.budget.allowed} (${Math.round(deps.settings.budgetShare * 100)}% of the ` +
          `${s.budget.remainingAtStart} daily calls remaining when it started)`;
        await store.transition(s.id, 'running', 'paused', reason, iso());
        log.warn({ used, allowed: s.budget.allowed }, 'backfill paused by the API budget guard');
        return { paused: reason };
      }
      roomForNext = used + 2 * nextPage <= s.budget.allowed;
    }

    const pull = (token: string | null) =>
      rt.connector.pullClosedBetween({ from: s.from, to: s.to }, token, {
        ...rt.pullOptions,
        pageSize: s.pageSize,
      });
    const keyOf = (pageNumber: number, token: string): PageKey => ({
      backfillId: s.id,
      run: s.run,
      pageNumber,
      page: token,
      pageSize: s.pageSize,
      tenantVersion: rt.tenant.updatedAt,
    });
    const claimed =
      s.page === null ? null : await claimAhead(deps, rt.tenant.id, keyOf(s.pageNumber, s.page), fence);
    // A page not pulled ahead (the first one, say) is pulled while the org is read or refreshed:
    // neither needs the other. Both end before this hold of the lock does, failed or not.
    const [ctx, page] = await bothSettled(rt.orgContext({ locked: true }), claimed ?? pull(s.page));
    let ahead: PageAhead | null = null;
    if (page.next !== null && roomForNext) {
      const token = page.next;
      ahead = pullAhead(deps, rt.tenant.id, keyOf(s.pageNumber + 1, token), fence, () => pull(token), log);
    }
    let applied: BatchOutcome;
    let writeCalls = 0;
    try {
      applied = await applyBatch(targetOf(deps, rt, s), ctx, page, log);
      if (!s.dryRun) {
        const written = await writeDirty(deps, rt, ctx, { rows: false, applied: applied.evaluations });
        ahead?.written(written.writtenDeals);
        writeCalls = written.calls;
        await store.add(s.id, { dealsWritten: written.written.deals });
        if (written.retryable > 0) {
          throw new PlayercoachError(
            'CRM_UNAVAILABLE',
            `${written.retryable} deals could not be written yet`,
            {
              retryable: true,
            },
          );
        }
      }
    } finally {
      // The pull ahead belongs to this hold of the lock: it ends before the hold does, and its
      // calls count with this page's.
      await ahead?.settled;
    }
    const usageAfter = await rt.connector.apiUsage();
    // The CRM's own counter when it has one; otherwise what this page is known to have cost.
    const calls =
      usageBefore !== null && usageAfter !== null
        ? Math.max(0, usageAfter.used - usageBefore.used)
        : writeCalls + 1;
    await store.commitPage(
      s.id,
      payload.pageNumber,
      page.next,
      { dealsPulled: page.deals.length, dealsEvaluated: applied.evaluations.length, apiCalls: calls },
      calls,
      iso(),
    );
    log.info(
      { page: payload.pageNumber, deals: page.deals.length, calls, pulledAhead: claimed !== null },
      'backfill page done',
    );
    return { page: payload.pageNumber, deals: page.deals.length };
  });
  if ('skipped' in result || 'paused' in result) return result;
  return next(deps, rt, current(await store.get(payload.backfillId)));
};

/** Both results once both promises have settled; the first one's error if either failed. */
async function bothSettled<A, B>(a: Promise<A>, b: B | Promise<B>): Promise<[A, B]> {
  const [x, y] = await Promise.allSettled([a, b]);
  if (x.status === 'rejected') throw x.reason;
  if (y.status === 'rejected') throw y.reason;
  return [x.value, y.value];
}

/** Where a page is applied: the tenant's ledger, or a dry run's shadow ledger. */
function targetOf(deps: PipelineDeps, rt: TenantRuntime, s: BackfillState): ApplyTarget {
  if (!s.dryRun) return { redis: deps.redis, ...rt.stores };
  const shadow = rt.stores.keys.shadow(s.id);
  return {
    redis: deps.redis,
    keys: shadow,
    ledger: new Ledger(deps.redis, shadow),
    crm: new CrmState(deps.redis, shadow),
  };
}

/** After a committed page: enqueue the next one, or finish the backfill after the last. */
async function next(deps: PipelineDeps, rt: TenantRuntime, s: BackfillState) {
  if (!s.allPagesDone) {
    await enqueueBackfillPage(deps, {
      tenant: rt.tenant.id,
      backfillId: s.id,
      run: s.run,
      pageNumber: s.pageNumber,
      page: s.page,
    });
    return { next: s.pageNumber };
  }
  return finish(deps, rt, s);
}

/**
 * The end of a backfill: the rows its pages touched are rebuilt and written once, with the
 * managers' user fields; a dry run computes its diff and drops its shadow ledger. Safe to run
 * again after a crash: everything it writes is compared with what is already there.
 */
async function finish(deps: PipelineDeps, rt: TenantRuntime, s: BackfillState) {
  const iso = () => new Date(deps.now()).toISOString();
  return rt.exclusive(async () => {
    const fresh = await rt.stores.backfills.get(s.id);
    if (fresh === null || fresh.status !== 'running' || fresh.run !== s.run)
      return { skipped: fresh?.status };
    const ctx = await rt.orgContext({ locked: true });
    if (s.dryRun) {
      const shadow = rt.stores.keys.shadow(s.id);
      const diff = await dryRunDiff(deps.redis, ctx, rt.stores.keys, shadow);
      await rt.stores.backfills.finish(s.id, 'completed', '', diff, iso());
      // Dropped only once the diff is stored: a crash before leaves it for the retry to use.
      await deleteMatching(deps.redis, `${rt.stores.keys.dryRun(s.id)}:*`);
      rt.log.info({ deals: diff.deals.changed, rows: diff.attainment.changed }, 'dry-run backfill complete');
      return { completed: true, dryRun: true };
    }
    await rt.stores.rows.rebuild(ctx, await rt.stores.rows.pending());
    const written = await writeDirty(deps, rt, ctx, { rows: true });
    await rt.stores.backfills.add(s.id, { dealsWritten: written.written.deals, apiCalls: written.calls });
    if (written.retryable > 0) {
      throw new PlayercoachError('CRM_UNAVAILABLE', `${written.retryable} records could not be written yet`, {
        retryable: true,
      });
    }
    await rt.stores.backfills.finish(s.id, 'completed', '', undefined, iso());
    rt.log.info({ written: written.written }, 'backfill complete');
    return { completed: true, dryRun: false };
  });
}
