/**
 * Attainment rows (DESIGN.md "Crediting rules" 7 and "Exact semantics"): one per (manager,
 * period) with a quota or with any decision. The service keeps DealEvaluations in a ledger and
 * rebuilds only the rows a changed deal touches with `attainmentRow`; `attainmentRows` runs the
 * same per-row tally (RowTally) so that a full recompute always equals the incremental one.
 */
import { compareText } from './compare.js';
import { CentsTotal, ratio4 } from './money.js';
import { type OrgContext, quotaKey } from './org-context.js';
import type { AttainmentRow, DealEvaluation, Decision } from './results.js';

export interface ManagerPeriod {
  managerId: string;
  period: string;
}

/**
 * What the attainment rows read of a DealEvaluation: a store can keep this much beside each
 * evaluation and rebuild rows from it without reading the evidence and reasons.
 */
export interface RowContribution {
  won: boolean;
  period: string;
  amount: string;
  teamManagerId: string | null;
  decisions: readonly Pick<Decision, 'managerId' | 'credited' | 'amount'>[];
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
function touchedManagers(ev: RowContribution): string[] {
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
 * Adds up one manager-period's row, one evaluation at a time. `attainmentRow` folds the
 * evaluations it is given through one tally; `attainmentRows` (AttainmentTallies) folds every
 * evaluation through the tallies of the pairs it touches, in one pass over the evaluations
 * (reading a million of them once, in order, rather than once per row in scattered order). Same
 * code, same sums, and every sum is exact, so the full result always equals the per-row one.
 */
class RowTally {
  readonly managerId: string;
  readonly period: string;
  private hasDecision = false;
  private readonly credited = new CentsTotal();
  private assistedDeals = 0;
  private teamWonDeals = 0;
  private readonly teamWonAmount = new CentsTotal();

  constructor(managerId: string, period: string) {
    this.managerId = managerId;
    this.period = period;
  }

  /** Counts what `ev` holds for this manager-period; an evaluation of another pair adds nothing. */
  add(ev: RowContribution): void {
    if (ev.period !== this.period) return;
    const ds = ev.decisions;
    for (let i = 0; i < ds.length; i++) {
      const d = ds[i]!;
      if (d.managerId !== this.managerId) continue;
      this.hasDecision = true;
      if (d.credited) {
        this.credited.add(d.amount);
        this.assistedDeals++;
      }
    }
    if (ev.won && ev.teamManagerId === this.managerId) {
      this.teamWonDeals++;
      this.teamWonAmount.add(ev.amount);
    }
  }

  /** The row, or null when the pair has neither a quota nor a decision. */
  row(ctx: OrgContext): AttainmentRow | null {
    const quota = ctx.quotas.get(quotaKey(this.managerId, this.period))?.amount ?? null;
    if (quota === null && !this.hasDecision) return null;
    const credited = this.credited.toString();
    return {
      managerId: this.managerId,
      period: this.period,
      quota,
      credited,
      // The quota as shown (rounded to cents) is the one divided by, so a reader can check the ratio.
      attainment: quota === null ? null : ratio4(credited, quota),
      assistedDeals: this.assistedDeals,
      teamWonDeals: this.teamWonDeals,
      teamWonAmount: this.teamWonAmount.toString(),
    };
  }
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
  evaluations: Iterable<RowContribution>,
): AttainmentRow | null {
  const tally = new RowTally(managerId, period);
  const list = Array.isArray(evaluations) ? (evaluations as readonly RowContribution[]) : [...evaluations];
  for (let e = 0; e < list.length; e++) tally.add(list[e]!);
  return tally.row(ctx);
}

/**
 * The tallies of every manager-period, fed one evaluation at a time: each evaluation goes to the
 * tallies of the pairs it touches, so a million evaluations are each read once, in order, and
 * need not be kept. `attainmentRows` is this over a list; `compute` feeds it as it evaluates.
 */
export class AttainmentTallies {
  private readonly ctx: OrgContext;
  // managerId -> period -> tally. Nested maps, so a million deals do not each build a key string.
  private readonly tallies = new Map<string, Map<string, RowTally>>();

  constructor(ctx: OrgContext) {
    this.ctx = ctx;
    for (const q of ctx.quotas.values()) this.tallyOf(q.managerId, q.period);
  }

  add(ev: DealEvaluation): void {
    const ds = ev.decisions;
    // The common case, one decision whose manager is also the team manager, without a list.
    const only = ds.length === 1 ? ds[0]!.managerId : null;
    if (only !== null && ev.teamManagerId === only) {
      this.tallyOf(only, ev.period).add(ev);
    } else {
      for (const managerId of touchedManagers(ev)) this.tallyOf(managerId, ev.period).add(ev);
    }
  }

  /** Every row: the pairs any evaluation touched and every quota's pair, sorted by managerId, period. */
  rows(): AttainmentRow[] {
    const rows: AttainmentRow[] = [];
    for (const byPeriod of this.tallies.values()) {
      for (const tally of byPeriod.values()) {
        const row = tally.row(this.ctx);
        if (row !== null) rows.push(row);
      }
    }
    return rows.sort(compareRows);
  }

  private tallyOf(managerId: string, period: string): RowTally {
    let byPeriod = this.tallies.get(managerId);
    if (byPeriod === undefined) {
      byPeriod = new Map();
      this.tallies.set(managerId, byPeriod);
    }
    let tally = byPeriod.get(period);
    if (tally === undefined) {
      tally = new RowTally(managerId, period);
      byPeriod.set(period, tally);
    }
    return tally;
  }
}

/** Every row: the pairs any evaluation touches and every quota's pair, sorted by managerId, period. */
export function attainmentRows(ctx: OrgContext, evaluations: Iterable<DealEvaluation>): AttainmentRow[] {
  const tallies = new AttainmentTallies(ctx);
  if (Array.isArray(evaluations)) {
    const list = evaluations as readonly DealEvaluation[];
    for (let e = 0; e < list.length; e++) tallies.add(list[e]!);
  } else {
    for (const ev of evaluations) tallies.add(ev);
  }
  return tallies.rows();
}

export function compareRows(a: ManagerPeriod, b: ManagerPeriod): number {
  return compareText(a.managerId, b.managerId) || compareText(a.period, b.period);
}
