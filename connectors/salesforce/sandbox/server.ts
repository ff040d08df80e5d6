/**
 * A local Salesforce that speaks the wire format jsforce 3 expects, holding one org in memory.
 *
 * Programmatic API (tests, benchmarks, the demo, the service's end-to-end tests):
 *
 *   const sf = await startSalesforceSandbox({ snapshot, port: 0 });
 *   sf.url                       instance URL = login URL (http://127.0.0.1:PORT)
 *   sf.orgId, sf.clientId, sf.clientSecret
 *   sf.issueTokens(userId?)      { accessToken, refreshToken, instanceUrl, id } without the OAuth dance
 *   sf.setSwitches({ dailyApiLimit, latencyMs, errorRate503, burst503, lockFailureRate, tokenLifetimeMs, seed })
 *   sf.switches()                the current switches
 *   sf.stats()                   { calls, byEndpoint: {'GET /query': n, ...}, byStatus, apiUsage: {used, limit} }
 *   sf.resetStats()              zeroes the counts and the day's API usage
 *   sf.setOutboundUrl(url|null)  where Outbound Messages for changed Opportunities go
 *   sf.outboundIdle()            resolves when every queued notification has been acknowledged
 *   sf.expireAccessTokens()      every token issued so far is expired (401 INVALID_SESSION_ID)
 *   sf.read(sObject, id)         a record's stored values, for assertions
 *   sf.writeCounts()             successful writes per record since the last resetStats(),
 *                                { 'Opportunity:006...': n }, so a test can prove nothing was written twice
 *   sf.close()
 *
 * The same over HTTP, for a sandbox in another process: GET /__sandbox/stats,
 * POST /__sandbox/stats/reset, GET|PATCH /__sandbox/switches, PUT /__sandbox/outbound {url},
 * POST /__sandbox/tokens {userId?}, POST /__sandbox/expire-tokens.
 *
 * What it serves: OAuth (authorize, token for authorization_code / refresh_token / JWT bearer,
 * identity), REST query/queryAll with paging, sObject resources and describe, sObject
 * Collections, /composite, Bulk API 2.0 ingest and query, the Metadata API CRUD calls over
 * SOAP, /limits and Sforce-Limit-Info, Outbound Messages. Every API call passes the switches
 * (latency, 503s, the daily budget) and is counted by endpoint. See README.md.
 */
import { createPublicKey, type KeyObject, randomBytes, X509Certificate } from 'node:crypto';
import { createServer } from 'node:http';
import formbody from '@fastify/formbody';
import Fastify, { type FastifyError, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Snapshot } from '../../../src/domain/snapshot.js';
import { InputError } from '../../../src/errors.js';
import { type Logger, silentLogger } from '../../../src/logger.js';
import { makeSalesforceId } from '../salesforce-id.js';
import { Access } from './access.js';
import { BulkJobs } from './bulk-jobs.js';
import { Dml, RequestError } from './dml.js';
import { loadSnapshot } from './load-snapshot.js';
import { MetadataRegistry } from './metadata-registry.js';
import { OrgStore, type SfRecord } from './org-store.js';
import { Outbound, type OutboundOptions } from './outbound.js';
import { QueryService } from './query-service.js';
import { plainValue } from './record-json.js';
import { registerAdminRoutes } from './routes/admin.js';
import { registerBulkRoutes } from './routes/bulk2.js';
import { registerCompositeRoute } from './routes/composite.js';
import { registerMetadataRoutes, setSoapBody } from './routes/metadata.js';
import { registerOAuthRoutes } from './routes/oauth.js';
import { registerRestRoutes } from './routes/rest.js';
import { fieldOf } from './schema.js';
import { parseEnvelope, soapFault } from './soap-xml.js';
import { SoqlError } from './soql-engine.js';
import { apiKindOf, restErrorBody, type SandboxState, sendRestError, setRequestUser } from './state.js';
import { type SandboxStats, Stats, SwitchBoard, type Switches } from './switches.js';
import { TokenStore } from './tokens.js';

export type { SandboxStats, Switches } from './switches.js';

