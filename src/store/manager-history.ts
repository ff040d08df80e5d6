/**
 * The manager history the service keeps (DESIGN.md "Normalized model", managerHistory): neither
 * CRM remembers who a user's manager used to be, so every org pull compares each user's manager
 * with the last one seen and records a change dated the day it was seen, in the tenant's time
 * zone. An admin may enter a change with an earlier date. The snapshot's `managerHistory` is this
 * list.
 */
import type { Redis } from 'ioredis';
import type { ManagerChange, User } from '../domain/snapshot.js';
import type { TenantKeys } from './keys.js';

/**
 * The first change seen for a user also records the manager they had before, from this date on:
 * without it, a deal that closed before the change would fall back to `users[].managerId`, which
 * is already the new manager.
 */
export const BEGINNING = '1970-01-01';

export interface RecordedChange extends ManagerChange {
  source: 'observed' | 'admin';
}

export class ManagerHistory {
  constructor(
    private readonly redis: Redis,
    private readonly keys: TenantKeys,
  ) {}

  /**
   * The history as the engine reads it: one entry per (user, date), the last recorded winning,
   * so an admin's correction for a day replaces what was observed that day.
   */
  async list(): Promise<ManagerChange[]> {
    const raw = await this.redis.lrange(this.keys.managerHistory, 0, -1);
    const byDay = new Map<string, ManagerChange>();
    for (const json of raw) {
      const { userId, managerId, from } = JSON.parse(json) as RecordedChange;
      byDay.set(`${userId}\u0000${from}`, { userId, managerId, from });
    }
    return [...byDay.values()].sort((a, b) =>
      a.userId !== b.userId ? (a.userId < b.userId ? -1 : 1) : a.from < b.from ? -1 : a.from > b.from ? 1 : 0,
    );
  }

  /** An admin-entered change; it may carry any date, earlier ones included. */
  async add(change: ManagerChange): Promise<void> {
    const entry: RecordedChange = { ...change, source: 'admin' };
    await this.redis.rpush(this.keys.managerHistory, JSON.stringify(entry));
  }

  /**
   * Compares the users' managers with the last seen and records a change dated `today` for each
   * that differs. Returns the changes recorded. A user seen for the first time records nothing:
   * their manager then is all anyone knows.
   */
  async observe(users: readonly User[], today: string): Promise<ManagerChange[]> {
    const [seen, raw] = await Promise.all([
      this.redis.hgetall(this.keys.managersSeen),
      this.redis.lrange(this.keys.managerHistory, 0, -1),
    ]);
    const withHistory = new Set(raw.map((json) => (JSON.parse(json) as RecordedChange).userId));
    const entries: RecordedChange[] = [];
    const updates: string[] = [];
    for (const u of users) {
      const now = u.managerId ?? '';
      const before = seen[u.id];
      if (before === now) continue;
      updates.push(u.id, now);
      if (before === undefined) continue;
      if (!withHistory.has(u.id)) {
        entries.push({
          userId: u.id,
          managerId: before === '' ? null : before,
          from: BEGINNING,
          source: 'observed',
        });
      }
      entries.push({ userId: u.id, managerId: u.managerId, from: today, source: 'observed' });
    }
    if (updates.length === 0) return [];
    const tx = this.redis.multi();
    if (entries.length > 0) tx.rpush(this.keys.managerHistory, ...entries.map((e) => JSON.stringify(e)));
    tx.hset(this.keys.managersSeen, ...updates);
    await tx.exec();
    return entries.map(({ userId, managerId, from }) => ({ userId, managerId, from }));
  }
}
