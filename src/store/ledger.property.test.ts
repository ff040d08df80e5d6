// Protects the ledger's central promise (DESIGN.md "The flow", 3): after any sequence of deals
// created, changed, won, lost, re-owned, activities added and quotas changed, the incremental
// ledger and rows equal a full recompute of the same org from scratch.
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { redisFixture } from '../../test/support/redis.js';
import { deal, meeting, POLICY, QUOTAS, smallOrg } from '../../test/support/small-org.js';
import { attainmentRows, touchedManagerPeriods } from '../domain/attainment.js';
import { evaluateAll } from '../domain/engine.js';
import { evaluateDeal } from '../domain/evaluate-deal.js';
import { prepareOrg } from '../domain/org-context.js';
import type { Activity, Deal, Quota } from '../domain/snapshot.js';
import { Ledger } from './ledger.js';
import { quotaChanges, Rows } from './rows.js';

const DEAL_IDS = ['D0', 'D1', 'D2', 'D3', 'D4'];
const OWNERS = ['R1', 'R2', 'R3'];
const MANAGERS = ['M1', 'M2'];
const AMOUNTS = ['100.00', '250.50', '1000', '0.01'];
const CLOSE_DATES = ['2026-02-10', '2026-03-31', '2026-04-01', '2026-06-30'];
const ACTIVITY_DATES = ['2026-01-05', '2026-02-01', '2026-03-30', '2026-05-15'];
const PERIODS = ['FY2026-Q1', 'FY2026-Q2', 'FY2026-Q3'];

type Command =
  | { kind: 'upsert'; id: string; ownerId: string; amount: string; closeDate: string; won: boolean }
  | { kind: 'won'; id: string; won: boolean }
  | { kind: 'reown'; id: string; ownerId: string }
  | { kind: 'amount'; id: string; amount: string }
  | { kind: 'activity'; dealId: string; userIds: string[]; date: string; external: boolean }
  | { kind: 'quota'; managerId: string; period: string; amount: string | null };

const pick = (xs: string[]) => fc.constantFrom(...xs);
const command: fc.Arbitrary<Command> = fc.oneof(
  fc.record({
    kind: fc.constant('upsert' as const),
    id: pick(DEAL_IDS),
    ownerId: pick(OWNERS),
    amount: pick(AMOUNTS),
    closeDate: pick(CLOSE_DATES),
    won: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('won' as const), id: pick(DEAL_IDS), won: fc.boolean() }),
  fc.record({ kind: fc.constant('reown' as const), id: pick(DEAL_IDS), ownerId: pick(OWNERS) }),
  fc.record({ kind: fc.constant('amount' as const), id: pick(DEAL_IDS), amount: pick(AMOUNTS) }),
  fc.record({
    kind: fc.constant('activity' as const),
    dealId: pick(DEAL_IDS),
    userIds: fc.subarray([...OWNERS, ...MANAGERS], { minLength: 1 }),
    date: pick(ACTIVITY_DATES),
    external: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant('quota' as const),
    managerId: pick(MANAGERS),
    period: pick(PERIODS),
    amount: fc.option(pick(AMOUNTS), { nil: null }),
  }),
);

describe('ledger: incremental equals full recompute', () => {
  const t = redisFixture('ledger-prop');
  afterAll(() => t.cleanup());
  let run = 0;

  it('holds for random event sequences, with rebuilds deferred at random', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(command, fc.boolean()), { maxLength: 30 }), async (steps) => {
        const keys = t.keys.tenant(`run-${run++}`);
        const ledger = new Ledger(t.redis, keys);
        const rows = new Rows(t.redis, keys);
        const deals = new Map<string, Deal>();
        const activities: Activity[] = [];
        let quotas: Quota[] = QUOTAS;
        let ctx = prepareOrg(smallOrg(quotas), POLICY);
        // The first org pull: every quota is new.
        await rows.markPending(quotaChanges([], quotas));

        const reevaluate = async (id: string) => {
          const d = deals.get(id);
          if (d === undefined) return;
          await ledger.apply([
            evaluateDeal(
              ctx,
              d,
              activities.filter((a) => a.dealIds.includes(id)),
            ),
          ]);
        };

        for (const [c, flush] of steps) {
          switch (c.kind) {
            case 'upsert':
              deals.set(c.id, deal(c.id, c));
              await reevaluate(c.id);
              break;
            case 'won':
            case 'reown':
            case 'amount': {
              const d = deals.get(c.id);
              if (d === undefined) break;
              const { kind: _kind, id: _id, ...change } = c;
              deals.set(c.id, { ...d, ...change });
              await reevaluate(c.id);
              break;
            }
            case 'activity': {
              const a = meeting(`A${activities.length}`, [c.dealId], c.userIds, c.date);
              if (!c.external) a.participants = a.participants.filter((p) => p.userId !== undefined);
              activities.push(a);
              await reevaluate(c.dealId);
              break;
            }
            case 'quota': {
              const next = quotas.filter((q) => q.managerId !== c.managerId || q.period !== c.period);
              if (c.amount !== null)
                next.push({ managerId: c.managerId, period: c.period, amount: c.amount });
              await rows.markPending(quotaChanges(quotas, next));
              quotas = next;
              ctx = prepareOrg(smallOrg(quotas), POLICY);
              break;
            }
          }
          if (flush) await rows.rebuild(ctx, await rows.pending());
        }
        await rows.rebuild(ctx, await rows.pending());

        const full = evaluateAll(ctx, { deals: [...deals.values()], activities });
        const byId = (a: { dealId: string }, b: { dealId: string }) => (a.dealId < b.dealId ? -1 : 1);
        expect((await ledger.all()).sort(byId)).toEqual(full.sort(byId));
        expect(await rows.all()).toEqual(attainmentRows(ctx, full));
        // And each manager-period set holds exactly the deals whose evaluation touches it.
        const expectedSets = new Map<string, string[]>();
        for (const ev of full) {
          for (const mp of touchedManagerPeriods(ev)) {
            const key = keys.managerPeriod(mp.managerId, mp.period);
            expectedSets.set(key, [...(expectedSets.get(key) ?? []), ev.dealId].sort());
          }
        }
        for (const managerId of MANAGERS) {
          for (const period of PERIODS) {
            const key = keys.managerPeriod(managerId, period);
            expect((await t.redis.smembers(key)).sort()).toEqual(expectedSets.get(key) ?? []);
          }
        }
      }),
      { numRuns: 60 },
    );
  });
});