export interface SalesforceSandboxOptions {
  snapshot?: Snapshot;
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  /**
   * The host name clients reach the sandbox by, when it is not `host` (listening on 0.0.0.0 in a
   * container that others call `sandbox`): instance URLs, token answers and `url` use it.
   */
  publicHost?: string;
  orgId?: string;
  clientId?: string;
  clientSecret?: string;
  switches?: Partial<Switches>;
  /** PEM of the connected app's certificate (or public key) that JWT bearer assertions are signed for. */
  jwtCertificate?: string;
  /** The user tokens are issued for by default (issueTokens, the authorize endpoint); the first active user otherwise. */
  userId?: string;
  outbound?: OutboundOptions & { url?: string };
  /** The sandbox clock (epoch ms); tests may pin it. */
  clock?: () => number;
  logger?: Logger;
}

export interface IssuedSandboxTokens {
  accessToken: string;
  refreshToken: string;
  instanceUrl: string;
  id: string;
}

export interface SalesforceSandbox {
  readonly url: string;
  readonly orgId: string;
  readonly clientId: string;
  readonly clientSecret: string;
  issueTokens(userId?: string): IssuedSandboxTokens;
  setSwitches(partial: Partial<Switches>): Switches;
  switches(): Switches;
  stats(): SandboxStats;
  resetStats(): void;
  setOutboundUrl(url: string | null): void;
  outboundIdle(): Promise<void>;
  expireAccessTokens(): void;
  read(sObject: string, id: string): Record<string, unknown> | undefined;
  writeCounts(): Record<string, number>;
  close(): Promise<void>;
}

/** Salesforce answers 414 when the request URI passes 16,384 bytes. */
const MAX_URI_BYTES = 16_384;
const COUNTED_APIS = new Set(['rest', 'bulk', 'soap']);

export async function startSalesforceSandbox(
  options: SalesforceSandboxOptions = {},
): Promise<SalesforceSandbox> {
  const logger = options.logger ?? silentLogger;
  const orgId = options.orgId ?? makeSalesforceId('00D', '7s0', 1);
  const store = new OrgStore(options.clock === undefined ? {} : { clock: options.clock });
  const access = new Access(store);
  const switches = new SwitchBoard(options.switches);
  const dml = new Dml(store, access, switches);
  const queries = new QueryService(store, access);
  let baseUrl = '';
  const outbound = new Outbound(orgId, () => baseUrl, logger, options.outbound);
  dml.onChange((objectName, rec) => outbound.notify(objectName, rec));
  const writes = new Map<string, number>();
  dml.onChange((objectName, rec) => {
    const key = `${objectName}:${rec.Id}`;
    writes.set(key, (writes.get(key) ?? 0) + 1);
  });

  if (options.snapshot !== undefined) {
    loadSnapshot(store, options.snapshot, { orgId, stamp: store.stamp() });
    store.indexReferences();
  } else {
    seedEmptyOrg(store, orgId);
  }
  const defaultUserId = options.userId ?? firstActiveUser(store);

  const state: SandboxState = {
    store,
    access,
    dml,
    queries,
    tokens: new TokenStore(orgId, store.clock),
    switches,
    stats: new Stats(),
    metadata: new MetadataRegistry(store, access),
    bulk: new BulkJobs(store, dml, queries),
    outbound,
    orgId,
    clientId: options.clientId ?? 'playercoach-sandbox-client',
    clientSecret: options.clientSecret ?? randomBytes(24).toString('hex'),
    jwtPublicKey: options.jwtCertificate === undefined ? null : publicKeyOf(options.jwtCertificate),
    defaultUserId,
    internalSecret: randomBytes(16).toString('hex'),
    baseUrl: '',
    logger,
  };

  const app = Fastify({
    logger: false,
    bodyLimit: 150 * 1024 * 1024,
    // Room above Salesforce's 16 KB so the sandbox can answer 414 itself rather than drop the socket.
    serverFactory: (handler) => createServer({ maxHeaderSize: 64 * 1024 }, handler),
  });
  await app.register(formbody);
  app.addContentTypeParser(
    ['text/csv', 'text/xml', 'application/xml'],
    { parseAs: 'string' },
    (_req, body, done) => done(null, body),
  );
  installHooks(app, state);
  app.setErrorHandler((err: FastifyError, request, reply) => handleError(state, err, request, reply));
  app.setNotFoundHandler((_request, reply) =>
    sendRestError(reply, 404, 'NOT_FOUND', 'The requested resource does not exist'),
  );

  const issueTokens = (userId?: string): IssuedSandboxTokens => {
    const who = userId ?? defaultUserId;
    if (store.table('User').get(who) === undefined)
      throw new InputError(`issueTokens: no user ${who} in the sandbox org`);
    const issued = state.tokens.issue(who, switches.get().tokenLifetimeMs, true);
    return {
      accessToken: issued.accessToken,
      refreshToken: issued.refreshToken!,
      instanceUrl: state.baseUrl,
      id: `${state.baseUrl}/id/${orgId}/${who}`,
    };
  };

  registerOAuthRoutes(app, state);
  registerRestRoutes(app, state);
  registerCompositeRoute(app, state);
  registerBulkRoutes(app, state);
  registerMetadataRoutes(app, state);
  registerAdminRoutes(app, state, issueTokens);

  const host = options.host ?? '127.0.0.1';
  await app.listen({ port: options.port ?? 0, host });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  const publicHost = options.publicHost ?? host;
  baseUrl = `http://${publicHost.includes(':') ? `[${publicHost}]` : publicHost}:${port}`;
  state.baseUrl = baseUrl;
  if (options.outbound?.url !== undefined) outbound.setUrl(options.outbound.url);
  logger.info({ url: baseUrl, orgId }, 'salesforce sandbox listening');

  return {
    url: baseUrl,
    orgId,
    clientId: state.clientId,
    clientSecret: state.clientSecret,
    issueTokens,
    setSwitches: (partial) => switches.set(partial),
    switches: () => switches.get(),
    stats: () => state.stats.snapshot(switches.get().dailyApiLimit),
    resetStats: () => {
      state.stats.reset();
      writes.clear();
    },
    setOutboundUrl: (url) => outbound.setUrl(url),
    outboundIdle: () => outbound.idle(),
    expireAccessTokens: () => state.tokens.expireAll(),
    read: (sObject, id) => readRecord(store, sObject, id),
    writeCounts: () => Object.fromEntries([...writes].sort(([a], [b]) => (a < b ? -1 : 1))),
    close: async () => {
      outbound.close();
      await state.bulk.idle();
      await app.close();
    },
  };
}

