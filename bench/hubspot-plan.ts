/**
 * The write-back plan of the backfill benchmark. Until the engine (`src/domain/engine.ts`) is on
 * this branch, a stand-in with the same shape and volume: every deal gets its fields (credited to
 * the owner's manager when one of that manager's activities is linked to the deal), and every
 * manager-period with a quota or a credited deal gets an attainment row.
 */
import { Decimal } from 'decimal.js';
import type { Snapshot } from '../src/domain/snapshot.js';
import type { WriteBackPlan } from '../src/domain/write-back.js';

function quarter(date: string, startMonth: number): string {
  const [y, m] = date.split('-').map(Number) as [number, number];
  const offset = (m - startMonth + 12) % 12;
  const fy = m >= startMonth && startMonth !== 1 ? y + 1 : y;
  return `FY${fy}-Q${Math.floor(offset / 3) + 1}`;
}

export function planFor(s: Snapshot, evaluatedAt: string): WriteBackPlan {
  const managerOf = new Map(s.users.map((u) => [u.id, u.managerId]));
  const joined = new Map<string, Set<string>>();
  for (const a of s.activities) {
    for (const d of a.dealIds) {
      const set = joined.get(d) ?? new Set<string>();
      for (const p of a.participants) if (p.userId) set.add(p.userId);
      joined.set(d, set);
    }
  }
  const rows = new Map<
    string,
    { managerId: string; period: string; credited: Decimal; deals: number; won: number; wonAmount: Decimal }
  >();
  const row = (managerId: string, period: string) => {
    const key = `${managerId}:${period}`;
    let r = rows.get(key);
    if (!r) {
      r = { managerId, period, credited: new Decimal(0), deals: 0, won: 0, wonAmount: new Decimal(0) };
      rows.set(key, r);
    }
    return r;
  };
  const deals = s.deals.map((d) => {
    const manager = managerOf.get(d.ownerId) ?? null;
    const involved = d.won && manager !== null && (joined.get(d.id)?.has(manager) ?? false);
    if (d.won && manager !== null) {
      const r = row(manager, quarter(d.closeDate, s.fiscalYearStartMonth));
      r.won++;
      r.wonAmount = r.wonAmount.plus(d.amount);
      if (involved) {
        r.deals++;
        r.credited = r.credited.plus(d.amount);
      }
    }
    return {
      dealId: d.id,
      involved,
      creditedManagerId: involved ? manager : null,
      credit: involved ? new Decimal(d.amount).toFixed(2) : '0.00',
      reason: involved
        ? 'the manager joined an activity on this deal'
        : 'no counting activity with the manager',
    };
  });
  const quotas = new Map(s.quotas.map((q) => [`${q.managerId}:${q.period}`, q.amount]));
  for (const q of s.quotas) row(q.managerId, q.period);
  const attainment = [...rows.entries()].map(([key, r]) => {
    const quota = quotas.get(key) ?? null;
    return {
      key,
      managerId: r.managerId,
      period: r.period,
      quota,
      credited: r.credited.toFixed(2),
      attainment: quota === null || new Decimal(quota).isZero() ? null : r.credited.div(quota).toFixed(4),
      assistedDeals: r.deals,
      teamWonDeals: r.won,
      teamWonAmount: r.wonAmount.toFixed(2),
    };
  });
  return { evaluatedAt, deals, attainment, users: [] };
}
