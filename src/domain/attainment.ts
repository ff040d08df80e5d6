/**
 * Attainment rows (DESIGN.md "Crediting rules" 7 and "Exact semantics"): one per (manager,
 * period) with a quota or with any decision. The service keeps DealEvaluations in a ledger and
 * rebuilds only the rows a changed deal touches with `attainmentRow`; `attainmentRows` is built
 * from `attainmentRow` so that a full recompute always equals the incremental one.
 */
import { compareText } from './compare.js';
import { type Money, ratio4, ZERO } from './money.js';
import { type OrgContext, quotaKey } from './org-context.js';
import type { AttainmentRow, DealEvaluation } from './results.js';

export interface ManagerPeriod {
  managerId: string;
  period: string;
}

/**
 * Every (manager, period) whose row this evaluation contributes to: the managers of its
 * decisions and the team manager (the owner's level-1 manager, for teamWon*). Sorted, each once.
 */
export function touchedManagerPeriods(ev: DealEvaluation): ManagerPeriod[] {
  const ids: string[] = [];
  for (const d of ev.decisions) if (d.managerId !== null && !ids.includes(d.managerId)) ids.push(d.managerId);
  if (ev.won && ev.teamManagerId !== null && !ids.includes(ev.teamManagerId)) ids.push(ev.teamManagerId);
  ids.sort(compareText);
  return ids.map((managerId) => ({ managerId, period: ev.period }));
}

/**
 * The row of one manager and period, from the evaluations that touch it (others are ignored, so
 * passing more is harmless). Null when the pair has neither a quota nor a decision: DESIGN.md
 * gives it no row, and a caller rebuilding incrementally must then delete the row it kept (a
 * deal that stopped being won can take a manager-period's only decision with it).
 */
export function attainmentRow(
  ctx: OrgContext,
  managerId: string,
  period: string,
  evaluations: Iterable<DealEvaluation>,
): AttainmentRow | null {
  const quota = ctx.quotas.get(quotaKey(managerId, period))?.amount ?? null;
  let hasDecision = false;
  let credited: Money = ZERO;
  let assistedDeals = 0;
  let teamWonDeals = 0;
  let teamWonAmount: Money = ZERO;
  for (const ev of evaluations) {
    if (ev.period !== period) continue;
    for (const d of ev.decisions) {
      if (d.managerId !== managerId) continue;
      hasDecision = true;
      if (d.credited) {
        credited = credited.plus(d.amount);
        assistedDeals++;
      }
    }
    if (ev.won && ev.teamManagerId === managerId) {
      teamWonDeals++;
      teamWonAmount = teamWonAmount.plus(ev.amount);
    }
  }
  if (quota === null && !hasDecision) return null;
  const creditedText = credited.toFixed(2);
  return {
    managerId,
    period,
    quota,
    credited: creditedText,
    // The quota as shown (rounded to cents) is the one divided by, so a reader can check the ratio.
    attainment: quota === null ? null : ratio4(creditedText, quota),
    assistedDeals,
    teamWonDeals,
    teamWonAmount: teamWonAmount.toFixed(2),
  };
}

/** Every row: the pairs any evaluation touches and every quota's pair, sorted by managerId, period. */
export function attainmentRows(ctx: OrgContext, evaluations: Iterable<DealEvaluation>): AttainmentRow[] {
  const groups = new Map<string, { managerId: string; period: string; evaluations: DealEvaluation[] }>();
  const groupOf = (managerId: string, period: string) => {
    const key = quotaKey(managerId, period);
    let g = groups.get(key);
    if (g === undefined) {
      g = { managerId, period, evaluations: [] };
      groups.set(key, g);
    }
    return g;
  };
  for (const q of ctx.quotas.values()) groupOf(q.managerId, q.period);
  for (const ev of evaluations) {
    for (const mp of touchedManagerPeriods(ev)) groupOf(mp.managerId, mp.period).evaluations.push(ev);
  }
  const rows: AttainmentRow[] = [];
  for (const g of groups.values()) {
    const row = attainmentRow(ctx, g.managerId, g.period, g.evaluations);
    if (row !== null) rows.push(row);
  }
  return rows.sort(compareRows);
}

export function compareRows(a: ManagerPeriod, b: ManagerPeriod): number {
  return compareText(a.managerId, b.managerId) || compareText(a.period, b.period);
}
