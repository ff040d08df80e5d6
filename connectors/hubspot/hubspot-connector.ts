/**
 * The HubSpot CrmConnector (connectors/types.ts) over @hubspot/api-client. One per tenant:
 * it holds the tenant's tokens (refreshed before expiry and after a 401, new ones handed to
 * `onTokens`), the portal's pacing (rate-limit.ts, shared per portal in the process) and the
 * manager mapping (HubSpot has no manager field: an owner's manager is their own entry in
 * `managerMapping.owners`, else the entry of their primary team in `managerMapping.teams`).
 * See README.md in this folder for the mapping of every field.
 */
import type { CrmFieldState, WriteBackPlan } from '../../src/domain/write-back.js';
import { type Logger, silentLogger } from '../../src/logger.js';
import type { ApiUsage, CrmConnector, InstallReport, WriteBackReport } from '../types.js';
import { DEFAULT_BASE_PATH, type HubSpotTokens, TokenManager } from './auth.js';
import { HubSpotApi } from './client.js';
import { installHubSpot } from './install.js';
import type { ManagerMapping } from './mappers/hubspot-types.js';
import { HubSpotPull } from './pull.js';
import { limitsForPortal, type RateLimitSettings } from './rate-limit.js';
import { writeBackToHubSpot } from './write-back.js';

export interface HubSpotConnectorConfig {
  /** Default https://api.hubapi.com; the sandbox's `url` in tests and the demo. */
  basePath?: string;
  accessToken: string;
  refreshToken?: string;
  /** When the access token expires, epoch ms. */
  expiresAt?: number;
  clientId?: string;
  clientSecret?: string;
  redirectUri?: string;
  portalId: number | string;
  /** Owner id → manager owner id, and team id → manager owner id; the owner entry wins. */
  managerMapping: ManagerMapping;
  /** HubSpot has no fiscal year setting in its API; default 1 (January). */
  fiscalYearStartMonth?: number;
  /** Overrides the portal's time zone (account details). */
  timezone?: string;
  /** The org's email domains; default: the domains of the owners' emails. */
  internalDomains?: string[];
  onTokens?: (tokens: HubSpotTokens) => void | Promise<void>;
  logger?: Logger;
  /** Pacing; defaults suit an OAuth app (100 calls per 10 s, 4 searches per second). */
  rateLimits?: RateLimitSettings;
  /** The clock, for tests. */
  now?: () => number;
}

export interface HubSpotConnector extends CrmConnector {
  readonly kind: 'hubspot';
  install(): Promise<InstallReport & { skipped: string[] }>;
  /** API calls made so far by this connector. */
  calls(): number;
}

export function createHubSpotConnector(config: HubSpotConnectorConfig): HubSpotConnector {
  const basePath = (config.basePath ?? DEFAULT_BASE_PATH).replace(/\/$/, '');
  const logger = (config.logger ?? silentLogger).child({
    provider: 'hubspot',
    portalId: String(config.portalId),
  });
  const now = config.now ?? Date.now;
  const tokens = new TokenManager({
    basePath,
    accessToken: config.accessToken,
    ...(config.refreshToken === undefined ? {} : { refreshToken: config.refreshToken }),
    ...(config.expiresAt === undefined ? {} : { expiresAt: config.expiresAt }),
    ...(config.clientId === undefined ? {} : { clientId: config.clientId }),
    ...(config.clientSecret === undefined ? {} : { clientSecret: config.clientSecret }),
    ...(config.onTokens === undefined ? {} : { onTokens: config.onTokens }),
    now,
  });
  let timezone: string | undefined = config.timezone;
  const api = new HubSpotApi(
    basePath,
    tokens,
    limitsForPortal(basePath, String(config.portalId), config.rateLimits),
    () => timezone,
    logger,
    config.rateLimits?.retryBaseMs,
  );
  const pull = new HubSpotPull(
    api,
    {
      managerMapping: config.managerMapping,
      fiscalYearStartMonth: config.fiscalYearStartMonth ?? 1,
      ...(config.timezone === undefined ? {} : { timezone: config.timezone }),
      ...(config.internalDomains === undefined ? {} : { internalDomains: config.internalDomains }),
      now,
    },
    logger,
  );
  const withZone = async <T>(work: () => Promise<T>): Promise<T> => {
    timezone ??= (await pull.meta()).timezone;
    return work();
  };

  return {
    kind: 'hubspot',
    calls: () => api.calls,
    pullOrg: () => withZone(() => pull.pullOrg()),
    pullDeals: (ids, options) => withZone(() => pull.pullDeals(ids, options)),
    pullChangedSince: (cursor, options) => withZone(() => pull.pullChangedSince(cursor, options)),
    pullClosedBetween: (range, page, options) => withZone(() => pull.pullClosedBetween(range, page, options)),
    countClosedBetween: (range) => withZone(() => pull.countClosedBetween(range)),
    resolveDealIds: (changes) => pull.resolveDealIds(changes),
    writeBack: (desired: WriteBackPlan, current: CrmFieldState): Promise<WriteBackReport> =>
      writeBackToHubSpot({
        api,
        attainmentType: () => pull.attainmentObjectType(),
        logger,
        desired,
        current,
      }),
    install: async () => {
      const report = await installHubSpot(api);
      pull.attainmentTypeId = undefined;
      return report;
    },
    apiUsage: async (): Promise<ApiUsage | null> => {
      const daily = api.dailyUsage();
      if (daily === null) return null;
      return { used: daily.limit - daily.remaining, limit: daily.limit, remaining: daily.remaining };
    },
  };
}
