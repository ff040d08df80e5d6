// Protects the per-tenant lock: one holder at a time per tenant, released after use, other tenants free.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type RedisFixture, redisFixture } from '../../test/support/redis.js';
import { LockBusyError, withTenantLock } from './tenant-lock.js';

describe('withTenantLock', () => {
  let t: RedisFixture;
  beforeEach(() => {
    t = redisFixture('lock');
  });
  afterEach(() => t.cleanup());

  it('refuses a second holder of one tenant, lets another tenant through, and releases', async () => {
    const a = t.keys.tenant('a').syncLock;
    const b = t.keys.tenant('b').syncLock;
    let release!: () => void;
    const held = withTenantLock(t.redis, a, 5000, () => new Promise<void>((r) => (release = r)));
    await expect(withTenantLock(t.redis, a, 5000, async () => 1)).rejects.toBeInstanceOf(LockBusyError);
    expect(await withTenantLock(t.redis, b, 5000, async () => 2)).toBe(2);
    release();
    await held;
    expect(await withTenantLock(t.redis, a, 5000, async () => 3)).toBe(3);
    expect(await t.redis.exists(a)).toBe(0);
  });

  it('numbers the holds of a tenant one after the other, a refused attempt taking no number', async () => {
    const a = t.keys.tenant('a').syncLock;
    const first = await withTenantLock(t.redis, a, 5000, async (hold) => {
      await expect(withTenantLock(t.redis, a, 5000, async () => 0)).rejects.toBeInstanceOf(LockBusyError);
      return hold.fence;
    });
    const second = await withTenantLock(t.redis, a, 5000, async (hold) => hold.fence);
    const other = await withTenantLock(
      t.redis,
      t.keys.tenant('b').syncLock,
      5000,
      async (hold) => hold.fence,
    );
    expect(second).toBe(first + 1);
    expect(other).toBe(1);
  });
});
