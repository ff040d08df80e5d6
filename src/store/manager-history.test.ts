// Protects the manager history the service keeps: a change is recorded the day it is seen, the
// manager before it is kept for older deals, and an admin's entry for a day wins over an observation.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type RedisFixture, redisFixture } from '../../test/support/redis.js';
import type { User } from '../domain/snapshot.js';
import { BEGINNING, ManagerHistory } from './manager-history.js';

const user = (id: string, managerId: string | null): User => ({
  id,
  name: id,
  email: `${id}@acme.com`,
  managerId,
  active: true,
});

describe('ManagerHistory', () => {
  let t: RedisFixture;
  let history: ManagerHistory;
  beforeEach(() => {
    t = redisFixture('history');
    history = new ManagerHistory(t.redis, t.keys.tenant('acme'));
  });
  afterEach(() => t.cleanup());

  it('records nothing on first sight, then each change dated the day it was seen', async () => {
    expect(await history.observe([user('R1', 'M0'), user('R2', null)], '2026-01-10')).toEqual([]);
    expect(await history.observe([user('R1', 'M0'), user('R2', null)], '2026-01-11')).toEqual([]);
    await history.observe([user('R1', 'M1'), user('R2', 'M1')], '2026-02-01');
    await history.observe([user('R1', 'M2'), user('R2', 'M1')], '2026-03-05');

    expect(await history.list()).toEqual([
      { userId: 'R1', managerId: 'M0', from: BEGINNING },
      { userId: 'R1', managerId: 'M1', from: '2026-02-01' },
      { userId: 'R1', managerId: 'M2', from: '2026-03-05' },
      { userId: 'R2', managerId: null, from: BEGINNING },
      { userId: 'R2', managerId: 'M1', from: '2026-02-01' },
    ]);
  });

  it("keeps an admin's earlier-dated change, and it wins over an observation of the same day", async () => {
    await history.observe([user('R1', 'M0')], '2026-01-10');
    await history.add({ userId: 'R1', managerId: 'M1', from: '2025-12-01' });
    await history.observe([user('R1', 'M2')], '2026-02-01');
    await history.add({ userId: 'R1', managerId: 'M3', from: '2026-02-01' });

    expect(await history.list()).toEqual([
      { userId: 'R1', managerId: 'M1', from: '2025-12-01' },
      { userId: 'R1', managerId: 'M3', from: '2026-02-01' },
    ]);
  });
});
