/**
 * Which activities are candidates for which deal (DESIGN.md "Crediting rules" 2): those linked to
 * it, plus (when the policy includes account activities) those linked to its account and to no
 * deal. A deal id that names no deal is ignored, so an activity whose deal ids all name no deal
 * counts as linked to no deal.
 *
 * Built for millions of activities: the links are grouped by deal with a counting sort into flat
 * typed arrays, not one JS array per deal. Deal ids are resolved through `DealLookup`, which
 * skips hashing while activities come grouped by deal in the deals' order.
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
    const lookup = new DealLookup(deals);

    // Sized for one link per activity, the usual case; grown if activities name several deals.
    let linkDeal = new Int32Array(activities.length);
    let linkActivity = new Int32Array(activities.length);
    const start = new Int32Array(deals.length + 1);
    let n = 0;
    // Whether the links already come in deal order, so the counting sort has nothing to do.
    let inOrder = true;
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
          d = lookup.indexOf(ids[j]!);
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
        if (n > 0 && d < linkDeal[n - 1]!) inOrder = false;
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
    let order: Int32Array;
    if (inOrder) order = linkActivity.subarray(0, n);
    else {
      const next = start.slice(0, deals.length);
      order = new Int32Array(n);
      for (let k = 0; k < n; k++) order[next[linkDeal[k]!]!++] = linkActivity[k]!;
    }
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

/**
 * The index of the deal with an id. Activities usually arrive grouped by deal, in the order of
 * the deals (the generator draws them so; connectors pull them deal by deal): the last deal found
 * and the next few are tried first, by string comparison. Only when that fails is a map of
 * every deal id built, once: hashing a million ids into a map that does not fit any cache costs
 * about a microsecond per deal.
 */
const LOOK_AHEAD = 16;

class DealLookup {
  private readonly deals: readonly Deal[];
  private last = -1;
  private byId: Map<string, number> | undefined;

  constructor(deals: readonly Deal[]) {
    this.deals = deals;
  }

  indexOf(id: string): number | undefined {
    const { deals } = this;
    // The same deal, or one of the next few (deals without activities are skipped over).
    const end = Math.min(deals.length, this.last + 1 + LOOK_AHEAD);
    for (let d = Math.max(this.last, 0); d < end; d++) {
      if (deals[d]!.id === id) {
        this.last = d;
        return d;
      }
    }
    if (this.byId === undefined) {
      this.byId = new Map();
      for (let d = 0; d < deals.length; d++) this.byId.set(deals[d]!.id, d);
    }
    const d = this.byId.get(id);
    if (d !== undefined) this.last = d;
    return d;
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
