/**
 * The HubSpot sandbox: a fastify server holding one portal in memory that speaks HubSpot's wire
 * format closely enough for the real @hubspot/api-client, so the connector, the service and the
 * demo run against it over HTTP.
 *
 * Programmatic API (tests, benchmarks, the demo and the service's e2e tests use it; keep it stable):
 *
 *   const sb = await startHubSpotSandbox({ snapshot, port: 0 });
 *   sb.url            basePath for the SDK (`new Client({ basePath: sb.url, accessToken })`)
 *   sb.portalId, sb.clientId, sb.clientSecret, sb.appId
 *   sb.idMap          snapshot id → HubSpot id per object type (users, deals, activities, accounts,
 *                     contacts), `teams` (team id → manager owner id), and `back` (HubSpot → snapshot)
 *   sb.issueTokens()  → { accessToken, refreshToken, expiresIn } valid for `tokenLifetimeMs`
 *   sb.setSwitches({ latencyMs, errorRate5xx, batchInputErrorRate, seed, tokenLifetimeMs,
 *                    tenSecondlyLimit, rateWindowMs, dailyLimit, searchPerSecond, webhook* })
 *   sb.stats()        { total, byEndpoint: {"POST /crm/v3/objects/deals/search": n, ...}, rateLimited, ... }
 *   sb.resetStats()
 *   sb.setWebhookUrl(url | null)   where signed webhook batches go (signed with clientSecret)
 *   sb.webhooksIdle() resolves when every queued webhook batch is delivered or given up
 *   sb.store          the portal itself (PortalStore), for assertions
 *   sb.writeCounts()  accepted creates and updates per record since the last resetStats(),
 *                     { 'deals:123': n }, so a test can prove nothing was written twice
 *   sb.close()
 *
 * Over HTTP, for a sandbox in another process: GET /__sandbox/stats, DELETE /__sandbox/stats,
 * GET|PATCH /__sandbox/switches, PUT /__sandbox/webhook {"url": ...}, POST /__sandbox/tokens,
 * GET /__sandbox/id-map. OAuth: GET /oauth/authorize (auto-approves, redirects with code and state)
 * and POST /oauth/v1/token (authorization_code, refresh_token).
 *
 * The portal changes only through the same API a user's integration would use, so tests act as a
 * user would (create a meeting, move a deal to closed won) and watch what the connector does.
 */
import formbody from '@fastify/formbody';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { parseSnapshot, type Snapshot } from '../../../src/domain/snapshot.js';
import type { Logger } from '../../../src/logger.js';
import type { SandboxContext } from './context.js';
import { sendError } from './errors.js';
import { type CallStats, Limits } from './limits.js';
import { defaultDealPipeline, emptyIdMap, loadSnapshot, type SandboxIdMap } from './load-snapshot.js';
import { PortalStore, SandboxInputError } from './portal-store.js';
import { adminRoutes } from './routes/admin.js';
import { associationRoutes } from './routes/associations.js';
import { batchRoutes } from './routes/batch.js';
import { exchangeRateRoutes } from './routes/exchange-rates.js';
import { oauthRoutes } from './routes/oauth.js';
import { objectRoutes } from './routes/objects.js';
import { ownerRoutes } from './routes/owners.js';
import { pipelineRoutes } from './routes/pipelines.js';
import { propertyRoutes } from './routes/properties.js';
import { schemaRoutes } from './routes/schemas.js';
import { searchRoutes } from './routes/search.js';
import { DEFAULT_SWITCHES, type Switches, switchesSchema } from './switches.js';
import { type IssuedTokens, TokenStore } from './tokens.js';
import { WebhookDelivery, type WebhookStats } from './webhooks.js';

export type { SandboxIdMap } from './load-snapshot.js';
export type { Switches } from './switches.js';

export interface HubSpotSandboxOptions {
  snapshot?: Snapshot;
  port?: number;
  host?: string;
  /** The host name clients reach the sandbox by, when it is not `host`; `url` uses it. */
  publicHost?: string;
  portalId?: number;
  clientId?: string;
  clientSecret?: string;
  appId?: number;
  switches?: Partial<Switches>;
  /** Whether the portal allows custom objects (Enterprise); default true. */
  customObjects?: boolean;
  logger?: Logger;
}

export interface HubSpotSandbox {
  url: string;
  portalId: number;
  clientId: string;
  clientSecret: string;
  appId: number;
  idMap: SandboxIdMap;
  store: PortalStore;
  issueTokens(): IssuedTokens;
  setSwitches(partial: Partial<Switches>): void;
  switches(): Switches;
  stats(): CallStats;
  resetStats(): void;
  setWebhookUrl(url: string | null): void;
  webhookStats(): WebhookStats;
  webhooksIdle(): Promise<void>;
  writeCounts(): Record<string, number>;
  close(): Promise<void>;
}

