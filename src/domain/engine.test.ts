// Protects the crediting rules of DESIGN.md ("Crediting rules" and "Exact semantics"): one row per
// rule and per edge, each on a small hand-written org, checked through `compute`.
import { describe, expect, it } from 'vitest';
import { compute } from './engine.js';
import type { PolicyInput } from './policy.js';
import type { Decision } from './results.js';
import type { SnapshotInput } from './snapshot.js';
import { buyer, call, deal, meeting, org, policyOf, snapshotOf, USERS, user } from './testing/org-builder.js';

type Brief = [managerId: string | null, level: 1 | 2, credited: boolean, amount: string, evidence: string[]];

function brief(d: Decision): Brief {
  return [d.managerId, d.level, d.credited, d.amount, d.evidence];
}

function run(input: Partial<SnapshotInput>, policy: PolicyInput = {}) {
  return compute(snapshotOf(org(input)), policyOf(policy));
}

interface Case {
  name: string;
  input: Partial<SnapshotInput>;
  policy?: PolicyInput;
  /** The decisions of DL1 (or of every deal), in output order. */
  decisions: Brief[];
}

const won = (evidence: string[] = ['00U1'], amount = '1000.00'): Brief => ['M1', 1, true, amount, evidence];
const notCredited = (managerId = 'M1', level: 1 | 2 = 1): Brief => [managerId, level, false, '0.00', []];

