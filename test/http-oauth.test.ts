// Protects the OAuth installs end to end against both sandboxes: start -> the CRM's authorize page
// -> callback creates the tenant (or re-authorizes it); the state is checked (missing, unknown,
// expired, reused, other CRM: 400), and an org or portal can belong to one tenant only (409).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HubSpotSandbox, startHubSpotSandbox } from '../connectors/hubspot/sandbox/server.js';
import { type SalesforceSandbox, startSalesforceSandbox } from '../connectors/salesforce/sandbox/server.js';
import { generateOrg } from '../src/generator/generate-org.js';
import { STATE_LIFETIME_MS } from '../src/http/oauth/state.js';
import { buildTestApp, type TestApp } from './support/app.js';

let t: TestApp;
let hs: HubSpotSandbox;
let sf: SalesforceSandbox;

beforeAll(async () => {
  const snapshot = generateOrg({ deals: 5, seed: 7 });
  hs = await startHubSpotSandbox({ snapshot, port: 0 });
  sf = await startSalesforceSandbox({ snapshot, port: 0 });
  t = await buildTestApp('http-oauth', {
    HUBSPOT_CLIENT_ID: hs.clientId,
    HUBSPOT_CLIENT_SECRET: hs.clientSecret,
    HUBSPOT_BASE_PATH: hs.url,
    HUBSPOT_AUTHORIZE_URL: `${hs.url}/oauth/authorize`,
    SALESFORCE_CLIENT_ID: sf.clientId,
    SALESFORCE_CLIENT_SECRET: sf.clientSecret,
    SALESFORCE_LOGIN_URL: sf.url,
  });
});
afterAll(async () => {
  await t?.close();
  await hs?.close();
  await sf?.close();
});

/** Starts an install and follows the CRM's (auto-approving) consent page to the callback URL. */
async function consent(provider: 'hubspot' | 'salesforce', tenant: string): Promise<URL> {
  const start = await t.app.inject({ method: 'GET', url: `/oauth/${provider}/start?tenant=${tenant}` });
  expect(start.statusCode).toBe(302);
  const authorize = new URL(String(start.headers.location));
  expect(authorize.origin).toBe(provider === 'hubspot' ? hs.url : sf.url);
  expect(authorize.searchParams.get('redirect_uri')).toBe(
    `https://pc.example.com/oauth/${provider}/callback`,
  );
  const approved = await fetch(authorize, { redirect: 'manual' });
  expect(approved.status).toBe(302);
  const callback = new URL(String(approved.headers.get('location')));
  expect(callback.pathname).toBe(`/oauth/${provider}/callback`);
  return callback;
}

const complete = (callback: URL) =>
  t.app.inject({ method: 'GET', url: `${callback.pathname}${callback.search}` });

describe('HubSpot install', () => {
  it('creates the tenant for the portal the token belongs to', async () => {
    const res = await complete(await consent('hubspot', 'globex'));
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body.outcome).toBe('created');
    expect(body.tenant).toMatchObject({ id: 'globex', kind: 'hubspot', hubspot: { portalId: hs.portalId } });
    expect(body.tenant.credentials.accessToken).toMatch(/^\*\*\*\*/);
    const stored = await t.deps.tenants.require('globex');
    expect(stored.credentials.refreshToken).toBeTruthy();
    expect(stored.credentials.expiresAt).toBeGreaterThan(t.clock.now);
    expect(await t.deps.tenants.byHubSpotPortals([hs.portalId])).toEqual(['globex']);
  });

  it('refuses a callback replayed with a used state', async () => {
    const callback = await consent('hubspot', 'globex');
    expect((await complete(callback)).statusCode).toBe(200);
    const replay = await complete(callback);
    expect(replay.statusCode).toBe(400);
    expect(replay.json().message).toMatch(/state: unknown or already used/);
  });

  it('re-authorizes an existing tenant of the same portal with the new tokens', async () => {
    const before = await t.deps.tenants.require('globex');
    const res = await complete(await consent('hubspot', 'globex'));
    expect(res.statusCode).toBe(200);
    expect(res.json().outcome).toBe('reauthorized');
    const after = await t.deps.tenants.require('globex');
    expect(after.credentials.accessToken).not.toBe(before.credentials.accessToken);
    expect(after.createdAt).toBe(before.createdAt);
  });

  it('answers 409 when the portal already belongs to another tenant', async () => {
    const res = await complete(await consent('hubspot', 'globex-two'));
    expect(res.statusCode).toBe(409);
    expect(res.json().message).toMatch(/already belongs to tenant "globex"/);
    expect(await t.deps.tenants.get('globex-two')).toBeNull();
  });
});

