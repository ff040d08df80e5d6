// Protects what a person reads: the reason sentences of decisions and the fields written on the
// deal in the CRM (involved, credited manager, credit in the deal's own currency, reason).
import { describe, expect, it } from 'vitest';
import { evaluateDeal } from './evaluate-deal.js';
import { prepareOrg } from './org-context.js';
import type { PolicyInput } from './policy.js';
import type { SnapshotInput } from './snapshot.js';
import { buyer, call, deal, meeting, org, policyOf, snapshotOf, user } from './testing/org-builder.js';

function evaluate(input: Partial<SnapshotInput>, policy: PolicyInput = {}) {
  const s = snapshotOf(org(input));
  return evaluateDeal(prepareOrg(s, policyOf(policy)), s.deals[0]!, s.activities);
}

describe('evaluateDeal: reasons', () => {
  it('names the activity, its local date and the external participant', () => {
    const ev = evaluate({ deals: [deal()], activities: [meeting({ start: '2026-03-11T02:00:00Z' })] });
    expect(ev.decisions[0]!.reason).toBe('attended meeting 00U1 on 2026-03-10 with buyer@globex.com');
  });

  it('says how the manager took part: organized, made a call, joined a call', () => {
    const ev = evaluate({
      deals: [deal()],
      activities: [
        meeting({ id: '00U1', participants: [user('M1', 'accepted', 'organizer'), buyer()] }),
        call({ id: '00T1' }),
        call({
          id: '00T2',
          participants: [user('R1', 'accepted', 'organizer'), user('M1', 'attended'), buyer()],
        }),
      ],
    });
    // In date order, then by id; the evidence list itself is sorted by id.
    expect(ev.decisions[0]!.evidence).toEqual(['00T1', '00T2', '00U1']);
    expect(ev.decisions[0]!.reason).toBe(
      'organized meeting 00U1 on 2026-03-10 with buyer@globex.com; made call 00T1 on 2026-03-12 with buyer@globex.com; ' +
        'joined call 00T2 on 2026-03-12 with buyer@globex.com',
    );
  });

  it('names the external with the smallest label, whatever the order of the participants', () => {
    const a = buyer({ contactId: 'C2', email: 'zed@globex.com' });
    const b = buyer({ contactId: 'C3', email: 'amy@globex.com' });
    const one = evaluate({ deals: [deal()], activities: [meeting({ participants: [user('M1'), a, b] })] });
    const two = evaluate({ deals: [deal()], activities: [meeting({ participants: [b, user('M1'), a] })] });
    expect(one.decisions[0]!.reason).toBe('attended meeting 00U1 on 2026-03-10 with amy@globex.com');
    expect(two.decisions).toEqual(one.decisions);
  });

  it('names three activities and counts the rest', () => {
    const activities = ['00U1', '00U2', '00U3', '00U4', '00U5'].map((id) => meeting({ id }));
    const ev = evaluate({ deals: [deal()], activities });
    expect(ev.decisions[0]!.evidence).toEqual(['00U1', '00U2', '00U3', '00U4', '00U5']);
    expect(ev.decisions[0]!.reason).toMatch(
      /00U3 on 2026-03-10 with buyer@globex.com; and 2 more counting activities$/,
    );
  });

  it('says when there is no counting activity at all', () => {
    const ev = evaluate({ deals: [deal()], activities: [meeting({ canceled: true })] });
    expect(ev.decisions[0]!.reason).toBe(
      'no counting meeting or call with an external participant between 2025-12-15 and 2026-03-15',
    );
    const meetingsOnly = evaluate(
      { deals: [deal()] },
      { activityKinds: ['meeting'], requireExternalParticipant: false },
    );
    expect(meetingsOnly.decisions[0]!.reason).toBe('no counting meeting between 2025-12-15 and 2026-03-15');
  });

  it('says when the manager took part in none of the counting activities', () => {
    const noManager = [user('R1', 'accepted', 'organizer'), buyer()];
    const one = evaluate({ deals: [deal()], activities: [meeting({ participants: noManager })] });
    expect(one.decisions[0]!.reason).toBe(
      'did not take part in the one counting meeting or call with an external participant between 2025-12-15 and 2026-03-15',
    );
    const two = evaluate({
      deals: [deal()],
      activities: [meeting({ participants: noManager }), meeting({ id: '00U2', participants: noManager })],
    });
    expect(two.decisions[0]!.reason).toBe(
      'did not take part in any of the 2 counting meetings or calls with an external participant between 2025-12-15 and 2026-03-15',
    );
  });

  it('says when the manager took part in fewer activities than the policy requires', () => {
    const ev = evaluate({ deals: [deal()], activities: [meeting()] }, { minActivities: 2 });
    expect(ev.decisions[0]).toMatchObject({
      credited: false,
      evidence: [],
      reason: 'participated in 1 counting activity (00U1), policy requires 2',
    });
  });

  it('names the owner who has no manager on the close date', () => {
    const ev = evaluate({ deals: [deal({ ownerId: 'R0' })] });
    expect(ev.decisions[0]!.reason).toBe('owner Rex Loner has no manager on 2026-03-15');
    const splits = evaluate(
      {
        deals: [
          deal({
            ownerId: 'R0',
            splits: [
              { userId: 'R0', percent: '50' },
              { userId: 'R0', percent: '50' },
            ],
          }),
        ],
      },
      { creditBasis: 'splits' },
    );
    expect(splits.decisions[0]!.reason).toBe('no split owner (Rex Loner) has a manager on 2026-03-15');
  });

  it('under splits, says which portions the credit covers', () => {
    const ev = evaluate(
      {
        deals: [
          deal({
            splits: [
              { userId: 'R3', percent: '40' },
              { userId: 'R1', percent: '60' },
            ],
          }),
        ],
        activities: [meeting()],
      },
      { creditBasis: 'splits' },
    );
    expect(ev.decisions[0]!.reason).toBe(
      'attended meeting 00U1 on 2026-03-10 with buyer@globex.com; credit covers the splits of Rita Rep (60%) and Rob Rep (40%)',
    );
  });
});

