// Protects incremental sync on Salesforce: the (SystemModstamp, Id) cursor misses and repeats nothing when thousands of records share one stamp, and changes made through the API come back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SalesforceConnector } from '../../connectors/salesforce/salesforce-connector.js';
import type { Snapshot } from '../../src/domain/snapshot.js';
import { generateOrg } from '../../src/generator/index.js';
import { planFor } from './plan.js';
import { startTestOrg, type TestOrg } from './support.js';

const OPTIONS = { lookbackMs: 24 * 3_600_000, limit: 1000, splits: false, accountActivities: false };

describe('Salesforce incremental pull', () => {
  let now = Date.UTC(2026, 10, 15, 12, 0, 0);
  const clock = () => now;
  let org: TestOrg;
  let snapshot: Snapshot;
  let connector: SalesforceConnector;
  let cursor: string | null = null;

  const drain = async () => {
    const ids: string[] = [];
    let more = true;
    let calls = 0;
    while (more) {
      const r = await connector.pullChangedSince(cursor, OPTIONS);
      ids.push(...r.deals.map((d) => d.id));
      cursor = r.cursor;
      more = r.more;
      calls++;
    }
    return { ids, calls };
  };

  beforeAll(async () => {
    // Deals only: every opportunity carries the one SystemModstamp of the load.
    snapshot = { ...generateOrg({ deals: 5000, seed: 3 }), activities: [] };
    org = await startTestOrg({ snapshot, clock });
    connector = org.connector({ clock });
    await connector.install();
  });
  afterAll(() => org.close());

  it('pages through 5,000 opportunities sharing one SystemModstamp, missing none and repeating none', async () => {
    const stamps = await org
      .user()
      .query<{ SystemModstamp: string }>('SELECT SystemModstamp FROM Opportunity', {
        autoFetch: true,
        maxFetch: 10_000,
      });
    expect(new Set(stamps.records.map((r) => r.SystemModstamp)).size).toBe(1);
    const won = snapshot.deals
      .filter((d) => d.won)
      .map((d) => d.id)
      .sort();
    expect(won.length).toBeGreaterThan(3000);

    const { ids, calls } = await drain();
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(won);
    expect(calls).toBe(Math.floor(won.length / 1000) + 1);
    expect((await connector.pullChangedSince(cursor, OPTIONS)).deals).toEqual([]);
  });

  it('sees an opportunity closed through the API, a new meeting and an accepted invitation', async () => {
    const user = org.user();
    const lost = snapshot.deals.find((d) => !d.won)!;
    const [wonA, wonB] = snapshot.deals.filter((d) => d.won);
    const users = new Map(snapshot.users.map((u) => [u.id, u]));

    now += 5_000;
    await user.sobject('Opportunity').update({ Id: lost.id, StageName: 'Closed Won' });
    let batch = await connector.pullChangedSince(cursor, OPTIONS);
    cursor = batch.cursor;
    expect(batch.deals.map((d) => [d.id, d.won])).toEqual([[lost.id, true]]);

    now += 5_000;
    const event = await user.sobject('Event').create({
      WhatId: wonA!.id,
      OwnerId: wonA!.ownerId,
      Subject: 'Pricing call',
      StartDateTime: '2026-11-15T15:00:00Z',
      DurationInMinutes: 30,
    });
    const manager = users.get(wonA!.ownerId)!.managerId!;
    const invite = await user
      .sobject('EventRelation')
      .create({ EventId: event.id, RelationId: manager, IsInvitee: true, Status: 'New' });
    batch = await connector.pullChangedSince(cursor, OPTIONS);
    cursor = batch.cursor;
    expect(batch.deals.map((d) => d.id)).toEqual([wonA!.id]);
    const meeting = batch.activities.find((a) => a.id === event.id)!;
    expect(meeting.participants).toEqual([
      { userId: wonA!.ownerId, role: 'organizer', status: 'accepted' },
      { userId: manager, role: 'attendee', status: 'needsAction' },
    ]);

    now += 5_000;
    await user.sobject('EventRelation').update({ Id: invite.id!, Status: 'Accepted' });
    batch = await connector.pullChangedSince(cursor, OPTIONS);
    cursor = batch.cursor;
    expect(batch.deals.map((d) => d.id)).toEqual([wonA!.id]);
    expect(batch.activities.find((a) => a.id === event.id)!.participants[1]!.status).toBe('accepted');

    // A credited deal that stops being won comes back, so its credit can be taken away.
    now += 5_000;
    const plan = planFor({ ...snapshot, deals: [wonB!] });
    await connector.writeBack(plan, { deals: new Map(), attainment: new Map(), users: new Map() });
    await connector.pullChangedSince(cursor, OPTIONS).then((b) => {
      cursor = b.cursor;
    });
    now += 5_000;
    await user.sobject('Opportunity').update({ Id: wonB!.id, StageName: 'Closed Lost' });
    batch = await connector.pullChangedSince(cursor, OPTIONS);
    expect(batch.deals.map((d) => [d.id, d.won])).toEqual([[wonB!.id, false]]);
    expect(batch.current.get(wonB!.id)).toBeDefined();
  });

  it('resolves meetings and calls to their deals', async () => {
    const user = org.user();
    const deal = snapshot.deals.find((d) => d.won && d.accountId !== null)!;
    const onDeal = await user.sobject('Event').create({
      WhatId: deal.id,
      OwnerId: deal.ownerId,
      StartDateTime: '2026-11-15T16:00:00Z',
      DurationInMinutes: 30,
    });
    const onAccount = await user.sobject('Task').create({
      WhatId: deal.accountId,
      OwnerId: deal.ownerId,
      TaskSubtype: 'Call',
      ActivityDate: '2026-11-15',
      Status: 'Completed',
    });
    const ids = await connector.resolveDealIds([
      { objectType: 'meeting', id: onDeal.id!, occurredAt: null },
      { objectType: 'call', id: onAccount.id!, occurredAt: null },
      { objectType: 'deal', id: 'a deal id from a webhook', occurredAt: null },
    ]);
    expect(ids.sort()).toEqual(['a deal id from a webhook', deal.id].sort());
  });

  it('refuses a cursor it did not make', async () => {
    await expect(connector.pullChangedSince('not-a-cursor', OPTIONS)).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
    await expect(
      connector.pullClosedBetween({ from: '2026-02-01', to: '2026-01-01' }, null, {
        ...OPTIONS,
        pageSize: 10,
      }),
    ).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
  });
});
