/**
 * The crediting engine: a pure function from an org snapshot and a policy to credit decisions
 * and attainment (DESIGN.md "Crediting rules"). No I/O, no clock, no randomness: the same input
 * gives the same output, byte for byte. The snapshot is assumed valid (parseSnapshot checks it).
 */
import { attainmentRows } from './attainment.js';
import { compareText } from './compare.js';
import { evaluateDeal } from './evaluate-deal.js';
import { type OrgContext, prepareOrg } from './org-context.js';
import type { Policy } from './policy.js';
import type { ComputeResult, DealEvaluation, Decision } from './results.js';
import type { Activity, Deal, Snapshot } from './snapshot.js';

/**
 * The candidate activities of every deal: those linked to it, plus (when the policy includes
 * account activities) those linked to its account and to no deal. A deal id that names no deal
 * is ignored, so an activity whose deal ids all name no deal counts as linked to no deal.
 */
export class ActivityIndex {
  private readonly byDeal = new Map<string, Activity[]>();
  private readonly byAccount = new Map<string, Activity[]>();

  constructor(deals: readonly Deal[], activities: readonly Activity[], includeAccountActivities: boolean) {
    const dealIds = new Set<string>();
    for (const d of deals) dealIds.add(d.id);
    for (const a of activities) {
      let linked = false;
      for (const id of a.dealIds) {
        if (!dealIds.has(id)) continue;
        linked = true;
        const list = this.byDeal.get(id);
        if (list === undefined) this.byDeal.set(id, [a]);
        // An activity listing the same deal twice is listed under it once.
        else if (list[list.length - 1] !== a) list.push(a);
      }
      if (!linked && includeAccountActivities && a.accountId !== null) {
        const list = this.byAccount.get(a.accountId);
        if (list === undefined) this.byAccount.set(a.accountId, [a]);
        else list.push(a);
      }
    }
  }

  candidatesOf(deal: Deal): readonly Activity[] {
    const own = this.byDeal.get(deal.id) ?? NONE;
    const account = deal.accountId === null ? undefined : this.byAccount.get(deal.accountId);
    return account === undefined ? own : own.concat(account);
  }
}

const NONE: readonly Activity[] = Object.freeze([]);

/** Evaluates every deal of the snapshot; the evaluations are in the order of `snapshot.deals`. */
export function evaluateAll(
  ctx: OrgContext,
  snapshot: Pick<Snapshot, 'deals' | 'activities'>,
): DealEvaluation[] {
  const index = new ActivityIndex(snapshot.deals, snapshot.activities, ctx.policy.includeAccountActivities);
  const out: DealEvaluation[] = new Array(snapshot.deals.length);
  for (let i = 0; i < snapshot.deals.length; i++) {
    const deal = snapshot.deals[i]!;
    out[i] = evaluateDeal(ctx, deal, index.candidatesOf(deal));
  }
  return out;
}

/** Decisions of all evaluations, sorted by dealId, then level, then managerId. */
export function sortedDecisions(evaluations: readonly DealEvaluation[]): Decision[] {
  const byDeal = [...evaluations].sort((a, b) => compareText(a.dealId, b.dealId));
  const out: Decision[] = [];
  // Each evaluation's decisions are already sorted by level, then managerId.
  for (const ev of byDeal) for (const d of ev.decisions) out.push(d);
  return out;
}

export function compute(snapshot: Snapshot, policy: Policy): ComputeResult {
  const ctx = prepareOrg(snapshot, policy);
  const evaluations = evaluateAll(ctx, snapshot);
  return { decisions: sortedDecisions(evaluations), attainment: attainmentRows(ctx, evaluations) };
}
