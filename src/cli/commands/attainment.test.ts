// Protects the attainment table's figures: the share of team bookings and the percentages.
import { describe, expect, it } from 'vitest';
import { POLICY, smallOrg } from '../../../test/support/small-org.js';
import { prepareOrg } from '../../domain/org-context.js';
import { formatAttainment, percent, withNames } from './attainment.js';

const row = (managerId: string, period: string, credited: string, teamWonAmount: string) => ({
  managerId,
  period,
  quota: '1000.00',
  credited,
  attainment: '0.2500',
  assistedDeals: 1,
  teamWonDeals: 2,
  teamWonAmount,
});

describe('attainment output', () => {
  it('names managers, divides credited by the team won amount, and leaves it empty when the team won nothing', () => {
    const rows = withNames(
      [
        row('M1', 'FY2026-Q1', '250.00', '1000.00'),
        row('X9', 'FY2026-Q1', '0.00', '0.00'),
        row('M1', 'FY2026-Q2', '1.00', '3.00'),
      ],
      prepareOrg(smallOrg(), POLICY),
    );
    expect(rows.map((r) => [r.managerName, r.teamShare])).toEqual([
      ['Mia Manager', '0.2500'],
      [null, null],
      ['Mia Manager', '0.3333'],
    ]);
    expect(percent('0.5217')).toBe('52.17%');
    expect(percent(null)).toBe('-');
    const text = formatAttainment(rows);
    expect(text.split('\n\n').map((t) => t.split('\n')[0])).toEqual(['FY2026-Q1:', 'FY2026-Q2:']);
    expect(text).toMatch(
      /^Mia Manager \(M1\)\s+1000\.00\s+250\.00\s+25\.00%\s+1\s+1000\.00 \(2\)\s+25\.00%$/m,
    );
    expect(text).toMatch(/^X9\s+1000\.00\s+0\.00\s+25\.00%\s+1\s+0\.00 \(2\)\s+-$/m);
  });
});
