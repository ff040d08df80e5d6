/**
 * The step every pulling job shares (sync-changes, reconcile, backfill pages): evaluate the pulled
 * deals with the engine, record what the CRM holds in their fields, store the evaluations in the
 * ledger, and mark for the write-back every deal whose CRM fields differ from its evaluation
 * (also when the ledger did not change: a field edited by hand in the CRM gets its value back).
 */

import type { Redis } from 'ioredis';
import type { DealBatch } from '../connectors/types.js';
import { ActivityIndex } from '../src/domain/activity-index.js';
import type { ManagerPeriod } from '../src/domain/attainment.js';
import { evaluateDeal } from '../src/domain/evaluate-deal.js';
import type { OrgContext } from '../src/domain/org-context.js';
import type { DealEvaluation } from '../src/domain/results.js';
import { dealNeedsWrite } from '../src/domain/write-back.js';
import { isPlayercoachError } from '../src/errors.js';
import type { Logger } from '../src/logger.js';
import type { CrmState } from '../src/store/crm-state.js';
import type { TenantKeys } from '../src/store/keys.js';
import type { Ledger } from '../src/store/ledger.js';

export interface ApplyTarget {
  redis: Redis;
  keys: TenantKeys;
  ledger: Ledger;
  crm: CrmState;
}

export interface BatchOutcome {
  evaluations: DealEvaluation[];
  /** Deals the engine refused (a currency with no rate on the close date, ...), with the reason. */
  refused: Array<{ dealId: string; reason: string }>;
  changed: string[];
  touched: ManagerPeriod[];
  /** Deals marked for the write-back. */
  dirty: number;
}

export async function applyBatch(
  target: ApplyTarget,
  ctx: OrgContext,
  batch: DealBatch,
  log: Logger,
): Promise<BatchOutcome> {
  const index = new ActivityIndex(batch.deals, batch.activities, ctx.policy.includeAccountActivities);
  const evaluations: DealEvaluation[] = [];
  const refused: BatchOutcome['refused'] = [];
  for (let i = 0; i < batch.deals.length; i++) {
    const deal = batch.deals[i]!;
    try {
      evaluations.push(evaluateDeal(ctx, deal, index.candidatesOf(i, deal)));
    } catch (err) {
      // One deal the engine cannot evaluate must not hold back the others; it keeps its last
      // evaluation, and the reason is kept where an admin asking about the deal will see it.
      if (!isPlayercoachError(err) || err.code !== 'INVALID_INPUT') throw err;
      refused.push({ dealId: deal.id, reason: err.message });
    }
  }
  if (refused.length > 0) {
    log.warn({ deals: refused.length }, 'deals the engine could not evaluate');
    const flat: string[] = [];
    for (const r of refused) {
      flat.push(
        `deal:${r.dealId}`,
        JSON.stringify({
          objectType: 'deal',
          recordId: r.dealId,
          code: 'INVALID_INPUT',
          message: r.reason,
          retryable: false,
        }),
      );
    }
    await target.redis.hset(target.keys.writeFailures, ...flat);
  }

  await target.crm.record({ deals: batch.current });
  const { changed, touched } = await target.ledger.apply(evaluations);
  const differs = evaluations
    .filter((ev) => dealNeedsWrite(ev.fields, batch.current.get(ev.dealId)))
    .map((ev) => ev.dealId);
  if (differs.length > 0) await target.redis.sadd(target.keys.dirtyDeals, ...differs);
  return { evaluations, refused, changed, touched, dirty: new Set([...changed, ...differs]).size };
}
