// Protects the admin API and the health routes: the token gate, tenant CRUD with secrets masked,
// validation that names the bad field and changes nothing, tenant isolation, and the readiness probe.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, buildTestApp, type TestApp } from './support/app.js';

let t: TestApp;
let auth: { authorization: string };

const sfBody = {
  id: 'acme',
  name: 'Acme',
  kind: 'salesforce',
  salesforce: {
    orgId: '00D5e000000AbCdEAK',
    instanceUrl: 'https://acme.my.salesforce.com',
    loginUrl: 'https://login.salesforce.com',
  },
  credentials: { accessToken: 'sf-access-token-acme-0001', refreshToken: 'sf-refresh-token-acme-0001' },
};
const hsBody = {
  id: 'globex',
  name: 'Globex',
  kind: 'hubspot',
  hubspot: { portalId: 9001, basePath: 'https://api.hubapi.com' },
  credentials: { accessToken: 'hs-access-token-globex-0001', refreshToken: 'hs-refresh-token-globex-0001' },
};

/** An admin call with the right token. */
const admin = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: object) =>
  t.app.inject({ method, url, headers: auth, ...(payload === undefined ? {} : { payload }) });

beforeAll(async () => {
  t = await buildTestApp('http-admin');
  auth = bearer(t.config.ADMIN_TOKEN);
});
afterAll(async () => {
  await t.close();
});

describe('admin token', () => {
  const routes = [
    ['GET', '/admin/tenants'],
    ['POST', '/admin/tenants'],
    ['GET', '/admin/tenants/acme'],
    ['DELETE', '/admin/tenants/acme'],
    ['PUT', '/admin/tenants/acme/policy'],
    ['GET', '/admin/queues'],
    ['GET', '/admin/queues/api/queues'],
  ] as const;

  it.each(routes)('%s %s refuses a missing, wrong or malformed token with 401', async (method, url) => {
    const attempts: { authorization?: string }[] = [
      {},
      bearer('wrong-token'),
      bearer(`${t.config.ADMIN_TOKEN}x`),
      { authorization: t.config.ADMIN_TOKEN },
      { authorization: `Basic ${Buffer.from(`admin:${t.config.ADMIN_TOKEN}`).toString('base64')}` },
    ];
    for (const headers of attempts) {
      // Basic auth is for the dashboard only.
      if (url.startsWith('/admin/queues') && headers.authorization?.startsWith('Basic')) continue;
      const res = await t.app.inject({
        method,
        url,
        headers,
        payload: method === 'GET' ? undefined : sfBody,
      });
      expect(res.statusCode, `${JSON.stringify(headers)}`).toBe(401);
      expect(res.json().message).toMatch(/admin token/);
    }
    expect(await t.deps.tenants.list()).toEqual([]);
  });

  it('lets the dashboard in with the token as bearer or as Basic password, and asks browsers for it', async () => {
    const refused = await t.app.inject({ method: 'GET', url: '/admin/queues' });
    expect(refused.headers['www-authenticate']).toMatch(/^Basic/);
    const viaBearer = await admin('GET', '/admin/queues/api/queues');
    expect(viaBearer.statusCode).toBe(200);
    expect(
      viaBearer
        .json()
        .queues.map((q: { name: string }) => q.name)
        .sort(),
    ).toEqual(['backfill', 'recompute', 'reconcile', 'sync-changes', 'write-back']);
    const basic = `Basic ${Buffer.from(`ops:${t.config.ADMIN_TOKEN}`).toString('base64')}`;
    const page = await t.app.inject({
      method: 'GET',
      url: '/admin/queues',
      headers: { authorization: basic },
    });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
  });
});