const cases: Case[] = [
  // 1. The date of an activity and the inclusive window [closeDate - 90, closeDate].
  {
    name: 'a meeting inside the window counts',
    input: { deals: [deal()], activities: [meeting()] },
    decisions: [won()],
  },
  {
    name: 'a meeting on the close date counts (window end)',
    input: { deals: [deal()], activities: [meeting({ start: '2026-03-15T21:00:00Z' })] },
    decisions: [won()],
  },
  {
    name: 'a meeting the day after close does not count',
    input: { deals: [deal()], activities: [meeting({ start: '2026-03-16T14:00:00Z' })] },
    decisions: [notCredited()],
  },
  {
    name: 'a meeting exactly lookbackDays before close counts (window start)',
    input: { deals: [deal()], activities: [meeting({ start: '2025-12-15T14:00:00Z' })] },
    decisions: [won()],
  },
  {
    name: 'a meeting one day before the window start does not count',
    input: { deals: [deal()], activities: [meeting({ start: '2025-12-14T20:00:00Z' })] },
    decisions: [notCredited()],
  },
  {
    name: '03:00Z the day after close is still the close date in New York, so it counts',
    input: { deals: [deal()], activities: [meeting({ start: '2026-03-16T03:00:00Z' })] },
    decisions: [won()],
  },
  {
    name: '04:00Z on the window start is the previous local date, outside the window',
    input: { deals: [deal()], activities: [meeting({ start: '2025-12-15T04:00:00Z' })] },
    decisions: [notCredited()],
  },
  {
    name: 'an instant with an offset is read as the moment it names',
    input: { deals: [deal()], activities: [meeting({ start: '2026-03-16T01:30:00+02:00' })] },
    decisions: [won()],
  },
  {
    name: 'a shorter lookback moves the window start',
    input: { deals: [deal()], activities: [meeting({ start: '2026-03-01T15:00:00Z' })] },
    policy: { lookbackDays: 13 },
    decisions: [notCredited()],
  },
  {
    name: 'a date-only call inside the window counts',
    input: { deals: [deal()], activities: [call()] },
    decisions: [won(['00T1'])],
  },
  {
    name: 'a date-only call on the window start counts, the day before does not',
    input: {
      deals: [deal()],
      activities: [call({ id: '00T1', date: '2025-12-15' }), call({ id: '00T2', date: '2025-12-14' })],
    },
    decisions: [won(['00T1'])],
  },
  {
    name: 'start wins over date when an activity has both',
    input: { deals: [deal()], activities: [call({ start: '2026-04-01T15:00:00Z', date: '2026-03-12' })] },
    decisions: [notCredited()],
  },
  {
    name: 'a canceled meeting never counts',
    input: { deals: [deal()], activities: [meeting({ canceled: true })] },
    decisions: [notCredited()],
  },
  // 2. Kinds and links.
  {
    name: 'a call does not count when the policy counts meetings only',
    input: { deals: [deal()], activities: [call()] },
    policy: { activityKinds: ['meeting'] },
    decisions: [notCredited()],
  },
  {
    name: 'an activity linked to another deal does not count',
    input: {
      deals: [deal(), deal({ id: 'DL2', ownerId: 'R2' })],
      activities: [meeting({ dealIds: ['DL2'] })],
    },
    decisions: [notCredited(), notCredited('M2')],
  },
  {
    name: 'account activities are ignored by default',
    input: { deals: [deal()], activities: [meeting({ dealIds: [] })] },
    decisions: [notCredited()],
  },
  {
    name: 'an account activity linked to no deal counts when the policy includes them',
    input: { deals: [deal()], activities: [meeting({ dealIds: [] })] },
    policy: { includeAccountActivities: true },
    decisions: [won()],
  },
  {
    name: 'an account activity whose deal ids all name no deal counts as linked to no deal',
    input: { deals: [deal()], activities: [meeting({ dealIds: ['GONE'] })] },
    policy: { includeAccountActivities: true },
    decisions: [won()],
  },
  {
    name: 'an account activity linked to another deal of the account does not count for this one',
    input: {
      deals: [deal(), deal({ id: 'DL2', ownerId: 'R2', won: false })],
      activities: [meeting({ dealIds: ['DL2'] })],
    },
    policy: { includeAccountActivities: true },
    decisions: [notCredited()],
  },
  {
    name: 'an account activity of another account does not count',
    input: { deals: [deal()], activities: [meeting({ dealIds: [], accountId: 'A2' })] },
    policy: { includeAccountActivities: true },
    decisions: [notCredited()],
  },
  {
    name: 'an activity listing the deal twice is evidence once',
    input: { deals: [deal()], activities: [meeting({ dealIds: ['DL1', 'DL1'] })] },
    decisions: [won()],
  },
  // 3. External participants.
  {
    name: 'an internal-only meeting does not count',
    input: {
      deals: [deal()],
      activities: [meeting({ participants: [user('R1', 'accepted', 'organizer'), user('M1')] })],
    },
    decisions: [notCredited()],
  },
  {
    name: 'an internal-only meeting counts when the policy does not require an external participant',
    input: {
      deals: [deal()],
      activities: [meeting({ participants: [user('R1', 'accepted', 'organizer'), user('M1')] })],
    },
    policy: { requireExternalParticipant: false },
    decisions: [won()],
  },
  {
    name: 'an email at another domain is external without flag or contact',
    input: {
      deals: [deal()],
      activities: [
        meeting({
          participants: [user('M1'), { email: 'cfo@globex.com', role: 'attendee', status: 'accepted' }],
        }),
      ],
    },
    decisions: [won()],
  },
  {
    name: 'an email at an internal domain is internal, whatever its case',
    input: {
      deals: [deal()],
      activities: [
        meeting({
          participants: [user('M1'), { email: 'Ann@ACME.com', role: 'attendee', status: 'accepted' }],
        }),
      ],
    },
    decisions: [notCredited()],
  },
  {
    name: 'a subdomain of an internal domain is external',
    input: {
      deals: [deal()],
      activities: [
        meeting({
          participants: [user('M1'), { email: 'ann@eu.acme.com', role: 'attendee', status: 'accepted' }],
        }),
      ],
    },
    decisions: [won()],
  },
  {
    name: 'an explicit external: false beats a foreign domain',
    input: {
      deals: [deal()],
      activities: [
        meeting({
          participants: [
            user('M1'),
            { email: 'x@globex.com', external: false, role: 'attendee', status: 'accepted' },
          ],
        }),
      ],
    },
    decisions: [notCredited()],
  },
  {
    name: 'an explicit external: true beats an internal domain',
    input: {
      deals: [deal()],
      activities: [
        meeting({
          participants: [
            user('M1'),
            { email: 'x@acme.com', external: true, role: 'attendee', status: 'accepted' },
          ],
        }),
      ],
    },
    decisions: [won()],
  },
  {
    name: 'a contactId makes a participant external even at an internal domain',
    input: {
      deals: [deal()],
      activities: [meeting({ participants: [user('M1'), buyer({ email: 'x@acme.com' })] })],
    },
    decisions: [won()],
  },
  {
    name: 'an external who declined does not make the meeting count',
    input: {
      deals: [deal()],
      activities: [meeting({ participants: [user('M1'), buyer({ status: 'declined' })] })],
    },
    decisions: [notCredited()],
  },
  {
    name: 'an external no-show does not make the call count',
    input: {
      deals: [deal()],
      activities: [
        call({ participants: [user('M1', 'accepted', 'organizer'), buyer({ status: 'noShow' })] }),
      ],
    },
    decisions: [notCredited()],
  },
  {
    name: 'an external who is tentative or has not answered still makes it count',
    input: {
      deals: [deal()],
      activities: [
        meeting({ id: '00U1', participants: [user('M1'), buyer({ status: 'tentative' })] }),
        meeting({ id: '00U2', participants: [user('M1'), buyer({ status: 'needsAction' })] }),
      ],
    },
    decisions: [won(['00U1', '00U2'])],
  },
  // 4. Participation: counted statuses and the organizer rule.
  ...(['declined', 'needsAction', 'tentative', 'noShow'] as const).map(
    (status): Case => ({
      name: `an attendee manager who is ${status} did not participate`,
      input: { deals: [deal()], activities: [meeting({ participants: [user('M1', status), buyer()] })] },
      decisions: [notCredited()],
    }),
  ),
  ...(['accepted', 'attended'] as const).map(
    (status): Case => ({
      name: `an attendee manager who ${status} participated`,
      input: { deals: [deal()], activities: [meeting({ participants: [user('M1', status), buyer()] })] },
      decisions: [won()],
    }),
  ),
  {
    name: 'a tentative attendee counts when the policy counts tentative',
    input: { deals: [deal()], activities: [meeting({ participants: [user('M1', 'tentative'), buyer()] })] },
    policy: { countedStatuses: ['accepted', 'tentative'] },
    decisions: [won()],
  },
  ...(['accepted', 'tentative', 'needsAction', 'attended'] as const).map(
    (status): Case => ({
      name: `an organizer manager who is ${status} participated`,
      input: {
        deals: [deal()],
        activities: [meeting({ participants: [user('M1', status, 'organizer'), buyer()] })],
      },
      decisions: [won()],
    }),
  ),
  ...(['declined', 'noShow'] as const).map(
    (status): Case => ({
      name: `an organizer manager who is ${status} did not participate`,
      input: {
        deals: [deal()],
        activities: [meeting({ participants: [user('M1', status, 'organizer'), buyer()] })],
      },
      decisions: [notCredited()],
    }),
  ),
  {
    name: 'a participant whose userId names no user is ignored',
    input: { deals: [deal()], activities: [meeting({ participants: [user('GHOST'), buyer()] })] },
    decisions: [notCredited()],
  },
  // 5. minActivities.
  {
    name: 'minActivities 2 with one counting activity: not credited',
    input: { deals: [deal()], activities: [meeting(), meeting({ id: '00U2', canceled: true })] },
    policy: { minActivities: 2 },
    decisions: [notCredited()],
  },
  {
    name: 'minActivities 2 with a meeting and a call: credited with both as evidence',
    input: { deals: [deal()], activities: [meeting(), call()] },
    policy: { minActivities: 2 },
    decisions: [won(['00T1', '00U1'])],
  },
  // 6. Manager levels.
  {
    name: 'level 2: the skip-level manager who attended in their own right is credited too',
    input: { deals: [deal()], activities: [meeting({ participants: [user('M1'), user('D1'), buyer()] })] },
    policy: { managerLevels: 2 },
    decisions: [won(), ['D1', 2, true, '1000.00', ['00U1']]],
  },
  {
    name: 'level 2: the skip-level manager who did not attend gets an uncredited decision',
    input: { deals: [deal()], activities: [meeting()] },
    policy: { managerLevels: 2 },
    decisions: [won(), notCredited('D1', 2)],
  },
  {
    name: 'level 2: the skip-level manager is credited even when the manager was not there',
    input: { deals: [deal()], activities: [meeting({ participants: [user('D1'), buyer()] })] },
    policy: { managerLevels: 2 },
    decisions: [notCredited(), ['D1', 2, true, '1000.00', ['00U1']]],
  },
  {
    name: 'level 1 only by default: the skip-level manager is not evaluated',
    input: { deals: [deal()], activities: [meeting({ participants: [user('D1'), buyer()] })] },
    decisions: [notCredited()],
  },
  {
    name: 'level 2 with a manager who has no manager: only the level-1 decision',
    input: {
      deals: [deal({ ownerId: 'R4' })],
      activities: [meeting({ participants: [user('D1'), buyer()] })],
    },
    policy: { managerLevels: 2 },
    decisions: [['D1', 1, true, '1000.00', ['00U1']]],
  },
  {
    name: 'a manager at both levels (splits) is evaluated once, at level 1, for the level-1 portions only',
    input: {
      deals: [
        deal({
          ownerId: 'R1',
          splits: [
            { userId: 'R1', percent: '70' },
            { userId: 'R4', percent: '30' },
          ],
        }),
      ],
      activities: [meeting({ participants: [user('D1'), buyer()] })],
    },
    policy: { managerLevels: 2, creditBasis: 'splits' },
    decisions: [['D1', 1, true, '300.00', ['00U1']], notCredited('M1')],
  },
  {
    name: 'a manager who is their own manager (owner basis) is evaluated once, at level 1',
    input: {
      users: USERS.map((u) => (u.id === 'M1' ? { ...u, managerId: 'M1' } : u)),
      deals: [deal()],
      activities: [meeting()],
    },
    policy: { managerLevels: 2 },
    decisions: [won()],
  },
  // 7. Manager history.
  {
    name: 'a manager change before the close date: the new manager is evaluated',
    input: {
      deals: [deal()],
      managerHistory: [{ userId: 'R1', managerId: 'M2', from: '2026-03-15' }],
      activities: [meeting({ participants: [user('M2'), buyer()] })],
    },
    decisions: [['M2', 1, true, '1000.00', ['00U1']]],
  },
  {
    name: 'a manager change after the close date: the old manager is evaluated',
    input: {
      deals: [deal()],
      managerHistory: [
        { userId: 'R1', managerId: 'M1', from: '2025-06-01' },
        { userId: 'R1', managerId: 'M2', from: '2026-03-16' },
      ],
      activities: [meeting()],
    },
    decisions: [won()],
  },
  {
    name: 'history older than the only entries falls back to users[].managerId',
    input: {
      deals: [deal()],
      managerHistory: [{ userId: 'R1', managerId: 'M2', from: '2026-04-01' }],
      activities: [meeting()],
    },
    decisions: [won()],
  },
  {
    name: 'a history entry with managerId null means no manager from that date',
    input: {
      deals: [deal()],
      managerHistory: [{ userId: 'R1', managerId: null, from: '2026-01-01' }],
      activities: [meeting()],
    },
    decisions: [[null, 1, false, '0.00', []]],
  },
  {
    name: 'level 2 follows the level-1 manager history on the close date',
    input: {
      deals: [deal()],
      managerHistory: [{ userId: 'M1', managerId: 'M2', from: '2026-02-01' }],
      activities: [meeting({ participants: [user('M2'), user('D1'), buyer()] })],
    },
    policy: { managerLevels: 2 },
    decisions: [notCredited(), ['M2', 2, true, '1000.00', ['00U1']]],
  },
  // 8. No manager, not won.
  {
    name: 'an owner with no manager: one null decision, level 1, uncredited',
    input: {
      deals: [deal({ ownerId: 'R0' })],
      activities: [meeting({ participants: [user('M1'), buyer()] })],
    },
    decisions: [[null, 1, false, '0.00', []]],
  },
  {
    name: 'an owner with no manager under managerLevels 2: still exactly one null decision',
    input: { deals: [deal({ ownerId: 'R0' })], activities: [meeting()] },
    policy: { managerLevels: 2 },
    decisions: [[null, 1, false, '0.00', []]],
  },
  {
    name: 'a deal that is not won has no decisions',
    input: { deals: [deal({ won: false })], activities: [meeting()] },
    decisions: [],
  },
  // 9. Money: rates, rounding, splits.
  {
    name: 'a EUR deal is converted at the rate in effect on the close date',
    input: {
      deals: [deal({ amount: '920.00', currency: 'EUR' })],
      rates: [
        { currency: 'EUR', rate: '0.92', from: '2025-01-01' },
        { currency: 'EUR', rate: '0.80', from: '2026-03-16' },
      ],
      activities: [meeting()],
    },
    decisions: [won(['00U1'], '1000.00')],
  },
  {
    name: 'a rate that starts on the close date applies',
    input: {
      deals: [deal({ amount: '920.00', currency: 'EUR' })],
      rates: [
        { currency: 'EUR', rate: '0.92', from: '2025-01-01' },
        { currency: 'EUR', rate: '0.80', from: '2026-03-15' },
      ],
      activities: [meeting()],
    },
    decisions: [won(['00U1'], '1150.00')],
  },
  {
    name: 'half-even: 100.005 rounds down to the even cent',
    input: { deals: [deal({ amount: '100.005' })], activities: [meeting()] },
    decisions: [won(['00U1'], '100.00')],
  },
  {
    name: 'half-even: 100.015 rounds up to the even cent',
    input: { deals: [deal({ amount: '100.015' })], activities: [meeting()] },
    decisions: [won(['00U1'], '100.02')],
  },
  {
    name: 'half-even after conversion: 1.01 EUR at 2 is 0.505, rounded to 0.50',
    input: {
      deals: [deal({ amount: '1.01', currency: 'EUR' })],
      rates: [{ currency: 'EUR', rate: '2', from: '2025-01-01' }],
      activities: [meeting()],
    },
    decisions: [won(['00U1'], '0.50')],
  },
  {
    name: 'half-even after conversion: 1.03 EUR at 2 is 0.515, rounded to 0.52',
    input: {
      deals: [deal({ amount: '1.03', currency: 'EUR' })],
      rates: [{ currency: 'EUR', rate: '2', from: '2025-01-01' }],
      activities: [meeting()],
    },
    decisions: [won(['00U1'], '0.52')],
  },
  {
    name: 'a non-terminating conversion is rounded from its exact value (12000.50 / 0.92)',
    input: { deals: [deal({ amount: '12000.50', currency: 'EUR' })], activities: [meeting()] },
    decisions: [won(['00U1'], '13044.02')],
  },
  {
    name: 'splits are ignored under the owner basis',
    input: {
      deals: [
        deal({
          splits: [
            { userId: 'R1', percent: '50' },
            { userId: 'R2', percent: '50' },
          ],
        }),
      ],
      activities: [meeting({ participants: [user('M1'), user('M2'), buyer()] })],
    },
    decisions: [won()],
  },
  {
    name: 'splits under two managers: each is credited for their rep portion',
    input: {
      deals: [
        deal({
          splits: [
            { userId: 'R1', percent: '60' },
            { userId: 'R2', percent: '40' },
          ],
        }),
      ],
      activities: [meeting({ participants: [user('M1'), user('M2'), buyer()] })],
    },
    policy: { creditBasis: 'splits' },
    decisions: [won(['00U1'], '600.00'), ['M2', 1, true, '400.00', ['00U1']]],
  },
  {
    name: 'splits under two managers: one who did not attend gets nothing',
    input: {
      deals: [
        deal({
          splits: [
            { userId: 'R1', percent: '60' },
            { userId: 'R2', percent: '40' },
          ],
        }),
      ],
      activities: [meeting()],
    },
    policy: { creditBasis: 'splits' },
    decisions: [won(['00U1'], '600.00'), notCredited('M2')],
  },
  {
    name: 'splits under one manager: the portions are rounded first, then added (0.025 + 0.025 = 0.04)',
    input: {
      deals: [
        deal({
          amount: '0.05',
          splits: [
            { userId: 'R1', percent: '50' },
            { userId: 'R3', percent: '50' },
          ],
        }),
      ],
      activities: [meeting()],
    },
    policy: { creditBasis: 'splits' },
    decisions: [won(['00U1'], '0.04')],
  },
  {
    name: 'a split owner without a manager passes their portion to nobody',
    input: {
      deals: [
        deal({
          splits: [
            { userId: 'R1', percent: '75' },
            { userId: 'R0', percent: '25' },
          ],
        }),
      ],
      activities: [meeting()],
    },
    policy: { creditBasis: 'splits' },
    decisions: [won(['00U1'], '750.00')],
  },
  {
    name: 'the null decision appears only when no split owner has a manager',
    input: {
      deals: [deal({ ownerId: 'R1', splits: [{ userId: 'R0', percent: '100' }] })],
      activities: [meeting()],
    },
    policy: { creditBasis: 'splits' },
    decisions: [[null, 1, false, '0.00', []]],
  },
  {
    name: 'a deal without splits falls back to the owner under the splits basis',
    input: { deals: [deal()], activities: [meeting()] },
    policy: { creditBasis: 'splits' },
    decisions: [won()],
  },
  {
    name: 'level 2 under splits: the skip-level manager answers for the portions of both managers',
    input: {
      deals: [
        deal({
          splits: [
            { userId: 'R1', percent: '60' },
            { userId: 'R2', percent: '40' },
          ],
        }),
      ],
      activities: [meeting({ participants: [user('D1'), buyer()] })],
    },
    policy: { creditBasis: 'splits', managerLevels: 2 },
    decisions: [notCredited('M1'), notCredited('M2'), ['D1', 2, true, '1000.00', ['00U1']]],
  },
];

