/**
 * The crediting engine: a pure function from an org snapshot and a policy to credit decisions
 * and attainment (DESIGN.md "Crediting rules"). No I/O, no clock, no randomness: the same input
 * gives the same output, byte for byte. The snapshot is assumed valid (parseSnapshot checks it).
 */
import { ActivityIndex } from './activity-index.js';
import { attainmentRows } from './attainment.js';
import { compareText } from './compare.js';
import { evaluate } from './evaluate-deal.js';
import { type OrgContext, prepareOrg } from './org-context.js';
import type { Policy } from './policy.js';
import type { ComputeResult, DealEvaluation, Decision } from './results.js';
import type { Activity, Snapshot } from './snapshot.js';

export interface EvaluateAllOptions {
  /**
   * Fill each evaluation's `fields` (what is written on the deal in a CRM). Default true; a
   * full compute leaves them out, since they are not part of its output.
   */
  fields?: boolean;
  /**
   * Keep only the evaluations of won deals. A deal that is not won has no decisions and counts
   * for no row, so a full compute does not hold a million of them. Default false.
   */
  wonOnly?: boolean;
}

/** Evaluates the deals of the snapshot; the evaluations are in the order of `snapshot.deals`. */
export function evaluateAll(
  ctx: OrgContext,
  snapshot: Pick<Snapshot, 'deals' | 'activities'>,
  options: EvaluateAllOptions = {},
): DealEvaluation[] {
  const { deals } = snapshot;
  const index = new ActivityIndex(deals, snapshot.activities, ctx.policy.includeAccountActivities);
  const how = { withFields: options.fields ?? true, linked: true };
  const candidates: Activity[] = [];
  const wonOnly = options.wonOnly ?? false;
  const out: DealEvaluation[] = [];
  for (let d = 0; d < deals.length; d++) {
    const deal = deals[d]!;
    if (wonOnly && !deal.won) continue;
    out.push(evaluate(ctx, deal, candidates, index.fill(d, deal, candidates), how));
  }
  return out;
}

/** Decisions of all evaluations, sorted by dealId, then level, then managerId. */
export function sortedDecisions(evaluations: readonly DealEvaluation[]): Decision[] {
  // Deals usually come sorted by id already (CRM ids grow with time): then there is nothing to sort.
  let sorted = true;
  for (let e = 1; e < evaluations.length && sorted; e++) {
    sorted = compareText(evaluations[e - 1]!.dealId, evaluations[e]!.dealId) <= 0;
  }
  const byDeal = sorted ? evaluations : [...evaluations].sort((a, b) => compareText(a.dealId, b.dealId));
  const out: Decision[] = [];
  // Each evaluation's decisions are already sorted by level, then managerId.
  for (let e = 0; e < byDeal.length; e++) {
    const ds = byDeal[e]!.decisions;
    for (let i = 0; i < ds.length; i++) out.push(ds[i]!);
  }
  return out;
}

export function compute(snapshot: Snapshot, policy: Policy): ComputeResult {
  const ctx = prepareOrg(snapshot, policy);
  const evaluations = evaluateAll(ctx, snapshot, { fields: false, wonOnly: true });
  return { decisions: sortedDecisions(evaluations), attainment: attainmentRows(ctx, evaluations) };
}
