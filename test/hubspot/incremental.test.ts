// Protects the incremental pull: 12,000 deals sharing one hs_lastmodifieddate are all pulled, each
// once per sweep, whatever the batch limit, without any search paging past HubSpot's 10,000 cap;
// and a change made through the API after a sweep comes back in the next one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSdkClient } from '../../connectors/hubspot/client.js';
import type { HubSpotSandbox } from '../../connectors/hubspot/sandbox/server.js';
import type { SnapshotInput } from '../../src/domain/snapshot.js';
import { connectorFor, sandboxWith } from './harness.js';

const DEALS = 12_000;

function bigOrg(): SnapshotInput {
  return {
    version: 1,
    tenant: 'big',
    corporateCurrency: 'USD',
    timezone: 'UTC',
    fiscalYearStartMonth: 1,
    internalDomains: ['big.test'],
    users: [{ id: 'U1', name: 'Una Rep', email: 'una@big.test', managerId: null, active: true }],
    deals: Array.from({ length: DEALS }, (_, i) => ({
      id: `D${i}`,
      name: `Deal ${i}`,
      ownerId: 'U1',
      amount: '100',
      currency: 'USD',
      closeDate: '2026-02-01',
      won: true,
    })),
    activities: [],
  };
}

describe('HubSpot incremental pull', () => {
  let sb: HubSpotSandbox;
  const options = { splits: false, accountActivities: false, lookbackMs: 60 * 60 * 1000 };

  beforeAll(async () => {
    sb = await sandboxWith(bigOrg());
  });
  afterAll(async () => {
    await sb.close();
  });

  it('all deals share one hs_lastmodifieddate', () => {
    const stamps = new Set(
      [...sb.store.all('deals').values()].map((d) => d.properties['hs_lastmodifieddate']),
    );
    expect(stamps.size).toBe(1);
  });

  it.each([5000, 20_000])('pulls every deal exactly once with limit %i', async (limit) => {
    const connector = connectorFor(sb);
    const seen: string[] = [];
    let cursor: string | null = null;
    let calls = 0;
    for (;;) {
      const batch = await connector.pullChangedSince(cursor, { ...options, limit });
      seen.push(...batch.deals.map((d) => d.id));
      cursor = batch.cursor;
      calls++;
      if (!batch.more) break;
    }
    expect(seen).toHaveLength(DEALS);
    expect(new Set(seen).size).toBe(DEALS);
    expect(calls).toBe(Math.ceil(DEALS / limit) + (DEALS % limit === 0 ? 1 : 0));
    expect(sb.stats().byEndpoint['POST /crm/v3/objects/deals/search']).toBeGreaterThan(0);
  });

  it('picks up, in the next sweep, a deal and a meeting changed through the API', async () => {
    const connector = connectorFor(sb);
    let cursor: string | null = null;
    for (;;) {
      const batch = await connector.pullChangedSince(cursor, { ...options, limit: 20_000 });
      cursor = batch.cursor;
      if (!batch.more) break;
    }
    // Act as a user would: edit a deal, log a meeting on another (the SDK, over HTTP).
    const tokens = sb.issueTokens();
    const hs = createSdkClient({ basePath: sb.url, accessToken: tokens.accessToken });
    const edited = sb.idMap.deals['D5']!;
    const viaMeeting = sb.idMap.deals['D7']!;
    await hs.crm.deals.basicApi.update(edited, { properties: { dealname: 'renamed' } });
    await hs.crm.objects.meetings.basicApi.create({
      properties: {
        hs_timestamp: '2026-01-30T10:00:00Z',
        hubspot_owner_id: sb.idMap.users['U1']!,
        hs_meeting_outcome: 'COMPLETED',
      },
      associations: [
        {
          to: { id: viaMeeting },
          types: [{ associationCategory: 'HUBSPOT_DEFINED' as never, associationTypeId: 212 }],
        },
      ],
    });
    const next = await connector.pullChangedSince(cursor, { ...options, limit: 20_000 });
    const ids = next.deals.map((d) => d.id);
    expect(ids).toContain(edited);
    expect(ids).toContain(viaMeeting);
    expect(next.activities.map((a) => a.dealIds)).toEqual([[viaMeeting]]);
  });

  it('refuses a cursor it did not give', async () => {
    await expect(connectorFor(sb).pullChangedSince('bm9wZQ', { ...options, limit: 10 })).rejects.toThrow(
      /cursor/,
    );
  });
});
