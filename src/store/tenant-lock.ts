/**
 * The lock that serializes a tenant's pull-and-apply and write-back steps across every worker on
 * every machine. Two syncs of one deal running side by side could apply an older read after a
 * newer one, and a pull that lands while a write-back runs could record the CRM's values from
 * before that write; under the lock each step sees the previous one finished. Tenants do not
 * wait for each other. The lock has a TTL, renewed while held, so a worker killed while holding it
 * delays the tenant by one TTL at most.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { PlayercoachError } from '../errors.js';
import { runScript } from './redis-helpers.js';

const EXTEND_LUA = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`;
const RELEASE_LUA = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/** Thrown when another worker holds the tenant's lock; the job is put back for a moment, at no attempt's cost. */
export class LockBusyError extends PlayercoachError {
  constructor(key: string) {
    super('CONFLICT', `the tenant is busy (${key})`, { retryable: true });
    this.name = 'LockBusyError';
  }
}

export async function withTenantLock<T>(
  redis: Redis,
  key: string,
  ttlMs: number,
  fn: () => Promise<T>,
): Promise<T> {
  const token = randomUUID();
  const ok = await redis.set(key, token, 'PX', ttlMs, 'NX');
  if (ok !== 'OK') throw new LockBusyError(key);
  const timer = setInterval(
    () => {
      // A failed renewal surfaces as the next holder's progress; the step itself is idempotent.
      runScript(redis, EXTEND_LUA, [key], [token, ttlMs]).catch(() => undefined);
    },
    Math.max(100, Math.floor(ttlMs / 3)),
  );
  try {
    return await fn();
  } finally {
    clearInterval(timer);
    await runScript(redis, RELEASE_LUA, [key], [token]);
  }
}
