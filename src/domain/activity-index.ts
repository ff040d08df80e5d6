/**
 * Which activities are candidates for which deal (DESIGN.md "Crediting rules" 2): those linked to
 * it, plus (when the policy includes account activities) those linked to its account and to no
 * deal. A deal id that names no deal is ignored, so an activity whose deal ids all name no deal
 * counts as linked to no deal.
 *
 * Built for millions of activities: the links are grouped by deal with a counting sort into flat
 * typed arrays, not one JS array per deal.
 */
import type { Activity, Deal } from './snapshot.js';

export class ActivityIndex {
  private readonly activities: readonly Activity[];
  /** Activity indexes grouped by deal: those of deal d are order[start[d]] .. order[start[d + 1] - 1]. */
  private readonly start: Int32Array;
  private readonly order: Int32Array;
  private readonly byAccount = new Map<string, Activity[]>();

  constructor(deals: readonly Deal[], activities: readonly Activity[], includeAccountActivities: boolean) {
    this.activities = activities;
    const dealIndex = new Map<string, number>();
    for (let d = 0; d < deals.length; d++) dealIndex.set(deals[d]!.id, d);

    // Sized for one link per activity, the usual case; grown if activities name several deals.
    let linkDeal = new Int32Array(activities.length);
    let linkActivity = new Int32Array(activities.length);
    const start = new Int32Array(deals.length + 1);
    let n = 0;
    // Activities of one deal usually share one dealIds array: look its single id up once.
    let lastIds: readonly string[] | undefined;
    let lastDeal: number | undefined;
    for (let i = 0; i < activities.length; i++) {
      const a = activities[i]!;
      const ids = a.dealIds;
      let linked = false;
      for (let j = 0; j < ids.length; j++) {
        let d: number | undefined;
        if (ids === lastIds) d = lastDeal;
        else {
          d = dealIndex.get(ids[j]!);
          if (ids.length === 1) {
            lastIds = ids;
            lastDeal = d;
          }
        }
        if (d === undefined) continue;
        linked = true;
        // An activity listing the same deal twice is listed under it once.
        if (j > 0 && ids.indexOf(ids[j]!) < j) continue;
        if (n === linkDeal.length) {
          linkDeal = grow(linkDeal);
          linkActivity = grow(linkActivity);
        }
        linkDeal[n] = d;
        linkActivity[n] = i;
        start[d + 1]!++;
        n++;
      }
      if (!linked && includeAccountActivities && a.accountId !== null) {
        const list = this.byAccount.get(a.accountId);
        if (list === undefined) this.byAccount.set(a.accountId, [a]);
        else list.push(a);
      }
    }
    for (let d = 0; d < deals.length; d++) start[d + 1]! += start[d]!;
    const next = start.slice(0, deals.length);
    const order = new Int32Array(n);
    for (let k = 0; k < n; k++) order[next[linkDeal[k]!]!++] = linkActivity[k]!;
    this.start = start;
    this.order = order;
  }

  /** The candidates of deals[dealIndex], in input order. */
  candidatesOf(dealIndex: number, deal: Deal): Activity[] {
    const into: Activity[] = [];
    into.length = this.fill(dealIndex, deal, into);
    return into;
  }

  /**
   * Writes the candidates of deals[dealIndex] to into[0..n) and returns n, leaving the rest of
   * `into` as it was: a scratch array reused from deal to deal keeps its storage (emptying it
   * with `length = 0` would free it and make every deal allocate it again).
   */
  fill(dealIndex: number, deal: Deal, into: Activity[]): number {
    let n = 0;
    for (let k = this.start[dealIndex]!; k < this.start[dealIndex + 1]!; k++) {
      n = put(into, n, this.activities[this.order[k]!]!);
    }
    const account = deal.accountId === null ? undefined : this.byAccount.get(deal.accountId);
    if (account !== undefined) for (let i = 0; i < account.length; i++) n = put(into, n, account[i]!);
    return n;
  }
}

/** into[n] = a, growing `into` only when it is full; returns n + 1. */
function put(into: Activity[], n: number, a: Activity): number {
  if (n < into.length) into[n] = a;
  else into.push(a);
  return n + 1;
}

function grow(a: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
  const bigger = new Int32Array(Math.max(16, a.length * 2));
  bigger.set(a);
  return bigger;
}
