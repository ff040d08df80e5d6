/**
 * Attainment rows recounted the plain way, from the decisions and the deals, for tests to hold
 * the engine's grouped, per-row computation against.
 */
import { convertToCents, ratio4, sumCents } from '../money.js';
import { prepareOrg, quotaKey } from '../org-context.js';
import type { Policy } from '../policy.js';
import type { AttainmentRow, Decision } from '../results.js';
import type { Snapshot } from '../snapshot.js';

export function recountAttainment(
  snapshot: Snapshot,
  policy: Policy,
  decisions: readonly Decision[],
): AttainmentRow[] {
  const ctx = prepareOrg(snapshot, policy);
  const keys = new Set(snapshot.quotas.map((q) => quotaKey(q.managerId, q.period)));
  for (const d of decisions) if (d.managerId !== null) keys.add(quotaKey(d.managerId, d.period));
  // quotaKey joins with NUL, which sorts before every id character: this is managerId, then period.
  return [...keys].sort().map((key) => {
    const [managerId, period] = key.split('\u0000') as [string, string];
    const mine = decisions.filter((d) => d.managerId === managerId && d.period === period && d.credited);
    const team = snapshot.deals.filter(
      (deal) =>
        deal.won &&
        ctx.closeDay(deal.closeDate).period === period &&
        ctx.managers.managerOn(deal.ownerId, deal.closeDate) === managerId,
    );
    const quota = ctx.quotas.get(key)?.amount ?? null;
    const credited = sumCents(mine.map((d) => d.amount));
    return {
      managerId,
      period,
      quota,
      credited,
      attainment: quota === null ? null : ratio4(credited, quota),
      assistedDeals: mine.length,
      teamWonDeals: team.length,
      teamWonAmount: sumCents(
        team.map((deal) =>
          convertToCents(deal.amount, null, ctx.rates.rateOn(deal.currency, deal.closeDate)!),
        ),
      ),
    };
  });
}
