// Protects pulls against HubSpot's bad days: a burst of 429s (10-second and search limits), a
// share of 5xx answers and an access token that expires mid-pull lose nothing: the pull equals
// the one made on a quiet day, and the token is refreshed once and handed to onTokens.
import { afterEach, describe, expect, it } from 'vitest';
import type { HubSpotTokens } from '../../connectors/hubspot/auth.js';
import type { HubSpotSandbox } from '../../connectors/hubspot/sandbox/server.js';
import { connectorFor, pullEverything, sandboxWith } from './harness.js';
import { smallOrg } from './small-org.js';

describe('HubSpot pull under faults', () => {
  let sb: HubSpotSandbox | null = null;
  afterEach(async () => {
    await sb?.close();
    sb = null;
  });

  it('rides out 429 bursts on the 10-second limit', async () => {
    sb = await sandboxWith(smallOrg());
    const quiet = await pullEverything(connectorFor(sb), { pageSize: 2 });
    // A short window keeps the test quick; the connector learns its length from the 429's header.
    sb.setSwitches({ tenSecondlyLimit: 3, rateWindowMs: 300 });
    sb.resetStats();
    const busy = await pullEverything(connectorFor(sb), { pageSize: 2 });
    expect(busy).toEqual(quiet);
    expect(sb.stats().rateLimitedBy['TEN_SECONDLY_ROLLING']).toBeGreaterThan(0);
  });

  it('rides out the search per-second limit', async () => {
    sb = await sandboxWith(smallOrg());
    const options = { splits: false, accountActivities: false, lookbackMs: 60 * 60 * 1000, limit: 100 };
    const quiet = await connectorFor(sb).pullChangedSince(null, options);
    sb.setSwitches({ searchPerSecond: 1 });
    sb.resetStats();
    // Deals, then meetings, then calls: three searches within a second.
    const busy = await connectorFor(sb).pullChangedSince(null, options);
    expect({ deals: busy.deals, activities: busy.activities }).toEqual({
      deals: quiet.deals,
      activities: quiet.activities,
    });
    expect(busy.more).toBe(false);
    expect(sb.stats().rateLimitedBy['SECONDLY']).toBeGreaterThan(0);
  });

  it('backs off through 5xx answers', async () => {
    sb = await sandboxWith(smallOrg());
    const quiet = await pullEverything(connectorFor(sb), { pageSize: 2 });
    sb.setSwitches({ errorRate5xx: 0.3, seed: 42 });
    sb.resetStats();
    const flaky = await pullEverything(connectorFor(sb), { pageSize: 2 });
    expect(flaky).toEqual(quiet);
    expect(sb.stats().injected5xx).toBeGreaterThan(0);
  });

  it('refreshes an expired token once, mid-pull, and hands the new one over', async () => {
    sb = await sandboxWith(smallOrg());
    const quiet = await pullEverything(connectorFor(sb));
    sb.setSwitches({ tokenLifetimeMs: 1 });
    const stale = sb.issueTokens();
    sb.setSwitches({ tokenLifetimeMs: 60 * 60 * 1000 });
    const handed: HubSpotTokens[] = [];
    // The connector believes the token is good for an hour: only the 401 tells it otherwise.
    const connector = connectorFor(sb, {
      accessToken: stale.accessToken,
      refreshToken: stale.refreshToken,
      expiresAt: Date.now() + 60 * 60 * 1000,
      onTokens: (t) => {
        handed.push(t);
      },
    });
    // Move the sandbox's clock past the token's lifetime instead of sleeping through it.
    const clock = sb!.store.now;
    sb!.store.now = () => clock() + 1000;
    const [pulled] = await Promise.all([
      pullEverything(connector),
      connector.pullDeals(Object.values(sb.idMap.deals), { splits: true, accountActivities: false }),
    ]);
    expect(pulled).toEqual(quiet);
    expect(handed).toHaveLength(1);
    // Concurrent calls that all met the 401 shared one refresh.
    expect(sb.stats().byEndpoint['POST /oauth/v1/token']).toBe(1);
    expect(handed[0]!.accessToken).not.toBe(stale.accessToken);
    expect(handed[0]!.refreshToken).toBe(stale.refreshToken);
    expect(sb.stats().unauthorized).toBeGreaterThan(0);
  });

  it('refreshes before expiry without waiting for a 401', async () => {
    sb = await sandboxWith(smallOrg());
    const handed: HubSpotTokens[] = [];
    const connector = connectorFor(sb, {
      expiresAt: Date.now() + 30_000,
      onTokens: (t) => void handed.push(t),
    });
    sb.resetStats();
    await connector.pullOrg();
    expect(handed).toHaveLength(1);
    expect(sb.stats().unauthorized).toBe(0);
  });
});
