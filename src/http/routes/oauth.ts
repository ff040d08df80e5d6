/**
 * The install flows of both CRMs:
 *   GET /oauth/:provider/start?tenant=<id>[&name=<display name>]  -> 302 to the CRM's consent page
 *   GET /oauth/:provider/callback?code=...&state=...             -> the tenant, created or re-authorized
 * The state is checked first (missing, unknown, expired, reused or for the other CRM: 400), then the
 * code is exchanged and the org (Salesforce) or portal (HubSpot) identified. A new tenant id creates
 * the tenant (a Salesforce tenant gets a fresh webhook secret, and the answer shows the Outbound
 * Message URL to configure); an existing tenant of the same org or portal gets the new tokens; a
 * tenant id or an org that belongs to another install is a 409.
 */
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { CRM_KINDS, type CrmKind } from '../../../connectors/types.js';
import { type ErrorCode, InputError, isPlayercoachError, PlayercoachError } from '../../errors.js';
import { toSalesforceId18 } from '../../tenants/salesforce-org-id.js';
import { maskTenant, type Tenant, tenantIdSchema } from '../../tenants/tenant.js';
import { parseInput } from '../../validate.js';
import type { AppDeps } from '../deps.js';
import { createOAuthProviders, type OAuthInstall } from '../oauth/providers.js';
import { createOAuthStates } from '../oauth/state.js';
import { salesforceWebhookUrl } from './admin/tenants.js';

const REFUSED = new Set<ErrorCode>(['UNAUTHORIZED', 'CRM_REJECTED', 'AUTH_EXPIRED', 'INVALID_INPUT']);

const providerParams = z.object({ provider: z.enum(CRM_KINDS) });
const startQuery = z.object({ tenant: tenantIdSchema, name: z.string().min(1).max(200).optional() });
const callbackQuery = z.object({
  state: z.string().optional(),
  code: z.string().min(1).optional(),
  error: z.string().optional(),
  error_description: z.string().optional(),
});

function sameAccount(t: Tenant, install: OAuthInstall): boolean {
  if (t.salesforce && install.salesforce) {
    return toSalesforceId18(t.salesforce.orgId) === toSalesforceId18(install.salesforce.orgId);
  }
  return Boolean(t.hubspot && install.hubspot && t.hubspot.portalId === install.hubspot.portalId);
}

function accountLabel(install: OAuthInstall): string {
  return install.salesforce
    ? `Salesforce org ${install.salesforce.orgId}`
    : `HubSpot portal ${install.hubspot?.portalId}`;
}

export const oauthRoutes: FastifyPluginAsync<AppDeps> = async (app, deps) => {
  const providers = deps.oauth ?? createOAuthProviders(deps.config, deps.now);
  const states = createOAuthStates(deps);
  const base = deps.config.PUBLIC_BASE_URL.replace(/\/+$/, '');
  const redirectUri = (kind: CrmKind) => `${base}/oauth/${kind}/callback`;

  const providerOf = (params: unknown) => {
    const provider = providers[parseInput(providerParams, params, 'path').provider];
    const absent = provider.missingConfig();
    if (absent) {
      throw new PlayercoachError(
        'NOT_FOUND',
        `${provider.kind} installs are not configured here (set ${absent})`,
      );
    }
    return provider;
  };

  app.get('/oauth/:provider/start', async (request, reply) => {
    const provider = providerOf(request.params);
    const { tenant, name } = parseInput(startQuery, request.query, 'query');
    const existing = await deps.tenants.get(tenant);
    if (existing && existing.kind !== provider.kind) {
      throw new PlayercoachError('CONFLICT', `tenant "${tenant}" is a ${existing.kind} tenant`);
    }
    const pkce = provider.pkcePair?.();
    const state = await states.issue({
      provider: provider.kind,
      tenant,
      ...(name ? { name } : {}),
      ...(pkce ? { codeVerifier: pkce.verifier } : {}),
    });
    return reply.redirect(
      provider.authorizeUrl({
        state,
        redirectUri: redirectUri(provider.kind),
        ...(pkce ? { codeChallenge: pkce.challenge } : {}),
      }),
      302,
    );
  });

  app.get('/oauth/:provider/callback', async (request, reply) => {
    const provider = providerOf(request.params);
    const query = parseInput(callbackQuery, request.query, 'query');
    const pending = await states.take(query.state, provider.kind);
    if (query.error) {
      throw new InputError(
        `${provider.kind} did not authorize the install: ${query.error_description ?? query.error}`,
      );
    }
    if (!query.code) throw new InputError('code: missing from the callback');
    const install = await provider
      .complete({
        code: query.code,
        redirectUri: redirectUri(provider.kind),
        ...(pending.codeVerifier ? { codeVerifier: pending.codeVerifier } : {}),
      })
      .catch((err: unknown) => {
        // A refused code is the caller's to fix (start again); an unreachable CRM stays a 5xx.
        if (isPlayercoachError(err) && REFUSED.has(err.code)) {
          throw new InputError(`code: ${provider.kind} refused it (${err.message}); start the install again`);
        }
        throw err;
      });

    const existing = await deps.tenants.get(pending.tenant);
    let tenant: Tenant;
    let outcome: 'created' | 'reauthorized';
    if (existing) {
      if (!sameAccount(existing, install)) {
        throw new PlayercoachError(
          'CONFLICT',
          `tenant "${existing.id}" is connected to another account than ${accountLabel(install)}`,
        );
      }
      await deps.tenants.updateCredentials(existing.id, install.credentials);
      tenant = await deps.tenants.require(existing.id);
      outcome = 'reauthorized';
    } else {
      tenant = await deps.tenants.create({
        id: pending.tenant,
        name: pending.name ?? pending.tenant,
        kind: provider.kind,
        ...(install.salesforce ? { salesforce: install.salesforce } : {}),
        ...(install.hubspot ? { hubspot: install.hubspot } : {}),
        credentials: install.credentials,
      });
      outcome = 'created';
    }
    request.log.info({ tenant: tenant.id, provider: provider.kind, outcome }, 'oauth install completed');
    const webhookUrl = salesforceWebhookUrl(deps.config.PUBLIC_BASE_URL, tenant);
    return reply.code(outcome === 'created' ? 201 : 200).send({
      outcome,
      tenant: maskTenant(tenant),
      ...(webhookUrl ? { webhookUrl } : {}),
    });
  });
};
