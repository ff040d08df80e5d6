// Protects the write-back plan both connectors use: every deal's fields, one attainment record per
// row keyed <managerId>:<period>, and the current-period figures on each manager's user record.
import { describe, expect, it } from 'vitest';
import { attainmentRows } from './attainment.js';
import { evaluateAll } from './engine.js';
import { prepareOrg } from './org-context.js';
import { deal, meeting, org, policyOf, snapshotOf } from './testing/org-builder.js';
import { buildWriteBackPlan } from './write-back-plan.js';

function planAt(asOf: string) {
  const s = snapshotOf(
    org({
      deals: [
        deal({ id: 'DL2', closeDate: '2026-03-15' }),
        deal({ id: 'DL1', closeDate: '2025-12-10', amount: '50' }),
        deal({ id: 'DL3', ownerId: 'R2', closeDate: '2025-12-10', amount: '70' }),
      ],
      activities: [
        meeting({ dealIds: ['DL2'] }),
        meeting({ id: '00U2', dealIds: ['DL1'], start: '2025-12-01T15:00:00Z' }),
      ],
      quotas: [{ managerId: 'M1', period: 'FY2026-Q1', amount: '4000' }],
    }),
  );
  const ctx = prepareOrg(s, policyOf());
  const evaluations = evaluateAll(ctx, s);
  return buildWriteBackPlan({ ctx, evaluations, rows: attainmentRows(ctx, evaluations), asOf });
}

describe('buildWriteBackPlan', () => {
  it('holds every deal, every row and each manager current figures', () => {
    const plan = planAt('2026-03-20T12:00:00Z');
    expect(plan.evaluatedAt).toBe('2026-03-20T12:00:00Z');
    expect(plan.deals.map((d) => [d.dealId, d.involved, d.creditedManagerId, d.credit])).toEqual([
      ['DL1', true, 'M1', '50.00'],
      ['DL2', true, 'M1', '1000.00'],
      ['DL3', false, null, '0.00'],
    ]);
    expect(plan.attainment.map((a) => [a.key, a.credited, a.attainment])).toEqual([
      ['M1:FY2025-Q4', '50.00', null],
      ['M1:FY2026-Q1', '1000.00', '0.2500'],
      ['M2:FY2025-Q4', '0.00', null],
    ]);
    // M2 has a row, but none in the current period: empty figures, so old ones do not linger.
    expect(plan.users).toEqual([
      { userId: 'M1', currentAttainment: '0.2500', currentCredited: '1000.00' },
      { userId: 'M2', currentAttainment: null, currentCredited: '0.00' },
    ]);
  });

  it('reads the current period on the tenant calendar', () => {
    // 03:00Z on 1 January is still 31 December in New York: FY2025-Q4.
    const plan = planAt('2026-01-01T03:00:00Z');
    expect(plan.users).toEqual([
      { userId: 'M1', currentAttainment: null, currentCredited: '50.00' },
      { userId: 'M2', currentAttainment: null, currentCredited: '0.00' },
    ]);
  });
});
