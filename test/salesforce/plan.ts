/**
 * A write-back plan built by hand from a pulled org, for tests that need values to write (the
 * engine's plan is the real thing; these tests are about what the connector does with a plan).
 */
import { Decimal } from 'decimal.js';
import type { Snapshot } from '../../src/domain/snapshot.js';
import { attainmentKey, type WriteBackPlan } from '../../src/domain/write-back.js';

export function planFor(org: Snapshot, evaluatedAt = '2026-11-15T12:00:00Z', variant = 0): WriteBackPlan {
  const users = new Map(org.users.map((u) => [u.id, u]));
  const byManager = new Map<string, { credited: Decimal; deals: number }>();
  const deals = org.deals.map((d, i) => {
    const managerId = users.get(d.ownerId)?.managerId ?? null;
    const involved = d.won && managerId !== null && (i + variant) % 3 === 0;
    const credit = involved ? new Decimal(d.amount).toFixed(2) : '0.00';
    if (involved) {
      const m = byManager.get(managerId!) ?? { credited: new Decimal(0), deals: 0 };
      byManager.set(managerId!, { credited: m.credited.plus(credit), deals: m.deals + 1 });
    }
    return {
      dealId: d.id,
      involved,
      creditedManagerId: involved ? managerId : null,
      credit,
      reason: involved
        ? `${managerId} attended a meeting with the buyer (variant ${variant})`
        : 'no counting activity',
    };
  });
  const attainment = [...byManager.entries()].map(([managerId, m]) => {
    const quota = org.quotas.find((q) => q.managerId === managerId && q.period === 'FY2027-Q1');
    return {
      key: attainmentKey(managerId, 'FY2027-Q1'),
      managerId,
      period: 'FY2027-Q1',
      quota: quota?.amount ?? null,
      credited: m.credited.toFixed(2),
      attainment:
        quota && !new Decimal(quota.amount).isZero() ? m.credited.div(quota.amount).toFixed(4) : null,
      assistedDeals: m.deals,
      teamWonDeals: m.deals + 2,
      teamWonAmount: m.credited.times(2).toFixed(2),
    };
  });
  const usersPlan = [...byManager.entries()].map(([userId, m]) => ({
    userId,
    currentAttainment: null,
    currentCredited: m.credited.toFixed(2),
  }));
  return { evaluatedAt, deals, attainment, users: usersPlan };
}