const API_PREFIXES = ['/crm/', '/crm-object-schemas/', '/settings/', '/account-info/'];

export async function buildSandboxApp(options: HubSpotSandboxOptions = {}) {
  const portalId = options.portalId ?? 62515;
  const sandboxApp = {
    clientId: options.clientId ?? 'sandbox-client-id',
    clientSecret: options.clientSecret ?? 'sandbox-client-secret',
    appId: options.appId ?? 54321,
  };
  let switches: Switches = switchesSchema.parse({ ...DEFAULT_SWITCHES, ...(options.switches ?? {}) });
  const store = new PortalStore({
    portalId,
    timeZone: options.snapshot?.timezone ?? 'UTC',
    companyCurrency: options.snapshot?.corporateCurrency ?? 'USD',
    customObjects: options.customObjects ?? true,
  });
  store.pipelines.set('deals', [defaultDealPipeline(new Date(store.now()).toISOString())]);
  const idMap = options.snapshot ? loadSnapshot(store, parseSnapshot(options.snapshot)) : emptyIdMap();
  const tokens = new TokenStore(() => store.now());
  const limits = new Limits(
    () => switches,
    tokens,
    () => store.now(),
  );
  const webhooks = new WebhookDelivery(
    store,
    () => switches,
    sandboxApp.clientSecret,
    sandboxApp.appId,
    portalId,
  );
  const ctx: SandboxContext = { store, limits, tokens, switches: () => switches, app: sandboxApp };

  const app: FastifyInstance = Fastify({
    logger: options.logger ? (options.logger as never) : false,
    bodyLimit: 50 * 1024 * 1024,
  });
  await app.register(formbody);

  app.addHook('onRequest', async (req, reply) => {
    const path = req.url.split('?')[0] ?? '';
    if (path.startsWith('/oauth/')) limits.count(req);
    if (!API_PREFIXES.some((p) => path.startsWith(p))) return;
    const refused = await limits.check(req, reply);
    if (refused) return refused;
  });

  app.setErrorHandler((err: FastifyError | SandboxInputError, _req, reply) => {
    if (err instanceof SandboxInputError) {
      return sendError(
        reply,
        err.status,
        err.category,
        err.message,
        err.context ? { context: err.context } : {},
      );
    }
    const status = (err as FastifyError).statusCode ?? 500;
    if (status >= 400 && status < 500) return sendError(reply, status, 'VALIDATION_ERROR', err.message);
    options.logger?.error({ err }, 'sandbox route failed');
    return sendError(reply, 500, 'INTERNAL_ERROR', 'Internal error in the sandbox');
  });
  app.setNotFoundHandler((req, reply) =>
    sendError(reply, 404, 'OBJECT_NOT_FOUND', `No route for ${req.method} ${req.url.split('?')[0]}`),
  );

  for (const routes of [
    objectRoutes,
    batchRoutes,
    searchRoutes,
    associationRoutes,
    ownerRoutes,
    pipelineRoutes,
    propertyRoutes,
    schemaRoutes,
    exchangeRateRoutes,
    oauthRoutes,
  ]) {
    routes(app, ctx);
  }
  const setSwitches = (partial: Partial<Switches>) => {
    switches = switchesSchema.parse({ ...switches, ...partial });
  };
  const issueTokens = () => tokens.issue(switches.tokenLifetimeMs);
  adminRoutes(app, {
    limits,
    webhooks,
    getSwitches: () => switches,
    setSwitches,
    issueTokens,
    idMap: () => idMap,
  });
  return {
    app,
    store,
    limits,
    webhooks,
    idMap,
    sandboxApp,
    portalId,
    setSwitches,
    issueTokens,
    getSwitches: () => switches,
  };
}

export async function startHubSpotSandbox(options: HubSpotSandboxOptions = {}): Promise<HubSpotSandbox> {
  const built = await buildSandboxApp(options);
  const host = options.host ?? '127.0.0.1';
  await built.app.listen({ port: options.port ?? 0, host });
  const address = built.app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  return {
    url: `http://${options.publicHost ?? host}:${port}`,
    portalId: built.portalId,
    clientId: built.sandboxApp.clientId,
    clientSecret: built.sandboxApp.clientSecret,
    appId: built.sandboxApp.appId,
    idMap: built.idMap,
    store: built.store,
    issueTokens: built.issueTokens,
    setSwitches: built.setSwitches,
    switches: built.getSwitches,
    stats: () => built.limits.stats(),
    resetStats: () => {
      built.limits.resetStats();
      built.store.writes.clear();
    },
    writeCounts: () => Object.fromEntries([...built.store.writes].sort(([a], [b]) => (a < b ? -1 : 1))),
    setWebhookUrl: (url) => built.webhooks.setUrl(url),
    webhookStats: () => built.webhooks.stats(),
    webhooksIdle: () => built.webhooks.idle(),
    close: async () => {
      built.webhooks.close();
      await built.app.close();
    },
  };
}