describe('Salesforce install', () => {
  it('creates the tenant with a webhook secret and shows the Outbound Message URL to configure', async () => {
    const callback = await consent('salesforce', 'acme');
    const res = await complete(callback);
    expect(res.statusCode).toBe(201);
    const body = res.json();
    const stored = await t.deps.tenants.require('acme');
    expect(stored.salesforce).toMatchObject({ orgId: sf.orgId, instanceUrl: sf.url, loginUrl: sf.url });
    expect(stored.credentials.refreshToken).toBeTruthy();
    expect(body.webhookUrl).toBe(
      `https://pc.example.com/webhooks/salesforce/acme/${stored.salesforce?.webhookSecret}`,
    );
    expect(JSON.stringify(body.tenant)).not.toContain(stored.credentials.accessToken);
  });

  it('refuses a tenant id that belongs to the other CRM', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/oauth/hubspot/start?tenant=acme' });
    expect(res.statusCode).toBe(409);
  });
});

describe('state checks', () => {
  it('refuses a missing, malformed or unknown state', async () => {
    for (const query of ['code=abc', 'code=abc&state=short', `code=abc&state=${'x'.repeat(32)}`]) {
      const res = await t.app.inject({ method: 'GET', url: `/oauth/hubspot/callback?${query}` });
      expect(res.statusCode, query).toBe(400);
      expect(res.json().message).toMatch(/^state: /);
    }
  });

  it('refuses an expired state', async () => {
    const callback = await consent('hubspot', 'late');
    t.clock.now += STATE_LIFETIME_MS + 1000;
    const res = await complete(callback);
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toMatch(/state: expired/);
    expect(await t.deps.tenants.get('late')).toBeNull();
  });

  it("refuses one CRM's state at the other CRM's callback", async () => {
    const callback = await consent('hubspot', 'crossed');
    const res = await t.app.inject({ method: 'GET', url: `/oauth/salesforce/callback${callback.search}` });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toMatch(/issued for a hubspot install/);
    expect(await t.deps.tenants.get('crossed')).toBeNull();
  });

  it('refuses a callback without a code, and one the user declined', async () => {
    const noCode = await consent('hubspot', 'nocode');
    noCode.searchParams.delete('code');
    expect((await complete(noCode)).json().message).toMatch(/code: missing/);
    const declined = await consent('hubspot', 'declined');
    declined.searchParams.delete('code');
    declined.searchParams.set('error', 'access_denied');
    const res = await complete(declined);
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toMatch(/did not authorize the install: access_denied/);
  });

  it('refuses a code the CRM does not know, naming it as the problem', async () => {
    const callback = await consent('hubspot', 'forged');
    callback.searchParams.set('code', 'forged-code-value');
    const res = await complete(callback);
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toMatch(/^code: hubspot refused it/);
    expect(await t.deps.tenants.get('forged')).toBeNull();
  });

  it('refuses a bad tenant id at the start', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/oauth/salesforce/start?tenant=Not%20Valid' });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toMatch(/^query tenant:/);
  });
});

it('wrote no token, code or secret to the log', async () => {
  const log = t.log();
  expect(log).toContain('"route":"/oauth/:provider/callback"');
  const tenants = await t.deps.tenants.list();
  const secrets = [
    ...t.secrets,
    hs.clientSecret,
    sf.clientSecret,
    ...tenants.flatMap((x) => [x.credentials.accessToken, x.credentials.refreshToken ?? 'none']),
    ...tenants.flatMap((x) => (x.salesforce ? [x.salesforce.webhookSecret] : [])),
  ];
  for (const secret of secrets) expect(log).not.toContain(secret);
  expect(log).not.toMatch(/code=/);
});