describe('compute: crediting rules', () => {
  it.each(cases)('$name', ({ input, policy, decisions }) => {
    expect(run(input, policy).decisions.map(brief)).toEqual(decisions);
  });
});

describe('compute: the example of DESIGN.md', () => {
  it('gives exactly the decisions and attainment DESIGN.md shows', async () => {
    const { readFile } = await import('node:fs/promises');
    const read = async (name: string) =>
      JSON.parse(await readFile(new URL(`../../test/fixtures/${name}`, import.meta.url), 'utf8'));
    // design-example.expected.json is DESIGN.md's output block, verbatim.
    expect(compute(snapshotOf(await read('design-example.json')), policyOf())).toEqual(
      await read('design-example.expected.json'),
    );
  });
});

describe('compute: periods', () => {
  it('labels a February fiscal year by the year it ends in', () => {
    const input = {
      fiscalYearStartMonth: 2,
      deals: [deal({ id: 'DL1', closeDate: '2026-01-31' }), deal({ id: 'DL2', closeDate: '2026-02-01' })],
      activities: [meeting({ dealIds: ['DL1', 'DL2'], start: '2026-01-20T15:00:00Z' })],
    };
    expect(run(input).decisions.map((d) => [d.dealId, d.period])).toEqual([
      ['DL1', 'FY2026-Q4'],
      ['DL2', 'FY2027-Q1'],
    ]);
    expect(run(input, { period: 'month' }).decisions.map((d) => [d.dealId, d.period])).toEqual([
      ['DL1', 'FY2026-M12'],
      ['DL2', 'FY2027-M01'],
    ]);
  });

  it('labels month periods from the first fiscal month', () => {
    const input = { deals: [deal({ closeDate: '2026-03-15' })], activities: [meeting()] };
    expect(run(input, { period: 'month' }).attainment.map((r) => [r.managerId, r.period])).toEqual([
      ['M1', 'FY2026-M03'],
    ]);
  });
});

