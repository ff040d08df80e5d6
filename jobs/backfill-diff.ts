/**
 * The diff a dry-run backfill reports: what the backfill would change in the CRM, computed from
 * its shadow ledger and what the CRM holds. Per deal the involved flag, credited manager and
 * credit before and after; per manager-period the credited amount and attainment before and
 * after. A manager-period's new row counts the deals the live ledger holds for it with the
 * backfill's own evaluations in their place, as a real backfill would leave it.
 *
 * The manager-periods compared are those a real backfill would rebuild and write: the ones its
 * evaluations touch, the ones the same deals' current evaluations touch (a deal that moves leaves
 * its old row), and the rows already waiting for a rebuild (quotas the org pull found changed),
 * which a real backfill's final write-back includes.
 */
import type { Redis } from 'ioredis';
import {
  attainmentRow,
  compareRows,
  type ManagerPeriod,
  touchedManagerPeriods,
} from '../src/domain/attainment.js';
import type { OrgContext } from '../src/domain/org-context.js';
import type { DealEvaluation } from '../src/domain/results.js';
import { attainmentKey, dealNeedsWrite, sameAttainmentFields } from '../src/domain/write-back.js';
import { CrmState } from '../src/store/crm-state.js';
import type { TenantKeys } from '../src/store/keys.js';
import { Ledger } from '../src/store/ledger.js';
import { Rows } from '../src/store/rows.js';

/** Changed deals listed in full up to this many; the counts always cover all of them. */
export const DIFF_SAMPLE = 1000;

interface DealSide {
  involved: boolean;
  creditedManagerId: string | null;
  credit: string;
}
interface RowSide {
  credited: string;
  attainment: string | null;
}

export interface DryRunDiff {
  deals: {
    evaluated: number;
    changed: number;
    changes: Array<{ dealId: string; before: DealSide | null; after: DealSide }>;
  };
  attainment: {
    touched: number;
    changed: number;
    changes: Array<{ managerId: string; period: string; before: RowSide | null; after: RowSide | null }>;
  };
}

export async function dryRunDiff(
  redis: Redis,
  ctx: OrgContext,
  live: TenantKeys,
  shadow: TenantKeys,
): Promise<DryRunDiff> {
  const shadowLedger = new Ledger(redis, shadow);
  const liveLedger = new Ledger(redis, live);
  const shadowCrm = new CrmState(redis, shadow);
  const diff: DryRunDiff = {
    deals: { evaluated: 0, changed: 0, changes: [] },
    attainment: { touched: 0, changed: 0, changes: [] },
  };
  const touched = new Map<string, ManagerPeriod>();
  const evaluations = new Map<string, DealEvaluation>();
  const touch = (mp: ManagerPeriod) => touched.set(attainmentKey(mp.managerId, mp.period), mp);
  for await (const page of shadowLedger.scan()) {
    const ids = page.map((ev) => ev.dealId);
    const crm = await shadowCrm.read({ deals: ids });
    for (const prior of (await liveLedger.get(ids)).values()) touchedManagerPeriods(prior).forEach(touch);
    for (const ev of page) {
      evaluations.set(ev.dealId, ev);
      touchedManagerPeriods(ev).forEach(touch);
      diff.deals.evaluated++;
      const before = crm.deals.get(ev.dealId);
      if (!dealNeedsWrite(ev.fields, before)) continue;
      diff.deals.changed++;
      if (diff.deals.changes.length < DIFF_SAMPLE) {
        diff.deals.changes.push({
          dealId: ev.dealId,
          before: before ? dealSide(before) : null,
          after: dealSide(ev.fields),
        });
      }
    }
  }
  diff.deals.changes.sort((a, b) => (a.dealId < b.dealId ? -1 : 1));
  (await new Rows(redis, live).pending()).forEach(touch);

  const mps = [...touched.values()].sort(compareRows);
  diff.attainment.touched = mps.length;
  const before = (await new CrmState(redis, live).read({ attainment: [...touched.keys()] })).attainment;
  for (const mp of mps) {
    const liveIds = await redis.smembers(live.managerPeriod(mp.managerId, mp.period));
    const merged = await liveLedger.get(liveIds.filter((id) => !evaluations.has(id)));
    const shadowIds = await redis.smembers(shadow.managerPeriod(mp.managerId, mp.period));
    for (const id of shadowIds) merged.set(id, evaluations.get(id)!);
    const after = attainmentRow(ctx, mp.managerId, mp.period, merged.values());
    const was = before.get(attainmentKey(mp.managerId, mp.period)) ?? null;
    const same = after === null ? was === null : was !== null && sameAttainmentFields(after, was);
    if (same) continue;
    diff.attainment.changed++;
    diff.attainment.changes.push({
      managerId: mp.managerId,
      period: mp.period,
      before: was === null ? null : { credited: was.credited, attainment: was.attainment },
      after: after === null ? null : { credited: after.credited, attainment: after.attainment },
    });
  }
  return diff;
}

function dealSide(f: DealSide): DealSide {
  return { involved: f.involved, creditedManagerId: f.creditedManagerId, credit: f.credit };
}
