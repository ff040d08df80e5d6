// Protects the snapshot contract: every connector's output and every file `compute` reads is
// checked here, and a bad one is refused with a message naming the record and the field.
import { describe, expect, it } from 'vitest';
import { InputError } from '../errors.js';
import { parsePolicy } from './policy.js';
import { parseSnapshot } from './snapshot.js';

const base = () => ({
  version: 1,
  tenant: 'acme',
  corporateCurrency: 'USD',
  timezone: 'America/New_York',
  fiscalYearStartMonth: 1,
  internalDomains: ['acme.com'],
  users: [
    { id: 'R1', name: 'Rita', email: 'rita@acme.com', managerId: 'M1', active: true },
    { id: 'M1', name: 'Mia', email: 'mia@acme.com', managerId: null, active: true },
  ],
  managerHistory: [],
  deals: [
    {
      id: 'D1',
      name: 'Globex',
      ownerId: 'R1',
      accountId: 'A1',
      amount: '100.00',
      currency: 'EUR',
      closeDate: '2026-03-15',
      won: true,
    },
  ],
  activities: [],
  quotas: [{ managerId: 'M1', period: 'FY2026-Q1', amount: '1000' }],
  rates: [{ currency: 'EUR', rate: '0.92', from: '2026-01-01' }],
});

function issuesOf(raw: unknown): readonly string[] {
  try {
    parseSnapshot(raw);
  } catch (err) {
    if (err instanceof InputError) return err.issues;
    throw err;
  }
  return [];
}

describe('parseSnapshot', () => {
  it('accepts a valid snapshot and fills defaults', () => {
    const s = parseSnapshot(base());
    expect(s.deals[0]?.splits).toEqual([]);
  });

  it('refuses a JSON number as an amount, naming the deal', () => {
    const raw = base();
    (raw.deals[0] as Record<string, unknown>).amount = 100;
    expect(issuesOf(raw)).toEqual([
      expect.stringMatching(/^deals\[0\] \(id "D1"\)\.amount: must be a decimal string/),
    ]);
  });

  it('refuses a currency with no rate in effect on the close date', () => {
    const raw = base();
    raw.deals[0]!.closeDate = '2025-12-31';
    expect(issuesOf(raw)).toEqual([
      'deals[0] (id "D1").currency: no conversion rate for EUR in effect on 2025-12-31',
    ]);
  });

  it('refuses an owner, a manager and a quota manager that name no user', () => {
    const raw = base();
    raw.deals[0]!.ownerId = 'X';
    raw.users[0]!.managerId = 'Y';
    raw.quotas[0]!.managerId = 'Z';
    expect(issuesOf(raw)).toEqual([
      'users[0] (id "R1").managerId: "Y" names no user',
      'deals[0] (id "D1").ownerId: "X" names no user',
      'quotas[0].managerId: "Z" names no user',
    ]);
  });

  it('refuses a quota in another currency', () => {
    const raw = base();
    (raw.quotas[0] as Record<string, unknown>).currency = 'EUR';
    expect(issuesOf(raw)).toEqual([
      'quotas[0].currency: quotas must be in the corporate currency USD, not EUR',
    ]);
  });

  it('refuses two manager changes for one user on one day and two rates for one currency on one day', () => {
    const raw = base();
    raw.managerHistory = [
      { userId: 'R1', managerId: 'M1', from: '2026-01-01' },
      { userId: 'R1', managerId: null, from: '2026-01-01' },
    ] as never;
    raw.rates.push({ currency: 'EUR', rate: '0.95', from: '2026-01-01' });
    expect(issuesOf(raw)).toEqual([
      'managerHistory[1].from: a second manager change for R1 on 2026-01-01',
      'rates[1].from: a second EUR rate from 2026-01-01',
    ]);
  });
});

describe('parsePolicy', () => {
  it('fills the defaults of DESIGN.md', () => {
    expect(parsePolicy({})).toEqual({
      lookbackDays: 90,
      activityKinds: ['meeting', 'call'],
      countedStatuses: ['accepted', 'attended'],
      requireExternalParticipant: true,
      minActivities: 1,
      includeAccountActivities: false,
      managerLevels: 1,
      creditBasis: 'owner',
      period: 'quarter',
    });
  });

  it('refuses an unknown field and a bad value', () => {
    expect(() => parsePolicy({ lookbackDays: -1, colour: 'red' })).toThrow(InputError);
  });
});
