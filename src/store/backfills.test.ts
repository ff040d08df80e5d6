// Protects backfill checkpoints: a page commits once (a page run twice counts once and never moves
// the checkpoint back), and pause/resume move only from the state they expect.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type RedisFixture, redisFixture } from '../../test/support/redis.js';
import { Backfills } from './backfills.js';

const NOW = '2026-03-01T00:00:00.000Z';

describe('Backfills', () => {
  let t: RedisFixture;
  let backfills: Backfills;
  beforeEach(async () => {
    t = redisFixture('backfills');
    backfills = new Backfills(t.redis, t.keys.tenant('acme'));
    await backfills.create(
      { id: 'b1', from: '2026-01-01', to: '2026-03-31', dryRun: false, pageSize: 10 },
      null,
      NOW,
    );
  });
  afterEach(() => t.cleanup());

  it('commits each page once and keeps its counters', async () => {
    expect(await backfills.commitPage('b1', 0, 'tok1', { dealsPulled: 10, dealsEvaluated: 10 }, 3, NOW)).toBe(
      true,
    );
    expect(await backfills.commitPage('b1', 0, 'tok1', { dealsPulled: 10, dealsEvaluated: 10 }, 3, NOW)).toBe(
      false,
    );
    expect(await backfills.commitPage('b1', 1, null, { dealsPulled: 4 }, 5, NOW)).toBe(true);

    const s = await backfills.get('b1');
    expect(s).toMatchObject({
      page: null,
      pageNumber: 2,
      pages: 2,
      allPagesDone: true,
      dealsPulled: 14,
      dealsEvaluated: 10,
      maxPageCalls: 5,
      status: 'running',
    });
  });

  it('pauses a running backfill and resumes it with a new run number', async () => {
    expect(await backfills.transition('b1', 'paused', 'running', '', NOW)).toBe('running');
    expect(await backfills.transition('b1', 'running', 'paused', 'paused by an admin', NOW)).toBe('paused');
    expect(await backfills.get('b1')).toMatchObject({
      status: 'paused',
      reason: 'paused by an admin',
      run: 0,
    });
    expect(await backfills.transition('b1', 'paused', 'running', '', NOW)).toBe('running');
    expect(await backfills.get('b1')).toMatchObject({ status: 'running', reason: null, run: 1 });
    expect(await backfills.transition('nope', 'running', 'paused', '', NOW)).toBeNull();
  });
});