describe('compute: attainment rows', () => {
  const row = (over: Record<string, unknown>) => ({
    managerId: 'M1',
    period: 'FY2026-Q1',
    quota: null,
    credited: '0.00',
    attainment: null,
    assistedDeals: 0,
    teamWonDeals: 0,
    teamWonAmount: '0.00',
    ...over,
  });

  it('a row with no quota has null quota and attainment', () => {
    const { attainment } = run({ deals: [deal()], activities: [meeting()] });
    expect(attainment).toEqual([
      row({ credited: '1000.00', assistedDeals: 1, teamWonDeals: 1, teamWonAmount: '1000.00' }),
    ]);
  });

  it('a zero quota gives null attainment', () => {
    const { attainment } = run({
      deals: [deal()],
      activities: [meeting()],
      quotas: [{ managerId: 'M1', period: 'FY2026-Q1', amount: '0' }],
    });
    expect(attainment).toEqual([
      row({
        quota: '0.00',
        credited: '1000.00',
        assistedDeals: 1,
        teamWonDeals: 1,
        teamWonAmount: '1000.00',
      }),
    ]);
  });

  it('a quota without decisions still gets its row, with 0.0000 attainment', () => {
    const { attainment } = run({ quotas: [{ managerId: 'M2', period: 'FY2026-Q2', amount: '5000' }] });
    expect(attainment).toEqual([
      row({ managerId: 'M2', period: 'FY2026-Q2', quota: '5000.00', attainment: '0.0000' }),
    ]);
  });

  it('a quota labelled in the other period kind still gets its row', () => {
    const { attainment } = run(
      {
        deals: [deal()],
        activities: [meeting()],
        quotas: [{ managerId: 'M1', period: 'FY2026-Q1', amount: '100' }],
      },
      { period: 'month' },
    );
    expect(attainment.map((r) => [r.period, r.quota, r.credited])).toEqual([
      ['FY2026-M03', null, '1000.00'],
      ['FY2026-Q1', '100.00', '0.00'],
    ]);
  });

  it('attainment is credited / quota, half-even to 4 decimals', () => {
    const quotas = [{ managerId: 'M1', period: 'FY2026-Q1', amount: '20000' }];
    const at = (amount: string) =>
      run({ deals: [deal({ amount })], activities: [meeting()], quotas }).attainment[0]!.attainment;
    expect(at('1.00')).toBe('0.0000');
    expect(at('3.00')).toBe('0.0002');
    expect(at('10434.00')).toBe('0.5217');
  });

  it('counts the team bookings of the owner manager, credited or not, and not lost deals', () => {
    const { attainment } = run({
      deals: [
        deal({ id: 'DL1', ownerId: 'R1', amount: '100.00' }),
        deal({ id: 'DL2', ownerId: 'R3', amount: '250.50' }),
        deal({ id: 'DL3', ownerId: 'R3', amount: '999.00', won: false }),
        deal({ id: 'DL4', ownerId: 'R1', amount: '1.00', closeDate: '2026-04-01' }),
      ],
      activities: [meeting({ dealIds: ['DL1'] })],
    });
    expect(attainment).toEqual([
      row({ credited: '100.00', assistedDeals: 1, teamWonDeals: 2, teamWonAmount: '350.50' }),
      row({ period: 'FY2026-Q2', teamWonDeals: 1, teamWonAmount: '1.00' }),
    ]);
  });

  it('team bookings follow the deal owner at the full amount under splits', () => {
    const { attainment } = run(
      {
        deals: [
          deal({
            splits: [
              { userId: 'R1', percent: '60' },
              { userId: 'R2', percent: '40' },
            ],
          }),
        ],
        activities: [meeting({ participants: [user('M2'), buyer()] })],
      },
      { creditBasis: 'splits' },
    );
    expect(attainment).toEqual([
      row({ teamWonDeals: 1, teamWonAmount: '1000.00' }),
      row({ managerId: 'M2', credited: '400.00', assistedDeals: 1 }),
    ]);
  });

  it('a team manager with neither a decision nor a quota gets no row', () => {
    // Under splits the owner Rita holds no split, so Mia has no decision, only team bookings.
    const { attainment } = run(
      { deals: [deal({ splits: [{ userId: 'R2', percent: '100' }] })], activities: [meeting()] },
      { creditBasis: 'splits' },
    );
    expect(attainment.map((r) => r.managerId)).toEqual(['M2']);
  });

  it('the null-manager decision makes no row; an uncredited level-2 decision does', () => {
    const { attainment } = run(
      {
        deals: [deal({ id: 'DL0', ownerId: 'R0' }), deal()],
        activities: [meeting({ dealIds: ['DL0', 'DL1'] })],
      },
      { managerLevels: 2 },
    );
    expect(attainment).toEqual([
      row({ managerId: 'D1' }),
      row({ credited: '1000.00', assistedDeals: 1, teamWonDeals: 1, teamWonAmount: '1000.00' }),
    ]);
  });

  it('sums credit over deals and periods, rows sorted by manager then period', () => {
    const { attainment, decisions } = run({
      deals: [
        deal({ id: 'DL9', ownerId: 'R2', amount: '5.00' }),
        deal({ id: 'DL2', amount: '2.50', closeDate: '2026-04-02' }),
        deal({ id: 'DL1', amount: '1.25' }),
        deal({ id: 'DL3', amount: '3.00' }),
      ],
      activities: [
        meeting({
          id: '00U9',
          dealIds: ['DL9', 'DL1', 'DL3'],
          participants: [user('M1'), user('M2'), buyer()],
        }),
        meeting({ id: '00U2', dealIds: ['DL2', 'DL1'], start: '2026-03-14T15:00:00Z' }),
      ],
      quotas: [{ managerId: 'M1', period: 'FY2026-Q2', amount: '10' }],
    });
    expect(decisions.map((d) => [d.dealId, d.managerId, d.evidence])).toEqual([
      ['DL1', 'M1', ['00U2', '00U9']],
      ['DL2', 'M1', ['00U2']],
      ['DL3', 'M1', ['00U9']],
      ['DL9', 'M2', ['00U9']],
    ]);
    expect(attainment.map((r) => [r.managerId, r.period, r.credited, r.assistedDeals, r.attainment])).toEqual(
      [
        ['M1', 'FY2026-Q1', '4.25', 2, null],
        ['M1', 'FY2026-Q2', '2.50', 1, '0.2500'],
        ['M2', 'FY2026-Q1', '5.00', 1, null],
      ],
    );
  });

  it('writes every money string with exactly two decimals', () => {
    const { attainment, decisions } = run({
      deals: [deal({ amount: '7' })],
      activities: [meeting()],
      quotas: [{ managerId: 'M1', period: 'FY2026-Q1', amount: '1000.5' }],
    });
    expect(decisions[0]!.amount).toBe('7.00');
    expect(attainment[0]).toMatchObject({
      quota: '1000.50',
      credited: '7.00',
      teamWonAmount: '7.00',
      attainment: '0.0070',
    });
  });
});
