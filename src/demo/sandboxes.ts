/**
 * Both sandbox CRMs, seeded with one generated org, and everything a person or a script needs to
 * point playercoach at them: URLs, the apps' client credentials, ready tokens, the Salesforce
 * org id and the HubSpot portal id, and the tenant bodies `POST /admin/tenants` takes. Used by
 * `playercoach sandbox` and by the demo.
 */
import { type HubSpotSandbox, startHubSpotSandbox } from '../../connectors/hubspot/sandbox/server.js';
import {
  type SalesforceSandbox,
  startSalesforceSandbox,
} from '../../connectors/salesforce/sandbox/server.js';
import type { Snapshot } from '../domain/snapshot.js';
import { generateOrg } from '../generator/generate-org.js';

export interface SandboxOptions {
  deals: number;
  seed: number;
  /** The day the org is generated as of (YYYY-MM-DD): deals close up to it. */
  asOf: string;
  host?: string;
  /** The host name clients reach the sandboxes by, when not `host` (e.g. a compose service name). */
  publicHost?: string;
  /** The apps' client credentials, so a server configured beforehand (a .env file) matches; random otherwise. */
  apps?: {
    salesforce?: { clientId?: string; clientSecret?: string };
    hubspot?: { clientId?: string; clientSecret?: string };
  };
  /** 0 picks a free port. */
  salesforcePort?: number;
  hubspotPort?: number;
}

/** What both sandboxes give: where they are, the app's credentials, and a ready token pair. */
export interface SandboxAppInfo {
  url: string;
  clientId: string;
  clientSecret: string;
  /** Issued without the OAuth dance (Salesforce: for the org's first active user). */
  accessToken: string;
  refreshToken: string;
  authorizeUrl: string;
  tokenUrl: string;
  /** POST here for another token pair (Salesforce: body `{"userId": "005..."}` to act as someone else). */
  tokensUrl: string;
}

/** `url` is both the instance URL and the login URL. */
export interface SalesforceInfo extends SandboxAppInfo {
  orgId: string;
}

/** `url` is the SDK's basePath (HUBSPOT_BASE_PATH). */
export interface HubSpotInfo extends SandboxAppInfo {
  portalId: number;
  appId: number;
  /** HubSpot has no manager field: the sandbox made one team per manager; this maps them. */
  managerMapping: { owners: Record<string, string>; teams: Record<string, string> };
}

export interface SandboxInfo {
  org: { deals: number; seed: number; asOf: string; users: number; activities: number };
  salesforce: SalesforceInfo;
  hubspot: HubSpotInfo;
  /** The variables `playercoach serve` and `worker` need to talk to these sandboxes. */
  env: Record<string, string>;
}

export interface RunningSandboxes {
  snapshot: Snapshot;
  salesforce: SalesforceSandbox;
  hubspot: HubSpotSandbox;
  info: SandboxInfo;
  close(): Promise<void>;
}

export async function startSandboxes(options: SandboxOptions): Promise<RunningSandboxes> {
  const snapshot = generateOrg({ deals: options.deals, seed: options.seed, asOf: options.asOf });
  const host = options.host ?? '127.0.0.1';
  const common = { snapshot, host, ...(options.publicHost ? { publicHost: options.publicHost } : {}) };
  const salesforce = await startSalesforceSandbox({
    ...common,
    ...options.apps?.salesforce,
    port: options.salesforcePort ?? 0,
  });
  let hubspot: HubSpotSandbox;
  try {
    hubspot = await startHubSpotSandbox({
      ...common,
      ...options.apps?.hubspot,
      port: options.hubspotPort ?? 0,
    });
  } catch (err) {
    await salesforce.close();
    throw err;
  }
  const sfTokens = salesforce.issueTokens();
  const hsTokens = hubspot.issueTokens();
  const info: SandboxInfo = {
    org: {
      deals: snapshot.deals.length,
      seed: options.seed,
      asOf: options.asOf,
      users: snapshot.users.length,
      activities: snapshot.activities.length,
    },
    salesforce: {
      url: salesforce.url,
      orgId: salesforce.orgId,
      clientId: salesforce.clientId,
      clientSecret: salesforce.clientSecret,
      accessToken: sfTokens.accessToken,
      refreshToken: sfTokens.refreshToken,
      authorizeUrl: `${salesforce.url}/services/oauth2/authorize`,
      tokenUrl: `${salesforce.url}/services/oauth2/token`,
      tokensUrl: `${salesforce.url}/__sandbox/tokens`,
    },
    hubspot: {
      url: hubspot.url,
      portalId: hubspot.portalId,
      appId: hubspot.appId,
      clientId: hubspot.clientId,
      clientSecret: hubspot.clientSecret,
      accessToken: hsTokens.accessToken,
      refreshToken: hsTokens.refreshToken,
      authorizeUrl: `${hubspot.url}/oauth/authorize`,
      tokenUrl: `${hubspot.url}/oauth/v1/token`,
      tokensUrl: `${hubspot.url}/__sandbox/tokens`,
      managerMapping: { owners: {}, teams: hubspot.idMap.teams },
    },
    env: {
      SALESFORCE_CLIENT_ID: salesforce.clientId,
      SALESFORCE_CLIENT_SECRET: salesforce.clientSecret,
      SALESFORCE_LOGIN_URL: salesforce.url,
      HUBSPOT_CLIENT_ID: hubspot.clientId,
      HUBSPOT_CLIENT_SECRET: hubspot.clientSecret,
      HUBSPOT_APP_ID: String(hubspot.appId),
      HUBSPOT_BASE_PATH: hubspot.url,
      HUBSPOT_AUTHORIZE_URL: `${hubspot.url}/oauth/authorize`,
    },
  };
  return {
    snapshot,
    salesforce,
    hubspot,
    info,
    async close() {
      await Promise.all([salesforce.close(), hubspot.close()]);
    },
  };
}

/**
 * The bodies of `POST /admin/tenants` (and the tenant store's `create`) for one tenant per
 * sandbox. HubSpot's API does not report the fiscal calendar, so the generated org's is set.
 */
export function sandboxTenants(
  info: SandboxInfo,
  snapshot: Pick<Snapshot, 'fiscalYearStartMonth' | 'timezone'>,
  ids: { salesforce: string; hubspot: string },
) {
  return {
    salesforce: {
      id: ids.salesforce,
      name: 'Sandbox Salesforce org',
      kind: 'salesforce' as const,
      salesforce: {
        orgId: info.salesforce.orgId,
        instanceUrl: info.salesforce.url,
        loginUrl: info.salesforce.url,
      },
      credentials: { accessToken: info.salesforce.accessToken, refreshToken: info.salesforce.refreshToken },
    },
    hubspot: {
      id: ids.hubspot,
      name: 'Sandbox HubSpot portal',
      kind: 'hubspot' as const,
      hubspot: { portalId: info.hubspot.portalId, basePath: info.hubspot.url },
      credentials: { accessToken: info.hubspot.accessToken, refreshToken: info.hubspot.refreshToken },
      managerMapping: info.hubspot.managerMapping,
      settings: { fiscalYearStartMonth: snapshot.fiscalYearStartMonth, timezone: snapshot.timezone },
    },
  };
}
