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
    const linked = new Links();

    // Sized for one link per activity, the usual case; grown if activities name several deals.
    // Only the activity of each link is kept: activities usually come grouped by deal in the
    // deals' order, and then that list is the index as it is. Otherwise the deals are looked up
    // again in a second pass rather than kept beside it (4 bytes a link: 20 MB at 5M activities).
    let links = new Int32Array(activities.length);
    const start = new Int32Array(deals.length + 1);
    let n = 0;
    let lastDeal = -1;
    // Whether the links already come in deal order, so there is nothing to sort.
    let inOrder = true;
    for (let i = 0; i < activities.length; i++) {
      const a = activities[i]!;
      const count = lookup.dealsOf(a.dealIds, linked);
      for (let j = 0; j < count; j++) {
        const d = linked.deals[j]!;
        if (n === links.length) links = grow(links);
        if (d < lastDeal) inOrder = false;
        lastDeal = d;
        links[n++] = i;
        start[d + 1]!++;
      }
      if (count === 0 && includeAccountActivities && a.accountId !== null) {
        const list = this.byAccount.get(a.accountId);
        if (list === undefined) this.byAccount.set(a.accountId, [a]);
        else list.push(a);
      }
    }
    for (let d = 0; d < deals.length; d++) start[d + 1]! += start[d]!;
    let order: Int32Array;
    if (inOrder) order = links.subarray(0, n);
    else {
      // A counting sort: each link goes to the next free place of its deal. The first pass's list
      // is let go first, so the two are never held at once.
      links = new Int32Array(0);
      const next = start.slice(0, deals.length);
      order = new Int32Array(n);
      for (let i = 0; i < activities.length; i++) {
        const count = lookup.dealsOf(activities[i]!.dealIds, linked);
        for (let j = 0; j < count; j++) order[next[linked.deals[j]!]!++] = i;
      }
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
    // Without account activities (the default policy) the map is empty: skip hashing the id.
    const account =
      deal.accountId === null || this.byAccount.size === 0 ? undefined : this.byAccount.get(deal.accountId);
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
  /** Activities of one deal usually share one dealIds array: its single deal is looked up once. */
  private lastIds: readonly string[] | undefined;
  private lastIdsDeal = -1;

  constructor(deals: readonly Deal[]) {
    this.deals = deals;
  }

  /**
   * Writes the indexes of the deals that `ids` names to links.deals[0..n) and returns n: each
   * deal once, in the order of `ids`, ids that name no deal left out.
   */
  dealsOf(ids: readonly string[], links: Links): number {
    if (ids.length === 1) {
      if (ids !== this.lastIds) {
        this.lastIds = ids;
        this.lastIdsDeal = this.indexOf(ids[0]!) ?? -1;
      }
      if (this.lastIdsDeal < 0) return 0;
      links.deals[0] = this.lastIdsDeal;
      return 1;
    }
    let n = 0;
    for (let j = 0; j < ids.length; j++) {
      const d = this.indexOf(ids[j]!);
      // An activity listing the same deal twice is listed under it once.
      if (d === undefined || (j > 0 && ids.indexOf(ids[j]!) < j)) continue;
      if (n === links.deals.length) links.deals = grow(links.deals);
      links.deals[n++] = d;
    }
    return n;
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

/** The deals of one activity, reused from activity to activity. */
class Links {
  deals = new Int32Array(16);
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
