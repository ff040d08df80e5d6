/**
 * Attainment rows per manager-period, rebuilt from the ledger. `rebuild` is the incremental
 * recompute: for each manager-period it reads the contributions of the deals in that
 * manager-period's ledger set (src/store/contributions.ts) and runs the engine's `attainmentRow`
 * over them, so it computes exactly what a full `attainmentRows` over every evaluation would for
 * that row. A changed row is stored and marked dirty for the write-back, with its manager (the
 * user record carries the current period's figures).
 */
import { Decimal } from 'decimal.js';
import type { Redis } from 'ioredis';
import {
  attainmentRow,
  compareRows,
  type ManagerPeriod,
  type RowContribution,
} from '../domain/attainment.js';
import type { OrgContext } from '../domain/org-context.js';
import type { AttainmentRow } from '../domain/results.js';
import type { Quota } from '../domain/snapshot.js';
import { attainmentKey } from '../domain/write-back.js';
import type { TenantKeys } from './keys.js';
import { readContributions } from './ledger.js';

/** `<managerId>:<period>` back to its parts; period labels never hold a colon, ids may. */
export function parseRowKey(key: string): ManagerPeriod {
  const at = key.lastIndexOf(':');
  return { managerId: key.slice(0, at), period: key.slice(at + 1) };
}

/** The manager-periods whose quota was added, removed or changed: their rows must be rebuilt. */
export function quotaChanges(before: readonly Quota[], after: readonly Quota[]): ManagerPeriod[] {
  const amounts = (qs: readonly Quota[]) => new Map(qs.map((q) => [attainmentKey(q.managerId, q.period), q]));
  const a = amounts(before);
  const b = amounts(after);
  const changed = new Map<string, ManagerPeriod>();
  for (const [key, q] of a) {
    const now = b.get(key);
    if (now === undefined || !new Decimal(now.amount).equals(q.amount)) changed.set(key, q);
  }
  for (const [key, q] of b) if (!a.has(key)) changed.set(key, q);
  return [...changed.values()].map(({ managerId, period }) => ({ managerId, period })).sort(compareRows);
}

export class Rows {
  constructor(
    private readonly redis: Redis,
    private readonly keys: TenantKeys,
  ) {}

  async get(rowKeys: readonly string[]): Promise<Map<string, AttainmentRow>> {
    const out = new Map<string, AttainmentRow>();
    if (rowKeys.length === 0) return out;
    const raw = await this.redis.hmget(this.keys.rows, ...rowKeys);
    raw.forEach((json, i) => {
      if (json !== null) out.set(rowKeys[i]!, JSON.parse(json) as AttainmentRow);
    });
    return out;
  }

  /** Every row, sorted by managerId then period (as `playercoach compute` prints them). */
  async all(): Promise<AttainmentRow[]> {
    const raw = await this.redis.hvals(this.keys.rows);
    return raw.map((json) => JSON.parse(json) as AttainmentRow).sort(compareRows);
  }

  /** Manager-periods waiting to be rebuilt (marked by the ledger, not yet recomputed). */
  async pending(): Promise<ManagerPeriod[]> {
    return (await this.redis.smembers(this.keys.pendingRows)).map(parseRowKey);
  }

  /** Marks manager-periods for a rebuild, e.g. when their quota changed in the CRM. */
  async markPending(mps: readonly ManagerPeriod[]): Promise<void> {
    if (mps.length === 0) return;
    await this.redis.sadd(this.keys.pendingRows, ...mps.map((mp) => attainmentKey(mp.managerId, mp.period)));
  }

  /**
   * Rebuilds these manager-periods from the ledger; returns the keys of the rows that changed
   * (created, updated, or deleted because the pair has neither a quota nor a decision any more).
   */
  async rebuild(ctx: OrgContext, wanted: readonly ManagerPeriod[]): Promise<string[]> {
    const unique = new Map(wanted.map((mp) => [attainmentKey(mp.managerId, mp.period), mp]));
    if (unique.size === 0) return [];
    const rowKeys = [...unique.keys()];
    const mps = [...unique.values()];
    // Cleared first: a ledger change that lands while this runs marks the pair again, and the
    // recompute job it enqueues runs after this one, so no change is left unrebuilt.
    await this.redis.srem(this.keys.pendingRows, ...rowKeys);

    const read = this.redis.pipeline();
    for (const mp of mps) read.smembers(this.keys.managerPeriod(mp.managerId, mp.period));
    read.hmget(this.keys.rows, ...rowKeys);
    const results = await read.exec();
    const replies = (results ?? []).map(([err, value]) => {
      if (err) throw err;
      return value;
    });
    const members = replies.slice(0, mps.length) as string[][];
    const before = replies[mps.length] as (string | null)[];

    const contributions = await readContributions(this.redis, this.keys, [...new Set(members.flat())]);

    const changed: string[] = [];
    const write = this.redis.multi();
    mps.forEach((mp, i) => {
      const ofRow: RowContribution[] = [];
      for (const id of members[i]!) {
        const contribution = contributions.get(id);
        if (contribution !== undefined) ofRow.push(contribution);
      }
      const row = attainmentRow(ctx, mp.managerId, mp.period, ofRow);
      const json = row === null ? null : JSON.stringify(row);
      if (json === before[i]) return;
      const key = rowKeys[i]!;
      changed.push(key);
      if (json === null) write.hdel(this.keys.rows, key);
      else write.hset(this.keys.rows, key, json);
      write.sadd(this.keys.dirtyRows, key);
      write.sadd(this.keys.dirtyUsers, mp.managerId);
    });
    // An empty MULTI is harmless; skipping the round trip is the point.
    if (changed.length > 0) await write.exec();
    return changed;
  }
}
