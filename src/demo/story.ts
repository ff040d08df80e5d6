/**
 * Who closes the demo's deal: a rep whose manager has a quota in the current period, so the
 * manager's attainment visibly moves, and an amount of a tenth of that quota. Chosen from what the
 * CRM itself reports (users, managers, quotas), the same way for both CRMs, and deterministic for
 * a given org.
 */
import { Decimal } from 'decimal.js';
import type { OrgData } from '../../connectors/types.js';

export interface RepStory {
  repId: string;
  repName: string;
  managerId: string;
  managerName: string;
  /** Corporate currency, 2 decimals. */
  amount: string;
  /** The day the rep marks it won (YYYY-MM-DD), and when the buyer meeting was (ISO instant). */
  closeDate: string;
  meetingStart: string;
}

export function pickStory(
  org: OrgData,
  period: string,
  days: { closeDate: string; meetingStart: string },
): RepStory {
  const users = new Map(org.users.map((u) => [u.id, u]));
  const quotaOf = new Map(
    org.quotas.filter((q) => q.period === period).map((q) => [q.managerId, new Decimal(q.amount)]),
  );
  const candidates = org.users
    .filter((rep) => rep.active && rep.managerId !== null)
    .map((rep) => ({ rep, manager: users.get(rep.managerId!) }))
    .filter(({ manager }) => manager?.active && quotaOf.get(manager.id)?.gt(0))
    .sort((a, b) => a.manager!.name.localeCompare(b.manager!.name) || a.rep.name.localeCompare(b.rep.name));
  const chosen = candidates[0];
  if (chosen === undefined) {
    throw new Error(`the org has no active rep whose manager has a quota in ${period}`);
  }
  const manager = chosen.manager!;
  // A tenth of the quota in whole thousands: a visible move that reads well.
  const amount = quotaOf.get(manager.id)!.div(10_000).toDecimalPlaces(0, Decimal.ROUND_HALF_UP).times(1000);
  return {
    repId: chosen.rep.id,
    repName: chosen.rep.name,
    managerId: manager.id,
    managerName: manager.name,
    amount: (amount.gt(0) ? amount : new Decimal(1000)).toFixed(2),
    ...days,
  };
}