describe('tenants', () => {
  it('creates a Salesforce tenant, masks its secrets and returns the Outbound Message URL once', async () => {
    const res = await admin('POST', '/admin/tenants', sfBody);
    expect(res.statusCode).toBe(201);
    const body = res.json();
    const secret = (await t.deps.tenants.require('acme')).salesforce!.webhookSecret;
    expect(body.webhookUrl).toBe(`https://pc.example.com/webhooks/salesforce/acme/${secret}`);
    expect(body.tenant.credentials).toEqual({ accessToken: '****0001', refreshToken: '****0001' });
    expect(body.tenant.salesforce.webhookSecret).toBe(`****${secret.slice(-4)}`);
    expect(body.tenant.policy.lookbackDays).toBe(90);

    const shown = await admin('GET', '/admin/tenants/acme');
    expect(shown.statusCode).toBe(200);
    expect(shown.body).not.toContain(secret);
    expect(shown.body).not.toContain('sf-access-token-acme-0001');
    expect(shown.json().tenant.salesforce.orgId).toBe('00D5e000000AbCdEAK');
  });

  it('creates a HubSpot tenant and lists both, masked', async () => {
    const res = await admin('POST', '/admin/tenants', hsBody);
    expect(res.statusCode).toBe(201);
    expect(res.json().webhookUrl).toBeUndefined();
    const list = await admin('GET', '/admin/tenants');
    expect(list.json().tenants.map((x: { id: string }) => x.id)).toEqual(['acme', 'globex']);
    expect(list.body).not.toMatch(/access-token|refresh-token/);
  });

  it('answers 409 to a second tenant for the same org, portal or id', async () => {
    for (const payload of [
      { ...sfBody, id: 'acme-2' },
      { ...hsBody, id: 'globex-2' },
      { ...hsBody, hubspot: { ...hsBody.hubspot, portalId: 1234 } },
    ]) {
      const res = await admin('POST', '/admin/tenants', payload);
      expect(res.statusCode).toBe(409);
      expect(res.json().message).toMatch(/already/);
    }
    expect((await t.deps.tenants.list()).map((x) => x.id)).toEqual(['acme', 'globex']);
  });

  it('answers 400 naming every bad field, and creates nothing', async () => {
    const res = await admin('POST', '/admin/tenants', {
      id: 'Bad_Id',
      kind: 'salesforce',
      credentials: {},
      policy: { period: 'week' },
      extra: 1,
    });
    expect(res.statusCode).toBe(400);
    const { message, issues } = res.json();
    expect(message).toContain('tenant id');
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^tenant id:/),
        expect.stringMatching(/^tenant name:/),
        expect.stringMatching(/^tenant credentials.accessToken:/),
        expect.stringMatching(/^tenant salesforce: is required/),
        expect.stringMatching(/extra/),
      ]),
    );
    const badJson = await t.app.inject({
      method: 'POST',
      url: '/admin/tenants',
      headers: { ...auth, 'content-type': 'application/json' },
      payload: '{"id": ',
    });
    expect(badJson.statusCode).toBe(400);
    expect(badJson.json().message).toMatch(/JSON/i);
    const noBody = await admin('POST', '/admin/tenants');
    expect(noBody.statusCode).toBe(400);
    expect(noBody.json().message).toMatch(/body is required/);
    expect((await t.deps.tenants.list()).map((x) => x.id)).toEqual(['acme', 'globex']);
  });

  it('answers 404 for an unknown tenant and 400 for a malformed id', async () => {
    const missing = await admin('GET', '/admin/tenants/nobody');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().message).toBe('tenant "nobody" does not exist');
    const bad = await admin('GET', '/admin/tenants/NO%20BODY');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toMatch(/^path tenant:/);
  });
});