function installHooks(app: import('fastify').FastifyInstance, state: SandboxState): void {
  const { stats, switches, tokens } = state;
  const internal = new WeakSet<FastifyRequest>();
  const counted = new WeakSet<FastifyRequest>();

  app.addHook('onRequest', async (request, reply) => {
    const api = apiKindOf(request);
    if (api === undefined || api === 'admin') return;
    if (request.headers['x-sandbox-internal'] === state.internalSecret) {
      internal.add(request);
      return;
    }
    counted.add(request);
    stats.count(endpointName(request));
    if (Buffer.byteLength(request.raw.url ?? '') > MAX_URI_BYTES) {
      return reply.code(414).type('text/html').send('<html><body>414 URI Too Long</body></html>');
    }
    const { latencyMs } = switches.get();
    if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs));
    if (COUNTED_APIS.has(api) && switches.take503()) {
      if (api === 'soap')
        return reply
          .code(503)
          .type('text/xml')
          .send(soapFault('SERVER_UNAVAILABLE', 'Server temporarily unavailable'));
      return sendRestError(reply, 503, 'SERVER_UNAVAILABLE', 'Server temporarily unavailable, please retry');
    }
  });

  app.addHook('preHandler', async (request, reply) => {
    const api = apiKindOf(request);
    if (api === undefined || !COUNTED_APIS.has(api)) return;
    let token: string | undefined;
    if (api === 'soap') {
      const envelope = typeof request.body === 'string' ? parseEnvelope(request.body) : null;
      if (envelope === null)
        return reply.code(500).type('text/xml').send(soapFault('INVALID_REQUEST', 'not a SOAP envelope'));
      setSoapBody(request, envelope.body);
      token = envelope.sessionId ?? undefined;
    } else {
      token = request.headers.authorization?.replace(/^(Bearer|OAuth)\s+/i, '');
    }
    const checked = tokens.check(token);
    if (typeof checked !== 'object') {
      if (api === 'soap') {
        return reply
          .code(500)
          .type('text/xml')
          .send(
            soapFault('INVALID_SESSION_ID', 'Invalid Session ID found in SessionHeader: Illegal Session'),
          );
      }
      return sendRestError(reply, 401, 'INVALID_SESSION_ID', 'Session expired or invalid');
    }
    setRequestUser(request, checked.userId);
    if (internal.has(request)) return;
    if (stats.apiUsed >= switches.get().dailyApiLimit) {
      if (api === 'soap')
        return reply
          .code(500)
          .type('text/xml')
          .send(soapFault('REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.'));
      return sendRestError(reply, 403, 'REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.');
    }
    stats.apiUsed++;
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const api = apiKindOf(request);
    if (api === 'rest' || api === 'bulk') {
      reply.header('Sforce-Limit-Info', `api-usage=${stats.apiUsed}/${switches.get().dailyApiLimit}`);
    }
    return payload;
  });

  app.addHook('onResponse', async (request, reply) => {
    if (counted.has(request)) stats.status(reply.statusCode);
  });
}

