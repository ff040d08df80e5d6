// Protects the contributions kept beside ledger entries: decoding one gives back exactly what the
// attainment rows read of the evaluation, for every evaluation of a generated org.
import { describe, expect, it } from 'vitest';
import { POLICY } from '../../test/support/small-org.js';
import { evaluateAll } from '../domain/engine.js';
import { prepareOrg } from '../domain/org-context.js';
import { generateOrg } from '../generator/index.js';
import { contributionJson, parseContribution } from './contributions.js';

describe('contributions', () => {
  it('decode to what the rows read of each evaluation', () => {
    const org = generateOrg({ deals: 400, seed: 7 });
    // Two manager levels, so deals carry more than one decision.
    const evs = evaluateAll(prepareOrg(org, { ...POLICY, managerLevels: 2 }), org);
    expect(evs.some((ev) => ev.decisions.length > 1)).toBe(true);
    expect(evs.some((ev) => ev.decisions.some((d) => d.credited))).toBe(true);
    expect(evs.some((ev) => !ev.won)).toBe(true);
    for (const ev of evs) {
      expect(parseContribution(contributionJson(ev))).toEqual({
        won: ev.won,
        period: ev.period,
        amount: ev.amount,
        teamManagerId: ev.teamManagerId,
        decisions: ev.decisions.map((d) => ({
          managerId: d.managerId,
          credited: d.credited,
          amount: d.amount,
        })),
      });
    }
  });

  it('keep a decision without a manager and a deal without a team manager', () => {
    const ev = {
      won: true,
      period: 'FY2026-Q1',
      amount: '10.00',
      teamManagerId: null,
      decisions: [{ managerId: null, credited: false, amount: '0.00' }],
    };
    expect(parseContribution(contributionJson(ev))).toEqual(ev);
  });
});