describe('policy, mapping, settings, credentials and manager history', () => {
  it('replaces the policy with the given fields over the defaults, and refuses bad values', async () => {
    const put = await admin('PUT', '/admin/tenants/acme/policy', { managerLevels: 2, period: 'month' });
    expect(put.statusCode).toBe(200);
    expect(put.json().policy).toMatchObject({ managerLevels: 2, period: 'month', lookbackDays: 90 });
    // Past deals keep their evaluation until a backfill: the answer says so.
    expect(put.json().note).toMatch(/backfill/);
    const bad = await admin('PUT', '/admin/tenants/acme/policy', { managerLevels: 3, colour: 'red' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().issues).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^policy managerLevels/),
        expect.stringMatching(/colour/),
      ]),
    );
    const empty = await admin('PUT', '/admin/tenants/acme/policy');
    expect(empty.statusCode).toBe(400);
    const got = await admin('GET', '/admin/tenants/acme/policy');
    expect(got.json().policy).toMatchObject({ managerLevels: 2, period: 'month' });
  });

  it('sets the manager mapping of a HubSpot tenant and refuses it on a Salesforce tenant', async () => {
    const mapping = { owners: { '101': '900' }, teams: { t1: '901' } };
    const put = await admin('PUT', '/admin/tenants/globex/manager-mapping', mapping);
    expect(put.statusCode).toBe(200);
    const got = await admin('GET', '/admin/tenants/globex/manager-mapping');
    expect(got.json().managerMapping).toEqual(mapping);
    const sf = await admin('PUT', '/admin/tenants/acme/manager-mapping', mapping);
    expect(sf.statusCode).toBe(400);
    expect(sf.json().message).toMatch(/HubSpot tenants only/);
    const bad = await admin('PUT', '/admin/tenants/globex/manager-mapping', { owners: { '101': 7 } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toMatch(/manager mapping owners/);
  });

  it('sets settings and replaces credentials without showing them', async () => {
    const put = await admin('PUT', '/admin/tenants/acme/settings', {
      timezone: 'Europe/Berlin',
      internalDomains: ['acme.com'],
    });
    expect(put.json().settings).toEqual({ timezone: 'Europe/Berlin', internalDomains: ['acme.com'] });
    const creds = await admin('PUT', '/admin/tenants/acme/credentials', {
      accessToken: 'sf-access-token-acme-0002',
    });
    expect(creds.statusCode).toBe(204);
    expect((await t.deps.tenants.require('acme')).credentials).toEqual({
      accessToken: 'sf-access-token-acme-0002',
      refreshToken: 'sf-refresh-token-acme-0001',
    });
  });

  it('records admin-entered manager changes with their date, and validates them', async () => {
    const entry = { userId: '005R1', managerId: '005M1', from: '2026-02-01' };
    const post = await admin('POST', '/admin/tenants/acme/manager-history', entry);
    expect(post.statusCode).toBe(201);
    await admin('POST', '/admin/tenants/acme/manager-history', {
      userId: '005R2',
      managerId: null,
      from: '2026-03-01',
    });
    const bad = await admin('POST', '/admin/tenants/acme/manager-history', {
      userId: '005R1',
      managerId: '005M1',
      from: '2026-02-30',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toMatch(/^manager change from:/);
    const got = await admin('GET', '/admin/tenants/acme/manager-history');
    expect(got.json().managerHistory).toEqual([
      entry,
      { userId: '005R2', managerId: null, from: '2026-03-01' },
    ]);
    const other = await admin('GET', '/admin/tenants/globex/manager-history');
    expect(other.json().managerHistory).toEqual([]);
  });

  it('never lets a call on one tenant change another', async () => {
    const before = await t.deps.tenants.require('globex');
    await admin('PUT', '/admin/tenants/acme/policy', {});
    await admin('PUT', '/admin/tenants/acme/settings', { timezone: 'Asia/Tokyo' });
    expect(await t.deps.tenants.require('globex')).toEqual(before);
  });

  it('deletes a tenant, its keys and its index, and 404s the second time', async () => {
    const del = await admin('DELETE', '/admin/tenants/acme');
    expect(del.statusCode).toBe(204);
    expect(await t.deps.redis.exists(t.deps.keys.tenant('acme').managerHistory)).toBe(0);
    expect(await t.deps.tenants.bySalesforceOrg('00D5e000000AbCdEAK')).toBeNull();
    const again = await admin('DELETE', '/admin/tenants/acme');
    expect(again.statusCode).toBe(404);
    expect((await t.deps.tenants.list()).map((x) => x.id)).toEqual(['globex']);
  });
});

describe('health and metrics', () => {
  it('answers /healthz and /readyz while Redis is up', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
    const ready = await t.app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(200);
  });

  it('serves Prometheus metrics with job counts per queue and state', async () => {
    // Creating tenants scheduled their reconciles; one more job is one more waiting.
    const waiting = async () => {
      const body = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
      const m = /playercoach_jobs\{queue="reconcile",state="waiting"\} (\d+)/.exec(body);
      return m ? Number(m[1]) : 0;
    };
    const before = await waiting();
    await t.deps.queues.enqueue('reconcile', { tenant: 'globex' });
    expect(await waiting()).toBe(before + 1);
    const res = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/plain/);
    expect(res.body).toContain('playercoach_jobs{queue="write-back",state="failed"} 0');
    expect(res.body).toContain('playercoach_queue_metrics_up 1');
    for (const name of [
      'webhooks_accepted_total',
      'crm_calls_total',
      'crm_errors_total',
      'records_written_total',
    ]) {
      expect(res.body).toContain(`# TYPE playercoach_${name} counter`);
    }
  });

  it('answers an unknown route with 404 without echoing the URL', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/webhooks/salesforce/acme/s3cr3t-value/extra' });
    expect(res.statusCode).toBe(404);
    expect(res.body).not.toContain('s3cr3t-value');
  });

  it('wrote no token or secret to the log', () => {
    const log = t.log();
    expect(log).toContain('"route":"/admin/tenants"');
    for (const secret of [
      ...t.secrets,
      'sf-access-token-acme-0001',
      'sf-refresh-token-acme-0001',
      'sf-access-token-acme-0002',
      'hs-access-token-globex-0001',
      'hs-refresh-token-globex-0001',
      's3cr3t-value',
    ]) {
      expect(log).not.toContain(secret);
    }
  });
});
