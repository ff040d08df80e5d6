// Protects the incremental rows: a rebuilt manager-period equals the engine's row for it, an empty
// one is deleted, and only rows that really changed are marked for the write-back.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type RedisFixture, redisFixture } from '../../test/support/redis.js';
import { deal, meeting, POLICY, QUOTAS, smallOrg } from '../../test/support/small-org.js';
import { attainmentRows } from '../domain/attainment.js';
import { evaluateDeal } from '../domain/evaluate-deal.js';
import { prepareOrg } from '../domain/org-context.js';
import type { TenantKeys } from './keys.js';
import { Ledger } from './ledger.js';
import { quotaChanges, Rows } from './rows.js';

const ctx = prepareOrg(smallOrg(), POLICY);

describe('Rows', () => {
  let t: RedisFixture;
  let keys: TenantKeys;
  let ledger: Ledger;
  let rows: Rows;

  beforeEach(() => {
    t = redisFixture('rows');
    keys = t.keys.tenant('acme');
    ledger = new Ledger(t.redis, keys);
    rows = new Rows(t.redis, keys);
  });
  afterEach(() => t.cleanup());

  it('rebuilds the touched rows as the engine computes them and marks them and their managers', async () => {
    const evs = [
      evaluateDeal(ctx, deal('D1'), [meeting('A1', ['D1'], ['R1', 'M1'])]),
      evaluateDeal(ctx, deal('D2', { ownerId: 'R3', amount: '50' }), []),
    ];
    const { touched } = await ledger.apply(evs);
    expect(await rows.pending()).toHaveLength(2);

    const changed = await rows.rebuild(ctx, touched);
    expect(changed.sort()).toEqual(['M1:FY2026-Q1', 'M2:FY2026-Q1']);
    const expected = attainmentRows(ctx, evs).filter((r) => r.period === 'FY2026-Q1');
    expect(await rows.all()).toEqual(expected);
    expect(await rows.pending()).toEqual([]);
    expect((await t.redis.smembers(keys.dirtyUsers)).sort()).toEqual(['M1', 'M2']);
  });

  it('rebuilds from the evaluations of entries kept without contributions, as an earlier version wrote them', async () => {
    const evs = [
      evaluateDeal(ctx, deal('D1'), [meeting('A1', ['D1'], ['R1', 'M1'])]),
      evaluateDeal(ctx, deal('D2', { amount: '70' }), [meeting('A2', ['D2'], ['R1', 'M1'])]),
      evaluateDeal(ctx, deal('D3', { ownerId: 'R3', amount: '50' }), []),
    ];
    const { touched } = await ledger.apply(evs);
    expect(await t.redis.hlen(keys.ledgerContributions)).toBe(3);
    await t.redis.hdel(keys.ledgerContributions, 'D1', 'D3');
    await rows.rebuild(ctx, touched);
    expect(await rows.all()).toEqual(attainmentRows(ctx, evs).filter((r) => r.period === 'FY2026-Q1'));
  });

  it('drops the contribution of a deal removed from the ledger', async () => {
    const { touched } = await ledger.apply([
      evaluateDeal(ctx, deal('D1'), [meeting('A1', ['D1'], ['R1', 'M1'])]),
    ]);
    await rows.rebuild(ctx, touched);
    const removed = await ledger.remove(['D1']);
    expect(await t.redis.hlen(keys.ledgerContributions)).toBe(0);
    await rows.rebuild(ctx, removed.touched);
    expect((await rows.get(['M1:FY2026-Q1'])).get('M1:FY2026-Q1')).toMatchObject({
      credited: '0.00',
      assistedDeals: 0,
    });
  });

  it('marks nothing when a rebuild gives the same row', async () => {
    const { touched } = await ledger.apply([evaluateDeal(ctx, deal('D1'), [])]);
    await rows.rebuild(ctx, touched);
    await t.redis.del(keys.dirtyRows, keys.dirtyUsers);
    expect(await rows.rebuild(ctx, touched)).toEqual([]);
    expect(await t.redis.exists(keys.dirtyRows, keys.dirtyUsers)).toBe(0);
  });

  it('deletes a row left with neither a quota nor a decision, and marks it', async () => {
    const first = await ledger.apply([
      evaluateDeal(ctx, deal('D1', { ownerId: 'R3', closeDate: '2026-05-01' }), []),
    ]);
    await rows.rebuild(ctx, first.touched);
    expect((await rows.get(['M2:FY2026-Q2'])).size).toBe(1);

    const second = await ledger.apply([evaluateDeal(ctx, deal('D1', { ownerId: 'R3', won: false }), [])]);
    await t.redis.del(keys.dirtyRows);
    expect(await rows.rebuild(ctx, second.touched)).toEqual(['M2:FY2026-Q2']);
    expect((await rows.get(['M2:FY2026-Q2'])).size).toBe(0);
    expect(await t.redis.smembers(keys.dirtyRows)).toEqual(['M2:FY2026-Q2']);
  });
});

describe('quotaChanges', () => {
  it('names added, removed and changed quotas, not equal ones written differently', () => {
    const after = [
      { managerId: 'M1', period: 'FY2026-Q1', amount: '1000' },
      { managerId: 'M2', period: 'FY2026-Q1', amount: '2500.00' },
      { managerId: 'M2', period: 'FY2026-Q3', amount: '10.00' },
    ];
    expect(quotaChanges(QUOTAS, after)).toEqual([
      { managerId: 'M1', period: 'FY2026-Q2' },
      { managerId: 'M2', period: 'FY2026-Q1' },
      { managerId: 'M2', period: 'FY2026-Q3' },
    ]);
  });
});
