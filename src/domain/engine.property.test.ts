// Protects the engine's invariants on arbitrary orgs: input order never matters, unrelated
// activities change nothing, a 100% split is the owner basis, the output is the same on every run,
// and rebuilding only the rows a changed deal touches equals a full recompute.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { attainmentRow, attainmentRows, touchedManagerPeriods } from './attainment.js';
import { compute, evaluateAll } from './engine.js';
import { evaluateDeal } from './evaluate-deal.js';
import { prepareOrg, quotaKey } from './org-context.js';
import type { PolicyInput } from './policy.js';
import type { AttainmentRow, DealEvaluation } from './results.js';
import type { SnapshotInput } from './snapshot.js';
import { arbitraryOrg, arbitraryPolicy, shuffleAll } from './testing/arbitrary-org.js';
import { policyOf, snapshotOf } from './testing/org-builder.js';
import { recountAttainment } from './testing/recount.js';

const RUNS = { numRuns: 150 };

function computeJson(input: SnapshotInput, policy: PolicyInput): string {
  return JSON.stringify(compute(snapshotOf(input), policyOf(policy)));
}

describe('engine properties', () => {
  it('shuffling any input array changes nothing', () => {
    fc.assert(
      fc.property(arbitraryOrg(), arbitraryPolicy, fc.integer(), (input, policy, seed) => {
        const [input2, policy2] = shuffleAll(input, policy, seed);
        expect(computeJson(input2, policy2)).toBe(computeJson(input, policy));
      }),
      RUNS,
    );
  });

  it('activities unrelated to a deal change nothing for it', () => {
    fc.assert(
      fc.property(arbitraryOrg(), arbitraryOrg(), arbitraryPolicy, (input, noise, policy) => {
        const target = input.deals[0];
        fc.pre(target !== undefined);
        const unrelated = noise.activities
          .map((a) => ({
            ...a,
            id: `NOISE${a.id}`,
            dealIds: (a.dealIds ?? []).filter((id) => id !== target.id),
          }))
          .filter(
            (a) =>
              a.dealIds.length > 0 || !policy.includeAccountActivities || a.accountId !== target.accountId,
          )
          // Linked only to deal ids that name no deal, an activity is an account activity: keep it off this account.
          .filter(
            (a) =>
              a.dealIds.some((id) => input.deals.some((d) => d.id === id)) ||
              a.accountId !== target.accountId,
          );
        const before = compute(snapshotOf(input), policyOf(policy)).decisions.filter(
          (d) => d.dealId === target.id,
        );
        const withNoise = { ...input, activities: [...input.activities, ...unrelated] };
        const after = compute(snapshotOf(withNoise), policyOf(policy)).decisions.filter(
          (d) => d.dealId === target.id,
        );
        expect(after).toEqual(before);
      }),
      RUNS,
    );
  });

  it('one 100% split of the owner equals the owner basis', () => {
    fc.assert(
      fc.property(arbitraryOrg(), arbitraryPolicy, (input, policy) => {
        const owner = computeAll(
          { ...input, deals: input.deals.map((d) => ({ ...d, splits: [] })) },
          { ...policy, creditBasis: 'owner' },
        );
        const split = computeAll(
          {
            ...input,
            deals: input.deals.map((d) => ({ ...d, splits: [{ userId: d.ownerId, percent: '100' }] })),
          },
          { ...policy, creditBasis: 'splits' },
        );
        // The reasons differ only in naming the split; everything counted is the same.
        const strip = (r: ReturnType<typeof computeAll>) => ({
          decisions: r.decisions.map(({ reason: _, ...d }) => d),
          attainment: r.attainment,
          fields: r.fields.map(({ reason: _, ...f }) => f),
        });
        expect(strip(split)).toEqual(strip(owner));
      }),
      RUNS,
    );
  });

  it('attainment rows agree with a plain recount of the decisions and deals', () => {
    fc.assert(
      fc.property(arbitraryOrg(), arbitraryPolicy, (input, policy) => {
        const snapshot = snapshotOf(input);
        const result = compute(snapshot, policyOf(policy));
        expect(result.attainment).toEqual(recountAttainment(snapshot, policyOf(policy), result.decisions));
      }),
      RUNS,
    );
  });

  it('the output is identical across runs', () => {
    fc.assert(
      fc.property(arbitraryOrg(), arbitraryPolicy, (input, policy) => {
        const first = computeJson(input, policy);
        expect(computeJson(structuredClone(input), { ...policy })).toBe(first);
      }),
      { numRuns: 50 },
    );
  });

  it('rebuilding only the rows a changed deal touches equals a full recompute', () => {
    fc.assert(
      fc.property(
        arbitraryOrg(),
        arbitraryPolicy,
        fc.nat(),
        fc.record({
          won: fc.boolean(),
          ownerId: fc.constantFrom('R1', 'R2', 'R0', 'M1'),
          closeDate: fc.constantFrom('2026-01-15', '2026-04-15'),
        }),
        (input, policy, pick, change) => {
          fc.pre(input.deals.length > 0);
          const snapshot = snapshotOf(input);
          const ctx = prepareOrg(snapshot, policyOf(policy));
          const ledger = new Map<string, DealEvaluation>();
          for (const ev of evaluateAll(ctx, snapshot)) ledger.set(ev.dealId, ev);
          const rows = new Map<string, AttainmentRow>();
          for (const r of attainmentRows(ctx, ledger.values())) rows.set(quotaKey(r.managerId, r.period), r);

          // One deal changes; the ledger swaps its evaluation and rebuilds the rows either version touches.
          const index = pick % snapshot.deals.length;
          const changedDeal = { ...snapshot.deals[index]!, ...change };
          const changed = {
            ...snapshot,
            deals: snapshot.deals.map((d, i) => (i === index ? changedDeal : d)),
          };
          const newEv = evaluateAll(ctx, changed)[index]!;
          const oldEv = ledger.get(changedDeal.id)!;
          ledger.set(changedDeal.id, newEv);
          for (const { managerId, period } of [
            ...touchedManagerPeriods(oldEv),
            ...touchedManagerPeriods(newEv),
          ]) {
            const touching = [...ledger.values()].filter((ev) =>
              touchedManagerPeriods(ev).some((mp) => mp.managerId === managerId && mp.period === period),
            );
            const row = attainmentRow(ctx, managerId, period, touching);
            if (row === null) rows.delete(quotaKey(managerId, period));
            else rows.set(quotaKey(managerId, period), row);
          }
          const incremental = [...rows.values()].sort((a, b) =>
            a.managerId < b.managerId ? -1 : a.managerId > b.managerId ? 1 : a.period < b.period ? -1 : 1,
          );
          expect(incremental).toEqual(compute(changed, policyOf(policy)).attainment);
          expect(newEv).toEqual(
            evaluateDeal(
              ctx,
              changedDeal,
              candidatesIn(changed, changedDeal.id, ctx.policy.includeAccountActivities),
            ),
          );
        },
      ),
      RUNS,
    );
  });
});

function computeAll(input: SnapshotInput, policy: PolicyInput) {
  const snapshot = snapshotOf(input);
  const ctx = prepareOrg(snapshot, policyOf(policy));
  const evaluations = evaluateAll(ctx, snapshot);
  return { ...compute(snapshot, policyOf(policy)), fields: evaluations.map((e) => e.fields) };
}

/** The candidates of one deal, found the slow and obvious way. */
function candidatesIn(snapshot: ReturnType<typeof snapshotOf>, dealId: string, includeAccount: boolean) {
  const deal = snapshot.deals.find((d) => d.id === dealId)!;
  const known = new Set(snapshot.deals.map((d) => d.id));
  return snapshot.activities.filter(
    (a) =>
      a.dealIds.includes(dealId) ||
      (includeAccount &&
        deal.accountId !== null &&
        a.accountId === deal.accountId &&
        !a.dealIds.some((id) => known.has(id))),
  );
}
