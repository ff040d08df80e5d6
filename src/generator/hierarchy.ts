/**
 * The sales organisation: one VP, directors, managers with teams of about seven reps, and reps,
 * whose number grows with the number of deals. Some reps joined or left during the range (so they
 * close deals only while employed), a few moved between managers (dated `managerHistory`, with a
 * rare gap without a manager), and one manager moved between directors.
 */
import type { ManagerChange, User } from '../domain/snapshot.js';
import type { Calendar } from './calendar.js';
import { ID_PREFIX, salesforceId } from './ids.js';
import { FIRST_NAMES, LAST_NAMES } from './names.js';
import type { Rng } from './random.js';

export const DEALS_PER_REP = 150;
export const REPS_PER_MANAGER = 7;
export const MANAGERS_PER_DIRECTOR = 6;

export interface Hierarchy {
  users: User[];
  managerHistory: ManagerChange[];
  /** User indexes by level. */
  vp: number;
  directors: number[];
  managers: number[];
  reps: number[];
  /** Per user index: the first and last day index on which they close deals. */
  activeFrom: Int32Array;
  activeTo: Int32Array;
  /** The user index of `user`'s manager on a day index, -1 for none. */
  managerOn(user: number, dayIdx: number): number;
  /** Whether a user was employed (closing deals, meeting buyers) on a day index. */
  employedOn(user: number, dayIdx: number): boolean;
  /** Each manager's reps as of the snapshot day. */
  teams: Map<number, number[]>;
}

export function buildHierarchy(rng: Rng, deals: number, calendar: Calendar, domain: string): Hierarchy {
  const repCount = Math.max(4, Math.ceil(deals / DEALS_PER_REP));
  const managerCount = Math.max(2, Math.ceil(repCount / REPS_PER_MANAGER));
  const directorCount = Math.min(managerCount, Math.max(2, Math.ceil(managerCount / MANAGERS_PER_DIRECTOR)));
  const total = 1 + directorCount + managerCount + repCount;

  const users: User[] = [];
  const ids: string[] = [];
  const takenEmails = new Set<string>();
  const currentManager = new Int32Array(total).fill(-1);
  for (let i = 0; i < total; i++) {
    const first = rng.pick(FIRST_NAMES);
    const last = rng.pick(LAST_NAMES);
    const local = `${first}.${last}`.toLowerCase();
    let email = `${local}@${domain}`;
    for (let n = 2; takenEmails.has(email); n++) email = `${local}${n}@${domain}`;
    takenEmails.add(email);
    ids.push(salesforceId(ID_PREFIX.user, i + 1));
    users.push({ id: ids[i]!, name: `${first} ${last}`, email, managerId: null, active: true });
  }

  const vp = 0;
  const directors = range(1, directorCount);
  const managers = range(1 + directorCount, managerCount);
  const reps = range(1 + directorCount + managerCount, repCount);
  for (const d of directors) currentManager[d] = vp;
  managers.forEach((m, i) => {
    currentManager[m] = directors[i % directorCount]!;
  });
  // Every manager gets a rep first, then teams fill at random, so sizes vary around seven.
  reps.forEach((r, i) => {
    currentManager[r] = i < managerCount ? managers[i]! : rng.pick(managers);
  });

  const firstIdx = calendar.quarters[0]!.startIdx;
  const lastIdx = calendar.asOfIdx;
  const span = lastIdx - firstIdx;
  const activeFrom = new Int32Array(total).fill(firstIdx);
  const activeTo = new Int32Array(total).fill(lastIdx);
  // The first rep of each team (an anchor) is employed all along, so every team has closed deals.
  const anchors = reps.slice(0, managerCount);
  const steady: number[] = [];
  for (const r of reps.slice(managerCount)) {
    const roll = rng.float();
    if (roll < 0.05) {
      users[r]!.active = false;
      activeTo[r] = firstIdx + Math.floor(span * (0.3 + 0.6 * rng.float()));
    } else if (roll < 0.12) {
      activeFrom[r] = firstIdx + Math.floor(span * 0.7 * rng.float());
    } else {
      steady.push(r);
    }
  }

  // Some users are inactive: reps who left, closing deals only until they did.
  if (!users.some((u) => !u.active) && steady.length > 0) {
    const r = steady.pop()!;
    users[r]!.active = false;
    activeTo[r] = firstIdx + Math.floor(span * 0.6);
  }
  // Dated manager changes: entries from the start of the range, then the move.
  const timelines = new Map<number, { from: number[]; manager: number[] }>();
  const moves: ManagerChange[] = [];
  const record = (user: number, dayIdx: number, manager: number) => {
    let t = timelines.get(user);
    if (t === undefined) {
      t = { from: [], manager: [] };
      timelines.set(user, t);
    }
    t.from.push(dayIdx);
    t.manager.push(manager);
    moves.push({
      userId: ids[user]!,
      managerId: manager < 0 ? null : ids[manager]!,
      from: calendar.days[dayIdx]!,
    });
  };
  const moverCount = Math.max(2, Math.round(repCount * 0.04));
  for (let k = 0; k < moverCount; k++) {
    const pool = steady.length > 0 ? steady : anchors;
    const r = pool.splice(rng.int(0, pool.length - 1), 1)[0]!;
    const before = currentManager[r]!;
    const others = managers.filter((m) => m !== before);
    const after = rng.pick(others);
    const moveIdx = firstIdx + Math.floor(span * (0.2 + 0.6 * rng.float()));
    record(r, firstIdx, before);
    if (k % 4 === 1) {
      // Between managers for a few weeks: the rare gap without a manager.
      record(r, moveIdx, -1);
      record(r, Math.min(lastIdx, moveIdx + rng.int(7, 21)), after);
    } else {
      record(r, moveIdx, after);
    }
    currentManager[r] = after;
  }
  if (directorCount >= 2) {
    const m = managers[managers.length - 1]!;
    const before = currentManager[m]!;
    const after = rng.pick(directors.filter((d) => d !== before));
    record(m, firstIdx, before);
    record(m, firstIdx + Math.floor(span * 0.5), after);
    currentManager[m] = after;
  }

  for (let i = 0; i < total; i++) {
    const m = currentManager[i]!;
    users[i]!.managerId = m < 0 ? null : ids[m]!;
  }
  const order = new Map(ids.map((id, i) => [id, i]));
  moves.sort((a, b) => order.get(a.userId)! - order.get(b.userId)! || (a.from < b.from ? -1 : 1));

  const managerOn = (user: number, dayIdx: number): number => {
    const t = timelines.get(user);
    if (t === undefined) return currentManager[user]!;
    let found = -2;
    for (let i = 0; i < t.from.length; i++) if (t.from[i]! <= dayIdx) found = t.manager[i]!;
    return found === -2 ? currentManager[user]! : found;
  };

  const employedOn = (user: number, dayIdx: number) =>
    activeFrom[user]! <= dayIdx && dayIdx <= activeTo[user]!;
  const teams = new Map<number, number[]>();
  for (const r of reps) {
    const team = teams.get(currentManager[r]!) ?? [];
    team.push(r);
    teams.set(currentManager[r]!, team);
  }

  return {
    users,
    managerHistory: moves,
    vp,
    directors,
    managers,
    reps,
    activeFrom,
    activeTo,
    managerOn,
    employedOn,
    teams,
  };
}

function range(start: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => start + i);
}
