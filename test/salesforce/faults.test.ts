// Protects pulls against Salesforce's bad moments: a burst of 503s and an expired session mid-pull lose nothing, and concurrent calls share one token refresh.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pullSnapshot } from '../../connectors/pull-snapshot.js';
import { generateOrg } from '../../src/generator/index.js';
import { canonical, startTestOrg, type TestOrg } from './support.js';

const RANGE = { tenant: 'acme', from: '1900-01-01', to: '2999-12-31', pageSize: 60 };

describe('Salesforce pulls under faults', () => {
  let org: TestOrg;
  beforeAll(async () => {
    org = await startTestOrg({ snapshot: generateOrg({ deals: 200, seed: 9 }) });
    await org.connector().install();
  });
  afterAll(() => org.close());

  it('a 503 burst and an expired token during a pull change nothing in what is pulled', async () => {
    const clean = await pullSnapshot(org.connector(), RANGE);
    const connector = org.connector();
    org.sf.resetStats();
    org.sf.setSwitches({ burst503: 4 });
    const org1 = await connector.pullOrg();
    // Expire the session between two pages, then a random share of 503s on everything after.
    const first = await connector.pullClosedBetween(RANGE, null, {
      pageSize: 60,
      splits: true,
      accountActivities: true,
    });
    org.sf.expireAccessTokens();
    org.sf.setSwitches({ errorRate503: 0.25, seed: 42 });
    const deals = [...first.deals];
    const activities = new Map(first.activities.map((a) => [a.id, a]));
    let page = first.next;
    while (page !== null) {
      const batch = await connector.pullClosedBetween(RANGE, page, {
        pageSize: 60,
        splits: true,
        accountActivities: true,
      });
      deals.push(...batch.deals);
      for (const a of batch.activities) activities.set(a.id, a);
      page = batch.next;
    }
    org.sf.setSwitches({ errorRate503: 0 });
    const stats = org.sf.stats();
    expect(stats.byStatus['503']).toBeGreaterThan(4);
    expect(stats.byStatus['401']).toBeGreaterThanOrEqual(1);
    expect(connector.refreshes).toBe(1);
    expect(org.tokens.at(-1)).toMatchObject({ instanceUrl: org.sf.url, refreshToken: expect.any(String) });

    const faulty = {
      ...clean.snapshot,
      users: org1.users,
      quotas: org1.quotas,
      rates: org1.rates,
      deals,
      activities: [...activities.values()],
    };
    expect(canonical(faulty)).toEqual(canonical(clean.snapshot));
  });

  it('refreshes once for many calls that find the session expired together', async () => {
    const connector = org.connector();
    await connector.pullOrg();
    org.sf.expireAccessTokens();
    const ids = (
      await org.user().query<{ Id: string }>('SELECT Id FROM Opportunity ORDER BY Id LIMIT 10')
    ).records.map((r) => r.Id);
    const results = await Promise.all(
      ids.map((id) => connector.pullDeals([id], { splits: false, accountActivities: false })),
    );
    expect(results.map((r) => r.deals[0]?.id)).toEqual(ids);
    expect(connector.refreshes).toBe(1);
  });

  it('gives up on a session that cannot be refreshed, as AUTH_EXPIRED', async () => {
    const connector = org.connector({ refreshToken: 'revoked' });
    org.sf.expireAccessTokens();
    await expect(connector.pullOrg()).rejects.toMatchObject({ code: 'AUTH_EXPIRED', retryable: false });
  });

  it('does not refresh forever when every new token is refused', async () => {
    org.sf.setSwitches({ tokenLifetimeMs: 1 });
    try {
      const connector = org.connector();
      org.sf.expireAccessTokens();
      await expect(connector.pullOrg()).rejects.toMatchObject({ code: 'AUTH_EXPIRED' });
      expect(connector.refreshes).toBe(3);
    } finally {
      org.sf.setSwitches({ tokenLifetimeMs: 3_600_000 });
    }
  });

  it('stops retrying 503s after the policy and says so', async () => {
    org.sf.setSwitches({ burst503: 100 });
    try {
      await expect(
        org.connector({ retry: { attempts: 3, baseMs: 1, maxMs: 2 } }).pullOrg(),
      ).rejects.toMatchObject({
        code: 'CRM_UNAVAILABLE',
        retryable: true,
        providerCode: 'SERVER_UNAVAILABLE',
      });
    } finally {
      org.sf.setSwitches({ burst503: 0 });
    }
  });
});
