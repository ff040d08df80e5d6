// Protects the documented lossy rules the generated orgs never exercise: email-only participants, several deals on one activity, no user organizer, a second user on a call.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SalesforceConnector } from '../../connectors/salesforce/salesforce-connector.js';
import { type Activity, parseSnapshot, type SnapshotInput } from '../../src/domain/snapshot.js';
import { startTestOrg, type TestOrg } from './support.js';

const U = (n: number) => `0055g000000000${n}AAA`;
const D = (n: number) => `0065g000000000${n}AAA`;
const A = '0015g0000000001AAA';

const input: SnapshotInput = {
  version: 1,
  tenant: 'edges',
  corporateCurrency: 'USD',
  timezone: 'America/Los_Angeles',
  fiscalYearStartMonth: 1,
  internalDomains: ['acme.com'],
  users: [
    { id: U(1), name: 'Rita Rep', email: 'rita@acme.com', managerId: U(2), active: true },
    { id: U(2), name: 'Mia Manager', email: 'mia@acme.com', managerId: null, active: true },
  ],
  deals: [1, 2].map((n) => ({
    id: D(n),
    name: `deal ${n}`,
    ownerId: U(1),
    accountId: A,
    amount: '100.005',
    currency: 'USD',
    closeDate: '2026-03-15',
    won: true,
    splits: [{ userId: U(1), percent: '100' }],
  })),
  activities: [
    {
      id: '00U5g0000000001AAA',
      kind: 'meeting',
      dealIds: [D(2), D(1)],
      accountId: null,
      start: '2026-03-10T15:00:00Z',
      participants: [
        { email: 'buyer@globex.com', role: 'organizer', status: 'accepted' },
        { email: 'MIA@acme.com', role: 'attendee', status: 'tentative' },
        { email: 'buyer@globex.com', external: true, role: 'attendee', status: 'accepted' },
        { userId: U(1), email: 'rita@acme.com', role: 'attendee', status: 'attended' },
      ],
    },
    {
      id: '00T5g0000000001AAA',
      kind: 'call',
      dealIds: [D(1)],
      start: '2026-03-11T06:30:00Z',
      participants: [
        { userId: U(1), role: 'organizer', status: 'accepted' },
        { userId: U(2), role: 'attendee', status: 'accepted' },
        { contactId: '0035g0000000001AAA', email: 'cfo@globex.com', role: 'attendee', status: 'declined' },
        { contactId: '0035g0000000002AAA', email: 'cto@globex.com', role: 'attendee', status: 'attended' },
      ],
    },
  ],
  quotas: [],
  rates: [],
};

describe('Salesforce mapping edge cases', () => {
  let org: TestOrg;
  let connector: SalesforceConnector;
  let activities: Map<string, Activity>;

  beforeAll(async () => {
    org = await startTestOrg({ snapshot: parseSnapshot(input) });
    connector = org.connector();
    const page = await connector.pullClosedBetween({ from: '2026-01-01', to: '2026-12-31' }, null, {
      pageSize: 10,
      splits: true,
      accountActivities: true,
    });
    expect(page.deals.map((d) => [d.id, d.amount, d.splits])).toEqual([
      [D(1), '100.01', []],
      [D(2), '100.01', []],
    ]);
    activities = new Map(page.activities.map((a) => [a.id, a]));
  });
  afterAll(() => org.close());

  it('keeps the first deal of a meeting, makes the first user attendee organizer, and contacts of email-only externals', () => {
    const meeting = activities.get('00U5g0000000001AAA')!;
    expect(meeting.dealIds).toEqual([D(2)]);
    expect(meeting.accountId).toBe(A);
    const [organizer, ...rest] = meeting.participants;
    // No user organized it: the first user among the attendees (Mia, known by her email) owns it.
    expect(organizer).toEqual({ userId: U(2), role: 'organizer', status: 'accepted' });
    expect(rest).toEqual([
      { userId: U(1), role: 'attendee', status: 'accepted' },
      {
        contactId: expect.stringMatching(/^003/),
        email: 'buyer@globex.com',
        role: 'attendee',
        status: 'accepted',
      },
    ]);
  });

  it('keeps one user and one outcome on a call, dated in the org time zone', () => {
    const call = activities.get('00T5g0000000001AAA')!;
    expect(call.start).toBeNull();
    expect(call.date).toBe('2026-03-10');
    expect(call.participants).toEqual([
      { userId: U(1), role: 'organizer', status: 'attended' },
      { contactId: '0035g0000000001AAA', email: 'cfo@globex.com', role: 'attendee', status: 'declined' },
      { contactId: '0035g0000000002AAA', email: 'cto@globex.com', role: 'attendee', status: 'declined' },
    ]);
  });
});
