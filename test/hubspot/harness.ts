/**
 * Test helpers for the HubSpot connector against the sandbox: a sandbox with a loaded org and a
 * connector wired to it, with the limits turned so a test spends no time waiting on pacing
 * unless it asks to, and a full pull that rebuilds a snapshot the way the service will.
 */

import {
  createHubSpotConnector,
  type HubSpotConnector,
  type HubSpotConnectorConfig,
} from '../../connectors/hubspot/hubspot-connector.js';
import {
  type HubSpotSandbox,
  type HubSpotSandboxOptions,
  startHubSpotSandbox,
} from '../../connectors/hubspot/sandbox/server.js';
import type { Activity, Snapshot, SnapshotInput } from '../../src/domain/snapshot.js';
import { parseSnapshot } from '../../src/domain/snapshot.js';

let nextPortal = 70_000;

export async function sandboxWith(
  snapshot: SnapshotInput | null,
  options: Omit<HubSpotSandboxOptions, 'snapshot'> = {},
): Promise<HubSpotSandbox> {
  return startHubSpotSandbox({
    ...(snapshot === null ? {} : { snapshot: parseSnapshot(snapshot) }),
    portalId: nextPortal++,
    ...options,
    switches: { tenSecondlyLimit: 100_000, searchPerSecond: 10_000, ...(options.switches ?? {}) },
  });
}

export function connectorFor(
  sb: HubSpotSandbox,
  over: Partial<HubSpotConnectorConfig> = {},
): HubSpotConnector {
  const tokens = sb.issueTokens();
  return createHubSpotConnector({
    basePath: sb.url,
    accessToken: tokens.accessToken,
    refreshToken: tokens.refreshToken,
    expiresAt: Date.now() + tokens.expiresIn * 1000,
    clientId: sb.clientId,
    clientSecret: sb.clientSecret,
    portalId: sb.portalId,
    managerMapping: { owners: {}, teams: sb.idMap.teams },
    rateLimits: { tenSecondly: 100_000, windowMs: 10_000, searchPerSecond: 10_000, retryBaseMs: 10 },
    ...over,
  });
}

export const ALL = { from: '1970-01-01', to: '2199-12-31' };

/** Pulls the org and every closed deal page by page, merging activities that several pages share. */
export async function pullEverything(
  connector: HubSpotConnector,
  opts: { pageSize?: number; tenant?: string; splits?: boolean; accountActivities?: boolean } = {},
): Promise<Snapshot> {
  const org = await connector.pullOrg();
  const deals = [];
  const activities = new Map<string, Activity>();
  let page: string | null = null;
  do {
    const batch = await connector.pullClosedBetween(ALL, page, {
      splits: opts.splits ?? true,
      accountActivities: opts.accountActivities ?? true,
      pageSize: opts.pageSize ?? 1000,
    });
    deals.push(...batch.deals);
    for (const a of batch.activities) {
      const seen = activities.get(a.id);
      if (seen) seen.dealIds = [...new Set([...seen.dealIds, ...a.dealIds])].sort();
      else activities.set(a.id, { ...a, dealIds: [...a.dealIds].sort() });
    }
    page = batch.next;
  } while (page !== null);
  return parseSnapshot({
    version: 1,
    tenant: opts.tenant ?? 'acme',
    corporateCurrency: org.corporateCurrency,
    timezone: org.timezone,
    fiscalYearStartMonth: org.fiscalYearStartMonth,
    internalDomains: org.internalDomains,
    users: org.users,
    deals,
    activities: [...activities.values()],
    quotas: org.quotas,
    rates: org.rates,
  });
}
