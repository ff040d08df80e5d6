/**
 * Who managed whom on a date (DESIGN.md "managerHistory" and "Exact semantics"): the entry with
 * the latest `from` on or before the date; with none, `users[].managerId`. An entry with
 * managerId null means "no manager from that date".
 */
import { compareText } from './compare.js';
import type { ManagerChange, User } from './snapshot.js';

interface Change {
  from: string;
  managerId: string | null;
}

export class ManagerIndex {
  private readonly current = new Map<string, string | null>();
  /** Per user, changes sorted by `from` ascending. */
  private readonly history = new Map<string, Change[]>();

  constructor(users: readonly User[], managerHistory: readonly ManagerChange[]) {
    for (const u of users) this.current.set(u.id, u.managerId);
    history: for (const h of managerHistory) {
      let list = this.history.get(h.userId);
      if (list === undefined) {
        list = [];
        this.history.set(h.userId, list);
      }
      // Two entries for one user on one day are refused by parseSnapshot; should one slip
      // through, the lower managerId wins so that the order of the input cannot matter.
      for (const c of list) {
        if (c.from === h.from) {
          if (compareManager(h.managerId, c.managerId) < 0) c.managerId = h.managerId;
          continue history;
        }
      }
      list.push({ from: h.from, managerId: h.managerId });
    }
    for (const list of this.history.values()) list.sort((a, b) => compareText(a.from, b.from));
  }

  /** The manager of `userId` on `date` (YYYY-MM-DD), or null. */
  managerOn(userId: string, date: string): string | null {
    const list = this.history.get(userId);
    if (list !== undefined) {
      for (let i = list.length - 1; i >= 0; i--) {
        const c = list[i]!;
        if (c.from <= date) return c.managerId;
      }
    }
    return this.current.get(userId) ?? null;
  }
}

function compareManager(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return compareText(a, b);
}