/** `GET /services/data/:version/query/:locator` → `GET /query/:locator`. */
function endpointName(request: FastifyRequest): string {
  const url = request.routeOptions.url ?? request.url;
  return `${request.method} ${url.replace(/^\/services\/data\/:version/, '').replace(/^\/services\/Soap\/m\/:version/, '/Soap/m') || '/'}`;
}

function handleError(state: SandboxState, err: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  if (apiKindOf(request) === 'soap') {
    state.logger.error({ err }, 'sandbox metadata call failed');
    return reply.code(500).type('text/xml').send(soapFault('UNKNOWN_EXCEPTION', err.message));
  }
  if (err instanceof RequestError) {
    return sendRestError(reply, err.status, err.errorCode, err.message, err.fields);
  }
  if (err instanceof SoqlError) return sendRestError(reply, 400, err.errorCode, err.message);
  if (err instanceof InputError) return reply.code(400).send({ error: err.message, issues: err.issues });
  if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
    return reply
      .code(err.statusCode)
      .type('application/json')
      .send(restErrorBody('JSON_PARSER_ERROR', err.message));
  }
  state.logger.error({ err }, 'sandbox request failed');
  return sendRestError(reply, 500, 'UNKNOWN_EXCEPTION', 'An unexpected error occurred in the sandbox');
}

function publicKeyOf(pem: string): KeyObject {
  return pem.includes('BEGIN CERTIFICATE') ? new X509Certificate(pem).publicKey : createPublicKey(pem);
}

function firstActiveUser(store: OrgStore): string {
  for (const u of store.table('User').rows.values()) if (u['IsActive'] !== false) return u.Id;
  const first = store.table('User').rows.values().next().value;
  if (first === undefined) throw new Error('the sandbox org has no user');
  return first.Id;
}

/** An org with no data: the organization and one administrator, so tokens have someone to act for. */
function seedEmptyOrg(store: OrgStore, orgId: string): void {
  const stamp = store.stamp();
  const audit = { CreatedDate: stamp, LastModifiedDate: stamp, SystemModstamp: stamp };
  store.table('Organization').put({
    Id: orgId,
    Name: 'Sandbox',
    TimeZoneSidKey: 'America/New_York',
    FiscalYearStartMonth: 1,
    DefaultCurrencyIsoCode: 'USD',
    IsSandbox: true,
    ...audit,
  });
  const userDef = store.object('User')!;
  store.table('User').put({
    Id: store.newId(userDef),
    Name: 'Sandbox Admin',
    LastName: 'Admin',
    FirstName: 'Sandbox',
    Email: 'admin@sandbox.invalid',
    Username: 'admin@sandbox.invalid',
    IsActive: true,
    UserType: 'Standard',
    TimeZoneSidKey: 'America/New_York',
    CurrencyIsoCode: 'USD',
    ...audit,
  });
  const currencyDef = store.object('CurrencyType')!;
  store.table('CurrencyType').put({
    Id: store.newId(currencyDef),
    IsoCode: 'USD',
    ConversionRate: 1,
    DecimalPlaces: 2,
    IsActive: true,
    IsCorporate: true,
    ...audit,
  });
}

function readRecord(store: OrgStore, sObject: string, id: string): Record<string, unknown> | undefined {
  if (!store.hasTable(sObject)) return undefined;
  const table = store.table(sObject);
  const rec: SfRecord | undefined = table.get(id);
  if (rec === undefined) return undefined;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(rec)) {
    const field = fieldOf(table.def, key);
    out[key] = plainValue(field?.type ?? 'string', rec[key]);
  }
  return out;
}
