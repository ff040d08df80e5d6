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
  return touchedManagers(ev)
    .sort(compareText)
    .map((managerId) => ({ managerId, period: ev.period }));
}

/** The managers of touchedManagerPeriods, each once, unsorted; all in the evaluation's period. */
function touchedManagers(ev: DealEvaluation): string[] {
  const ids: string[] = [];
  const ds = ev.decisions;
  for (let i = 0; i < ds.length; i++) {
    const m = ds[i]!.managerId;
    if (m !== null && !ids.includes(m)) ids.push(m);
  }
  if (ev.won && ev.teamManagerId !== null && !ids.includes(ev.teamManagerId)) ids.push(ev.teamManagerId);
  return ids;
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
  const list = Array.isArray(evaluations) ? (evaluations as readonly DealEvaluation[]) : [...evaluations];
  for (let e = 0; e < list.length; e++) {
    const ev = list[e]!;
    if (ev.period !== period) continue;
    const ds = ev.decisions;
    for (let i = 0; i < ds.length; i++) {
      const d = ds[i]!;
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
  // managerId -> period -> the evaluations touching that pair. Nested maps, so a million deals do
  // not each build a key string to look their groups up.
  const groups = new Map<string, Map<string, DealEvaluation[]>>();
  const groupOf = (managerId: string, period: string): DealEvaluation[] => {
    let byPeriod = groups.get(managerId);
    if (byPeriod === undefined) {
      byPeriod = new Map();
      groups.set(managerId, byPeriod);
    }
    let group = byPeriod.get(period);
    if (group === undefined) {
      group = [];
      byPeriod.set(period, group);
    }
    return group;
  };
  for (const q of ctx.quotas.values()) groupOf(q.managerId, q.period);
  const list = Array.isArray(evaluations) ? (evaluations as readonly DealEvaluation[]) : [...evaluations];
  for (let e = 0; e < list.length; e++) {
    const ev = list[e]!;
    const ds = ev.decisions;
    // The common case, one decision whose manager is also the team manager, without a list.
    const only = ds.length === 1 ? ds[0]!.managerId : null;
    if (only !== null && ev.teamManagerId === only) {
      groupOf(only, ev.period).push(ev);
    } else {
      for (const managerId of touchedManagers(ev)) groupOf(managerId, ev.period).push(ev);
    }
  }
  const rows: AttainmentRow[] = [];
  for (const [managerId, byPeriod] of groups) {
    for (const [period, group] of byPeriod) {
      const row = attainmentRow(ctx, managerId, period, group);
      if (row !== null) rows.push(row);
    }
  }
  return rows.sort(compareRows);
}

export function compareRows(a: ManagerPeriod, b: ManagerPeriod): number {
  return compareText(a.managerId, b.managerId) || compareText(a.period, b.period);
}
