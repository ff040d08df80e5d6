// Protects "write back only what changed": the one decision, shared by both connectors and the
// service, of which deal, attainment and user records a write-back touches.
import { describe, expect, it } from 'vitest';
import { NOT_WON_FIELDS } from './deal-fields.js';
import {
  type CrmFieldState,
  type DealFields,
  diffWriteBack,
  EMPTY_FIELD_STATE,
  type WriteBackPlan,
} from './write-back.js';

const credited: DealFields = {
  involved: true,
  creditedManagerId: 'M1',
  credit: '120.00',
  reason:
    'Mia Manager (level 1) credited 120.00 USD: attended meeting A1 on 2026-01-15 with buyer@globex.com.',
};

const plan = (deals: WriteBackPlan['deals']): WriteBackPlan => ({
  evaluatedAt: '2026-06-10T12:00:00Z',
  deals,
  attainment: [],
  users: [],
});

const state = (deals: Record<string, DealFields>): CrmFieldState => ({
  ...EMPTY_FIELD_STATE,
  deals: new Map(Object.entries(deals)),
});

describe('diffWriteBack', () => {
  it('writes a deal never written, and nothing once the CRM holds the same values', () => {
    const desired = plan([{ dealId: 'D1', ...credited }]);
    expect(diffWriteBack(desired, EMPTY_FIELD_STATE).deals.map((d) => d.dealId)).toEqual(['D1']);
    expect(diffWriteBack(desired, state({ D1: { ...credited, credit: '120.0' } })).deals).toEqual([]);
  });

  it('leaves a lost deal it never wrote alone, but clears one it credited before', () => {
    const desired = plan([
      { dealId: 'LOST', ...NOT_WON_FIELDS },
      { dealId: 'REVERSED', ...NOT_WON_FIELDS },
    ]);
    const diff = diffWriteBack(desired, state({ REVERSED: credited }));
    expect(diff.deals.map((d) => d.dealId)).toEqual(['REVERSED']);
  });

  it('writes when only the reason changed, never for evaluatedAt alone', () => {
    const now = state({ D1: credited });
    expect(diffWriteBack(plan([{ dealId: 'D1', ...credited }]), now).deals).toEqual([]);
    const reworded = plan([{ dealId: 'D1', ...credited, reason: `${credited.reason} Again.` }]);
    expect(diffWriteBack(reworded, now).deals).toHaveLength(1);
  });
});
