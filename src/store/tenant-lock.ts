/**
 * The lock that serializes a tenant's pull-and-apply and write-back steps across every worker on
 * every machine. Two syncs of one deal running side by side could apply an older read after a
 * newer one, and a pull that lands while a write-back runs could record the CRM's values from
 * before that write; under the lock each step sees the previous one finished. Tenants do not
 * wait for each other. The lock has a TTL, renewed while held, so a worker killed while holding it
 * delays the tenant by one TTL at most.
 *
 * Every acquisition also takes the next number of a per-tenant counter (`<lock key>:fence`), so
 * a holder can tell whether anyone else held the lock since an earlier hold of its own: a
 * backfill page pulled ahead under one hold is used by the next hold only if its number is the
 * very next one.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { PlayercoachError } from '../errors.js';
import { runScript } from './redis-helpers.js';

const EXTEND_LUA = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`;
// KEYS: the lock, its counter. ARGV: token, ttl. The counter's next number, or 0 when held by another.
const ACQUIRE_LUA = `if redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2], 'NX') then return redis.call('INCR', KEYS[2]) end return 0`;
const RELEASE_LUA = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/** Thrown when another worker holds the tenant's lock; the job is put back for a moment, at no attempt's cost. */
export class LockBusyError extends PlayercoachError {
  constructor(key: string) {
    super('CONFLICT', `the tenant is busy (${key})`, { retryable: true });
    this.name = 'LockBusyError';
  }
}

/** One hold of a tenant's lock. */
export interface LockHold {
  /** This acquisition's number: one more than the previous acquisition's, by whichever worker. */
  fence: number;
}

export async function withTenantLock<T>(
  redis: Redis,
  key: string,
  ttlMs: number,
  fn: (hold: LockHold) => Promise<T>,
): Promise<T> {
  const token = randomUUID();
  const fence = Number(await runScript(redis, ACQUIRE_LUA, [key, `${key}:fence`], [token, ttlMs]));
  if (fence === 0) throw new LockBusyError(key);
  const timer = setInterval(
    () => {
      // A failed renewal surfaces as the next holder's progress; the step itself is idempotent.
      runScript(redis, EXTEND_LUA, [key], [token, ttlMs]).catch(() => undefined);
    },
    Math.max(100, Math.floor(ttlMs / 3)),
  );
  try {
    return await fn({ fence });
  } finally {
    clearInterval(timer);
    await runScript(redis, RELEASE_LUA, [key], [token]);
  }
}
