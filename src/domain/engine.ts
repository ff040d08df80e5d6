/**
 * The crediting engine: a pure function from an org snapshot and a policy to credit decisions
 * and attainment (DESIGN.md "Crediting rules"). No I/O, no clock, no randomness: the same input
 * gives the same output, byte for byte. The snapshot is assumed valid (parseSnapshot checks it).
 */
import { ActivityIndex } from './activity-index.js';
import { AttainmentTallies } from './attainment.js';
import { ChunkedList } from './chunked-list.js';
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
   * Only the deals that are won. A deal that is not won has no decisions and counts for no row,
   * so a full compute skips it. Default false.
   */
  wonOnly?: boolean;
}

/** Evaluates the deals of the snapshot in their order, handing each evaluation to `visit`. */
export function forEachEvaluation(
  ctx: OrgContext,
  snapshot: Pick<Snapshot, 'deals' | 'activities'>,
  options: EvaluateAllOptions,
  visit: (ev: DealEvaluation) => void,
): void {
  const { deals } = snapshot;
  const index = new ActivityIndex(deals, snapshot.activities, ctx.policy.includeAccountActivities);
  const how = { withFields: options.fields ?? true, linked: true };
  const candidates: Activity[] = [];
  const wonOnly = options.wonOnly ?? false;
  for (let d = 0; d < deals.length; d++) {
    const deal = deals[d]!;
    if (wonOnly && !deal.won) continue;
    visit(evaluate(ctx, deal, candidates, index.fill(d, deal, candidates), how));
  }
}

/** Evaluates the deals of the snapshot; the evaluations are in the order of `snapshot.deals`. */
export function evaluateAll(
  ctx: OrgContext,
  snapshot: Pick<Snapshot, 'deals' | 'activities'>,
  options: EvaluateAllOptions = {},
): DealEvaluation[] {
  const out: DealEvaluation[] = [];
  forEachEvaluation(ctx, snapshot, options, (ev) => out.push(ev));
  return out;
}

export function compute(snapshot: Snapshot, policy: Policy): ComputeResult {
  const ctx = prepareOrg(snapshot, policy);
  const tallies = new AttainmentTallies(ctx);
  // One or two decisions per won deal, appended in chunks: a million-deal org would otherwise
  // leave twice the final array behind as outgrown backing stores while the compute runs.
  const kept = new ChunkedList<Decision>();
  let inDealOrder = true;
  let lastDealId: string | undefined;
  // Each evaluation goes into the attainment tallies as it is made; its decisions are kept and
  // the rest let go, so a million-deal org never holds a million evaluations at once.
  forEachEvaluation(ctx, snapshot, { fields: false, wonOnly: true }, (ev) => {
    if (lastDealId !== undefined && compareText(lastDealId, ev.dealId) > 0) inDealOrder = false;
    lastDealId = ev.dealId;
    // Each evaluation's decisions are already sorted by level, then managerId.
    const ds = ev.decisions;
    for (let i = 0; i < ds.length; i++) kept.push(ds[i]!);
    tallies.add(ev);
  });
  // Sorted by dealId; deals usually come sorted by id already (CRM ids grow with time). The sort
  // is stable, so each deal's decisions keep their order by level, then managerId.
  const decisions = kept.toArray();
  if (!inDealOrder) decisions.sort((a, b) => compareText(a.dealId, b.dealId));
  return { decisions, attainment: tallies.rows() };
}
