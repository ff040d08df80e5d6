// Protects the ledger: a changed deal moves between exactly the manager-period sets of its old and
// new evaluation, marks its rows and itself, and applying the same evaluation again changes nothing.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type RedisFixture, redisFixture } from '../../test/support/redis.js';
import { deal, meeting, POLICY, smallOrg } from '../../test/support/small-org.js';
import { touchedManagerPeriods } from '../domain/attainment.js';
import { evaluateDeal } from '../domain/evaluate-deal.js';
import { prepareOrg } from '../domain/org-context.js';
import type { TenantKeys } from './keys.js';
import { Ledger } from './ledger.js';

const ctx = prepareOrg(smallOrg(), POLICY);

describe('Ledger', () => {
  let t: RedisFixture;
  let keys: TenantKeys;
  let ledger: Ledger;

  beforeEach(() => {
    t = redisFixture('ledger');
    keys = t.keys.tenant('acme');
    ledger = new Ledger(t.redis, keys);
  });
  afterEach(() => t.cleanup());

  const members = (key: string) => t.redis.smembers(key).then((m) => m.sort());

  it('stores a new evaluation, adds the deal to its manager-periods and marks it and its rows', async () => {
    const ev = evaluateDeal(ctx, deal('D1'), [meeting('A1', ['D1'], ['R1', 'M1'])]);
    const result = await ledger.apply([ev]);

    expect(result).toEqual({ changed: ['D1'], touched: [{ managerId: 'M1', period: 'FY2026-Q1' }] });
    expect((await ledger.get(['D1'])).get('D1')).toEqual(ev);
    expect(await members(keys.managerPeriod('M1', 'FY2026-Q1'))).toEqual(['D1']);
    expect(await members(keys.dirtyDeals)).toEqual(['D1']);
    expect(await members(keys.pendingRows)).toEqual(['M1:FY2026-Q1']);
  });

  it('reads back many deals in any order, each its own evaluation, leaving out the unknown ones', async () => {
    // More than one read chunk, so ids on both sides of each chunk edge are checked.
    const evs = Array.from({ length: 4500 }, (_, i) =>
      evaluateDeal(ctx, deal(`D${i}`, { amount: `${i + 1}.00` }), []),
    );
    await ledger.apply(evs);
    const wanted = [...evs.map((ev) => ev.dealId).reverse(), 'NOPE', 'D17'];

    const got = await ledger.get(wanted);
    expect(got.size).toBe(4500);
    expect(got.has('NOPE')).toBe(false);
    for (const ev of evs) expect(got.get(ev.dealId)).toEqual(ev);
  });

  it('applying the same evaluation twice changes nothing the second time', async () => {
    const ev = evaluateDeal(ctx, deal('D1'), [meeting('A1', ['D1'], ['R1', 'M1'])]);
    await ledger.apply([ev]);
    await t.redis.del(keys.dirtyDeals, keys.pendingRows);

    expect(await ledger.apply([structuredClone(ev)])).toEqual({ changed: [], touched: [] });
    expect(await t.redis.exists(keys.dirtyDeals, keys.pendingRows)).toBe(0);
  });

  it('a re-owned deal leaves its old manager-period and joins the new one; both are touched', async () => {
    await ledger.apply([evaluateDeal(ctx, deal('D1'), [])]);
    const moved = evaluateDeal(ctx, deal('D1', { ownerId: 'R3' }), []);
    const result = await ledger.apply([moved]);

    expect(result.touched).toEqual([
      { managerId: 'M1', period: 'FY2026-Q1' },
      { managerId: 'M2', period: 'FY2026-Q1' },
    ]);
    expect(await members(keys.managerPeriod('M1', 'FY2026-Q1'))).toEqual([]);
    expect(await members(keys.managerPeriod('M2', 'FY2026-Q1'))).toEqual(['D1']);
  });

  it('a deal moved to another quarter leaves the old period set', async () => {
    await ledger.apply([evaluateDeal(ctx, deal('D1'), [])]);
    const result = await ledger.apply([evaluateDeal(ctx, deal('D1', { closeDate: '2026-04-02' }), [])]);
    expect(result.touched).toEqual([
      { managerId: 'M1', period: 'FY2026-Q1' },
      { managerId: 'M1', period: 'FY2026-Q2' },
    ]);
    expect(await ledger.dealsIn('M1', 'FY2026-Q1')).toEqual([]);
    expect((await ledger.dealsIn('M1', 'FY2026-Q2')).map((e) => e.dealId)).toEqual(['D1']);
  });

  it('removing a deal takes it out of the ledger and its sets', async () => {
    await ledger.apply([evaluateDeal(ctx, deal('D1'), []), evaluateDeal(ctx, deal('D2'), [])]);
    const result = await ledger.remove(['D1', 'D9']);
    expect(result).toEqual({ changed: ['D1'], touched: [{ managerId: 'M1', period: 'FY2026-Q1' }] });
    expect([...(await ledger.get(['D1', 'D2'])).keys()]).toEqual(['D2']);
    expect(await members(keys.managerPeriod('M1', 'FY2026-Q1'))).toEqual(['D2']);
  });

  it('concurrent applies of one deal leave it in exactly the sets of the evaluation that won', async () => {
    const owners = ['R1', 'R2', 'R3', 'R1', 'R3', 'R2', 'R3', 'R1'];
    const ledgers = owners.map(() => new Ledger(t.redis, keys));
    const evs = owners.map((ownerId, i) =>
      evaluateDeal(ctx, deal('D1', { ownerId, closeDate: i % 2 ? '2026-03-15' : '2026-05-01' }), []),
    );
    await Promise.all(ledgers.map((l, i) => l.apply([evs[i]!])));

    const final = (await ledger.get(['D1'])).get('D1')!;
    for (const managerId of ['M1', 'M2']) {
      for (const period of ['FY2026-Q1', 'FY2026-Q2']) {
        const expected = touchedManagerPeriods(final).some(
          (mp) => mp.managerId === managerId && mp.period === period,
        );
        expect(await members(keys.managerPeriod(managerId, period))).toEqual(expected ? ['D1'] : []);
      }
    }
  });

  it('applies thousands of deals in chunks', async () => {
    const evs = Array.from({ length: 1200 }, (_, i) => evaluateDeal(ctx, deal(`D${i}`), []));
    const result = await ledger.apply(evs);
    expect(result.changed).toHaveLength(1200);
    expect(await ledger.count()).toBe(1200);
    expect(await t.redis.scard(keys.managerPeriod('M1', 'FY2026-Q1'))).toBe(1200);
  });
});