describe('evaluateDeal: deal fields', () => {
  it('a credited deal: the manager, the credit in the deal currency, and a sentence naming them', () => {
    const ev = evaluate({ deals: [deal({ amount: '12000.50', currency: 'EUR' })], activities: [meeting()] });
    expect(ev.amount).toBe('13044.02');
    expect(ev.teamManagerId).toBe('M1');
    expect(ev.fields).toEqual({
      involved: true,
      creditedManagerId: 'M1',
      credit: '12000.50',
      reason:
        'Mia Manager (level 1) credited 13044.02 USD: attended meeting 00U1 on 2026-03-10 with buyer@globex.com.',
    });
  });

  it('an uncredited deal: nobody, 0.00, and why', () => {
    const ev = evaluate({ deals: [deal()], activities: [] }, { managerLevels: 2 });
    expect(ev.fields).toEqual({
      involved: false,
      creditedManagerId: null,
      credit: '0.00',
      reason:
        'Mia Manager (level 1) not credited: no counting meeting or call with an external participant between 2025-12-15 and 2026-03-15. ' +
        'Dana Director (level 2) not credited: no counting meeting or call with an external participant between 2025-12-15 and 2026-03-15.',
    });
  });

  it('the credited manager is the one of the lowest level, even when only level 2 was credited', () => {
    const both = evaluate(
      { deals: [deal()], activities: [meeting({ participants: [user('M1'), user('D1'), buyer()] })] },
      { managerLevels: 2 },
    );
    expect(both.fields.creditedManagerId).toBe('M1');
    const onlyD1 = evaluate(
      { deals: [deal()], activities: [meeting({ participants: [user('D1'), buyer()] })] },
      { managerLevels: 2 },
    );
    expect(onlyD1.fields).toMatchObject({ involved: true, creditedManagerId: 'D1', credit: '1000.00' });
  });

  it('under splits, the credit is the credited manager portions in the deal currency, lowest managerId first', () => {
    const ev = evaluate(
      {
        deals: [
          deal({
            amount: '12000.50',
            currency: 'EUR',
            splits: [
              { userId: 'R2', percent: '40' },
              { userId: 'R1', percent: '33.3' },
              { userId: 'R3', percent: '26.7' },
            ],
          }),
        ],
        activities: [meeting({ participants: [user('M1'), user('M2'), buyer()] })],
      },
      { creditBasis: 'splits' },
    );
    // 12000.50 x 33.3% = 3996.1665 -> 3996.17; x 26.7% = 3204.13335 -> 3204.13.
    expect(ev.fields).toMatchObject({ involved: true, creditedManagerId: 'M1', credit: '7200.30' });
    expect(ev.decisions.map((d) => [d.managerId, d.amount])).toEqual([
      ['M1', '7826.41'],
      ['M2', '5217.61'],
    ]);
  });

  it('a deal that is not won: no decisions, counts for nobody, a short sentence', () => {
    const ev = evaluate({ deals: [deal({ won: false })], activities: [meeting()] });
    expect(ev).toEqual({
      dealId: 'DL1',
      won: false,
      period: 'FY2026-Q1',
      amount: '0.00',
      teamManagerId: null,
      decisions: [],
      fields: {
        involved: false,
        creditedManagerId: null,
        credit: '0.00',
        reason: 'Not credited: the deal is not closed won.',
      },
    });
  });

  it('the null-manager decision reads as one sentence on the deal', () => {
    const ev = evaluate({ deals: [deal({ ownerId: 'R0' })] });
    expect(ev.fields.reason).toBe('Not credited: owner Rex Loner has no manager on 2026-03-15.');
  });
});
