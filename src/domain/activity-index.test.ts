// Protects which activities are candidates for which deal: links to several deals (more links than
// activities), a deal listed twice, deal ids that name no deal, and account-only activities.
import { describe, expect, it } from 'vitest';
import { ActivityIndex } from './activity-index.js';
import type { Activity, Deal } from './snapshot.js';

const deal = (id: string, accountId: string | null = 'A1') => ({ id, accountId }) as Deal;
const activity = (id: string, dealIds: string[], accountId: string | null = 'A1') =>
  ({ id, dealIds, accountId }) as Activity;

function candidates(index: ActivityIndex, deals: Deal[]): Record<string, string[]> {
  return Object.fromEntries(deals.map((d, i) => [d.id, index.candidatesOf(i, d).map((a) => a.id)]));
}

describe('ActivityIndex', () => {
  const deals = [deal('D0'), deal('D1'), deal('D2', 'A2'), deal('D3', null)];
  const activities = [
    activity('X0', ['D0', 'D1', 'D2', 'D3', 'D1']),
    activity('X1', ['D1', 'D0']),
    activity('X2', ['GONE']),
    activity('X3', []),
    activity('X4', [], 'A2'),
    activity('X5', ['D2']),
    activity('X6', ['D2']),
  ];

  it('lists every deal an activity names, once, in input order', () => {
    expect(candidates(new ActivityIndex(deals, activities, false), deals)).toEqual({
      D0: ['X0', 'X1'],
      D1: ['X0', 'X1'],
      D2: ['X0', 'X5', 'X6'],
      D3: ['X0'],
    });
  });

  it('adds account activities linked to no existing deal when asked', () => {
    expect(candidates(new ActivityIndex(deals, activities, true), deals)).toEqual({
      D0: ['X0', 'X1', 'X2', 'X3'],
      D1: ['X0', 'X1', 'X2', 'X3'],
      D2: ['X0', 'X5', 'X6', 'X4'],
      D3: ['X0'],
    });
  });

  it('finds deals in order, across deals without activities, and out of order', () => {
    const many = Array.from({ length: 40 }, (_, i) => deal(`D${String(i).padStart(2, '0')}`));
    // In deal order with gaps (some far beyond the look-ahead), then back to earlier deals.
    const linked = ['D00', 'D00', 'D03', 'D20', 'D39', 'D05', 'D00', 'D39'];
    const acts = linked.map((id, i) => activity(`X${i}`, [id]));
    const got = candidates(new ActivityIndex(many, acts, false), many);
    expect(Object.fromEntries(Object.entries(got).filter(([, ids]) => ids.length > 0))).toEqual({
      D00: ['X0', 'X1', 'X6'],
      D03: ['X2'],
      D05: ['X5'],
      D20: ['X3'],
      D39: ['X4', 'X7'],
    });
    // Only the first five: links already in deal order, no sorting needed.
    const inOrder = candidates(new ActivityIndex(many, acts.slice(0, 5), false), many);
    expect([inOrder.D00, inOrder.D03, inOrder.D20, inOrder.D39, inOrder.D05]).toEqual([
      ['X0', 'X1'],
      ['X2'],
      ['X3'],
      ['X4'],
      [],
    ]);
  });
});
