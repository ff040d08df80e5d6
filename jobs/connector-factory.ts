/**
 * Tenant -> CrmConnector. One connector per tenant is kept while the tenant record is unchanged,
 * so a token refresh stays single-flight across the jobs of that tenant in this process; the
 * `onTokens` callback stores refreshed tokens (encrypted) through the tenant store, so every
 * other worker picks them up. The app's client credentials come from the environment.
 */
import { createHubSpotConnector } from '../connectors/hubspot/hubspot-connector.js';
import { createSalesforceConnector } from '../connectors/salesforce/salesforce-connector.js';
import type { CrmConnector } from '../connectors/types.js';
import type { Config } from '../src/config.js';
import { PlayercoachError } from '../src/errors.js';
import type { Logger } from '../src/logger.js';
import type { Tenant } from '../src/tenants/tenant.js';
import type { ConnectorFactory, PipelineMetrics, TenantSource } from './deps.js';
import { instrumentConnector } from './instrument.js';

export type ConnectorConfig = Pick<
  Config,
  'SALESFORCE_CLIENT_ID' | 'SALESFORCE_CLIENT_SECRET' | 'HUBSPOT_CLIENT_ID' | 'HUBSPOT_CLIENT_SECRET'
>;

export function createConnectorFactory(options: {
  config: ConnectorConfig;
  tenants: TenantSource;
  logger: Logger;
  metrics?: PipelineMetrics;
}): ConnectorFactory {
  const { config, tenants, logger, metrics } = options;
  const cache = new Map<string, { updatedAt: string; connector: CrmConnector }>();

  const build = (tenant: Tenant): CrmConnector => {
    const log = logger.child({ tenant: tenant.id, provider: tenant.kind });
    if (tenant.kind === 'salesforce') {
      const sf = tenant.salesforce;
      if (!sf || !config.SALESFORCE_CLIENT_ID) {
        throw new PlayercoachError(
          'CRM_REJECTED',
          sf
            ? 'SALESFORCE_CLIENT_ID is not set: the worker cannot call Salesforce'
            : `tenant ${tenant.id} has no Salesforce org`,
        );
      }
      return createSalesforceConnector({
        instanceUrl: sf.instanceUrl,
        loginUrl: sf.loginUrl,
        accessToken: tenant.credentials.accessToken,
        refreshToken: tenant.credentials.refreshToken ?? null,
        clientId: config.SALESFORCE_CLIENT_ID,
        ...(config.SALESFORCE_CLIENT_SECRET ? { clientSecret: config.SALESFORCE_CLIENT_SECRET } : {}),
        onTokens: (t) =>
          tenants.updateCredentials(tenant.id, {
            accessToken: t.accessToken,
            ...(t.refreshToken ? { refreshToken: t.refreshToken } : {}),
          }),
        logger: log,
      });
    }
    const hs = tenant.hubspot;
    if (!hs) throw new PlayercoachError('CRM_REJECTED', `tenant ${tenant.id} has no HubSpot portal`);
    return createHubSpotConnector({
      basePath: hs.basePath,
      portalId: hs.portalId,
      accessToken: tenant.credentials.accessToken,
      ...(tenant.credentials.refreshToken ? { refreshToken: tenant.credentials.refreshToken } : {}),
      ...(tenant.credentials.expiresAt !== undefined ? { expiresAt: tenant.credentials.expiresAt } : {}),
      ...(config.HUBSPOT_CLIENT_ID ? { clientId: config.HUBSPOT_CLIENT_ID } : {}),
      ...(config.HUBSPOT_CLIENT_SECRET ? { clientSecret: config.HUBSPOT_CLIENT_SECRET } : {}),
      managerMapping: tenant.managerMapping,
      ...(tenant.settings.timezone ? { timezone: tenant.settings.timezone } : {}),
      ...(tenant.settings.fiscalYearStartMonth
        ? { fiscalYearStartMonth: tenant.settings.fiscalYearStartMonth }
        : {}),
      ...(tenant.settings.internalDomains ? { internalDomains: tenant.settings.internalDomains } : {}),
      onTokens: (t) => tenants.updateCredentials(tenant.id, t),
      logger: log,
    });
  };

  return (tenant) => {
    const hit = cache.get(tenant.id);
    if (hit && hit.updatedAt === tenant.updatedAt) return hit.connector;
    const built = build(tenant);
    const connector = metrics ? instrumentConnector(built, metrics) : built;
    cache.set(tenant.id, { updatedAt: tenant.updatedAt, connector });
    return connector;
  };
}
