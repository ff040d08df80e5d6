// Protects the webhook edge: a delivery is acknowledged only once its sync-changes job is in Redis,
// redeliveries collapse into one job, and unsigned, tampered, stale, other-tenant and malformed
// deliveries are refused (401/400) with nothing enqueued, each counted by reason.
import { createHash, createHmac } from 'node:crypto';
import type { Queue } from 'bullmq';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Tenant } from '../src/tenants/tenant.js';
import { buildTestApp, type TestApp } from './support/app.js';
import { outboundMessage } from './support/outbound-message.js';

let t: TestApp;
let syncQueue: Queue;
let acme: Tenant;

const ACME_ORG = '00D5e000000AcMeEAA';
const OTHER_ORG = '00D5e000000OtHeRAA';
const HOOK_URL = 'https://pc.example.com/webhooks/hubspot';

beforeAll(async () => {
  t = await buildTestApp('http-webhooks');
  syncQueue = t.deps.queues.queue('sync-changes');
  const credentials = { accessToken: 'crm-access-token-0001' };
  acme = await t.deps.tenants.create({
    id: 'acme',
    name: 'Acme',
    kind: 'salesforce',
    salesforce: {
      orgId: ACME_ORG,
      instanceUrl: 'https://acme.my.salesforce.com',
      loginUrl: 'https://login.salesforce.com',
    },
    credentials,
  });
  await t.deps.tenants.create({
    id: 'other',
    name: 'Other',
    kind: 'salesforce',
    salesforce: {
      orgId: OTHER_ORG,
      instanceUrl: 'https://other.my.salesforce.com',
      loginUrl: 'https://login.salesforce.com',
    },
    credentials,
  });
  for (const [id, portalId] of [
    ['globex', 4242],
    ['initech', 5151],
  ] as const) {
    await t.deps.tenants.create({
      id,
      name: id,
      kind: 'hubspot',
      hubspot: { portalId, basePath: 'https://api.hubapi.com' },
      credentials,
    });
  }
});
afterAll(async () => {
  await t.close();
});
beforeEach(async () => {
  await syncQueue.obliterate({ force: true });
});

async function jobs() {
  const list = await syncQueue.getJobs(['waiting', 'delayed', 'active', 'completed', 'failed']);
  return list.map((j) => ({ id: j.id, data: j.data }));
}

const rejectedCount = async (provider: string, reason: string) =>
  (await t.deps.metrics.webhooksRejected.get()).values.find(
    (v) => v.labels.provider === provider && v.labels.reason === reason,
  )?.value ?? 0;

// --- HubSpot ------------------------------------------------------------------------------------

let nextEventId = 1000;
function hsEvent(portalId: number, objectId: number, extra: object = {}) {
  return {
    eventId: nextEventId++,
    subscriptionId: 1,
    portalId,
    appId: 77,
    occurredAt: Date.parse('2026-03-16T11:59:00Z'),
    subscriptionType: 'deal.propertyChange',
    attemptNumber: 0,
    objectId,
    propertyName: 'dealstage',
    propertyValue: 'closedwon',
    changeSource: 'CRM_UI',
    ...extra,
  };
}

/** HubSpot's v3 signature, written out here independently of the connector's verifier. */
function signV3(body: string, timestamp: number, secret = t.config.HUBSPOT_CLIENT_SECRET!, url = HOOK_URL) {
  const signature = createHmac('sha256', secret).update(`POST${url}${body}${timestamp}`).digest('base64');
  return { 'x-hubspot-signature-v3': signature, 'x-hubspot-request-timestamp': String(timestamp) };
}

function postHubSpot(body: string, headers: Record<string, string>) {
  return t.app.inject({
    method: 'POST',
    url: '/webhooks/hubspot',
    headers: { 'content-type': 'application/json', ...headers },
    payload: body,
  });
}

describe('POST /webhooks/hubspot', () => {
  it('enqueues one sync-changes job per tenant, then answers 200', async () => {
    const body = JSON.stringify([
      hsEvent(4242, 11),
      hsEvent(4242, 12),
      hsEvent(4242, 11, { propertyName: 'amount' }),
    ]);
    const res = await postHubSpot(body, signV3(body, t.clock.now));
    expect(res.statusCode).toBe(200);
    const [job, ...rest] = await jobs();
    expect(rest).toEqual([]);
    expect(job?.id).toMatch(/^hs-globex-[0-9a-f]{32}$/);
    expect(job?.data.tenant).toBe('globex');
    expect(job?.data.source).toBe('webhook');
    expect(job?.data.changes.map((c: { id: string }) => c.id).sort()).toEqual(['11', '12']);
  });

  it('collapses the same batch delivered 10 times into one job', async () => {
    const body = JSON.stringify([hsEvent(4242, 21), hsEvent(4242, 22)]);
    for (let i = 0; i < 10; i++) {
      const res = await postHubSpot(body, signV3(body, t.clock.now + i));
      expect(res.statusCode).toBe(200);
    }
    const [job, ...rest] = await jobs();
    expect(rest).toEqual([]);
    // After the job completes and is trimmed, BullMQ's deduplication key still holds redeliveries
    // back for the 24 hours both CRMs may redeliver in.
    const ttl = await t.deps.redis.pttl(`${t.deps.keys.queuePrefix}:sync-changes:de:${job?.id}`);
    expect(ttl).toBeGreaterThan(23 * 3600_000);
  });

  it("keeps each tenant's events in its own job", async () => {
    const body = JSON.stringify([hsEvent(4242, 31), hsEvent(5151, 41), hsEvent(5151, 42)]);
    expect((await postHubSpot(body, signV3(body, t.clock.now))).statusCode).toBe(200);
    const byTenant = Object.fromEntries(
      (await jobs()).map((j) => [j.data.tenant, j.data.changes.map((c: { id: string }) => c.id).sort()]),
    );
    expect(byTenant).toEqual({ globex: ['31'], initech: ['41', '42'] });
  });

  it('accepts the v1 signature HubSpot webhook deliveries carry', async () => {
    const body = JSON.stringify([hsEvent(4242, 51)]);
    const v1 = createHash('sha256').update(`${t.config.HUBSPOT_CLIENT_SECRET}${body}`).digest('hex');
    const res = await postHubSpot(body, { 'x-hubspot-signature': v1, 'x-hubspot-signature-version': 'v1' });
    expect(res.statusCode).toBe(200);
    expect(await jobs()).toHaveLength(1);
  });

  const refusals: [string, () => { body: string; headers: Record<string, string> }, number, string][] = [
    [
      'unsigned',
      () => ({ body: JSON.stringify([hsEvent(4242, 61)]), headers: {} }),
      401,
      'signature-missing',
    ],
    [
      'tampered',
      () => {
        const body = JSON.stringify([hsEvent(4242, 62)]);
        return { body: body.replace('"objectId":62', '"objectId":63'), headers: signV3(body, t.clock.now) };
      },
      401,
      'signature-mismatch',
    ],
    [
      'signed with another secret',
      () => {
        const body = JSON.stringify([hsEvent(4242, 64)]);
        return { body, headers: signV3(body, t.clock.now, 'not-the-client-secret') };
      },
      401,
      'signature-mismatch',
    ],
    [
      'signed for another URL',
      () => {
        const body = JSON.stringify([hsEvent(4242, 65)]);
        return {
          body,
          headers: signV3(body, t.clock.now, undefined, 'https://evil.example.com/webhooks/hubspot'),
        };
      },
      401,
      'signature-mismatch',
    ],
    [
      'stale (6 minutes old)',
      () => {
        const body = JSON.stringify([hsEvent(4242, 66)]);
        return { body, headers: signV3(body, t.clock.now - 6 * 60_000) };
      },
      401,
      'signature-stale',
    ],
    [
      'for a portal that is no tenant',
      () => {
        const body = JSON.stringify([hsEvent(4242, 67), hsEvent(999_999, 68)]);
        return { body, headers: signV3(body, t.clock.now) };
      },
      401,
      'unknown-portal',
    ],
    [
      'malformed JSON, validly signed',
      () => ({ body: '[{"eventId": 1,', headers: signV3('[{"eventId": 1,', t.clock.now) }),
      400,
      'malformed',
    ],
    [
      'events missing fields, validly signed',
      () => {
        const body = JSON.stringify([{ eventId: 5, portalId: 4242 }]);
        return { body, headers: signV3(body, t.clock.now) };
      },
      400,
      'malformed',
    ],
    [
      'more than 100 events, validly signed',
      () => {
        const body = JSON.stringify(Array.from({ length: 101 }, (_, i) => hsEvent(4242, 700 + i)));
        return { body, headers: signV3(body, t.clock.now) };
      },
      400,
      'malformed',
    ],
  ];

  it.each(refusals)('refuses a delivery %s and enqueues nothing', async (_name, make, status, reason) => {
    const before = await rejectedCount('hubspot', reason);
    const { body, headers } = make();
    const res = await postHubSpot(body, headers);
    expect(res.statusCode).toBe(status);
    expect(res.json().message.length).toBeGreaterThan(5);
    expect(await jobs()).toEqual([]);
    expect(await rejectedCount('hubspot', reason)).toBe(before + 1);
  });

  it('says what is wrong with a malformed body', async () => {
    const body = JSON.stringify([{ eventId: 5, portalId: 4242 }]);
    const res = await postHubSpot(body, signV3(body, t.clock.now));
    expect(res.json().issues).toEqual(
      expect.arrayContaining([expect.stringMatching(/^events\[0\]\.objectId/)]),
    );
  });
});

// --- Salesforce ---------------------------------------------------------------------------------

function postOutbound(path: string, body: string) {
  return t.app.inject({
    method: 'POST',
    url: path,
    headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: '""' },
    payload: body,
  });
}

describe('POST /webhooks/salesforce/:tenant/:secret', () => {
  const path = () => `/webhooks/salesforce/acme/${encodeURIComponent(acme.salesforce!.webhookSecret)}`;
  const message = outboundMessage(ACME_ORG, [
    { id: '04l5e000000AAA1AAA', opportunityId: '0065e000000D001AAA' },
    { id: '04l5e000000AAA2AAA', opportunityId: '0065e000000D002AAA' },
  ]);

  it('answers the SOAP Ack after enqueueing the changed opportunities', async () => {
    const res = await postOutbound(path(), message);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/xml/);
    expect(res.body).toMatch(/<(\w+:)?Ack>true<\/(\w+:)?Ack>/);
    const [job, ...rest] = await jobs();
    expect(rest).toEqual([]);
    expect(job?.id).toMatch(/^sf-acme-[0-9a-f]{32}$/);
    expect(job?.data).toMatchObject({ tenant: 'acme', source: 'webhook' });
    expect(job?.data.changes.map((c: { id: string }) => c.id).sort()).toEqual([
      '0065e000000D001AAA',
      '0065e000000D002AAA',
    ]);
  });

  it('collapses 10 deliveries of the same message into one job, and acks each', async () => {
    for (let i = 0; i < 10; i++) expect((await postOutbound(path(), message)).statusCode).toBe(200);
    expect(await jobs()).toHaveLength(1);
  });

  const refusals: [string, () => string, () => string, number, string][] = [
    [
      'for an unknown tenant',
      () => `/webhooks/salesforce/nobody/${acme.salesforce!.webhookSecret}`,
      () => message,
      401,
      'unknown-tenant',
    ],
    [
      'with a wrong secret',
      () => '/webhooks/salesforce/acme/wrong-secret-value-0123456789',
      () => message,
      401,
      'bad-secret',
    ],
    [
      "with another tenant's secret",
      () => '/webhooks/salesforce/other/' + encodeURIComponent(acme.salesforce!.webhookSecret),
      () => outboundMessage(OTHER_ORG, [{ id: '04l5e000000AAA3AAA', opportunityId: '0065e000000D003AAA' }]),
      401,
      'bad-secret',
    ],
    [
      "carrying another org's OrganizationId",
      path,
      () => outboundMessage(OTHER_ORG, [{ id: '04l5e000000AAA4AAA', opportunityId: '0065e000000D004AAA' }]),
      401,
      'org-mismatch',
    ],
    ['that is not XML', path, () => 'this is not a SOAP message', 400, 'malformed'],
    ['with no body', path, () => '', 400, 'malformed'],
  ];

  it.each(refusals)('refuses a message %s and enqueues nothing', async (_name, url, body, status, reason) => {
    const before = await rejectedCount('salesforce', reason);
    const res = await postOutbound(url(), body());
    expect(res.statusCode).toBe(status);
    expect(res.body).not.toMatch(/Ack/);
    expect(await jobs()).toEqual([]);
    expect(await rejectedCount('salesforce', reason)).toBe(before + 1);
  });
});

describe('webhook metrics and log', () => {
  it('counts accepted deliveries and their events', async () => {
    const body = JSON.stringify([hsEvent(4242, 81)]);
    await postHubSpot(body, signV3(body, t.clock.now));
    const metrics = await t.deps.metrics.registry.metrics();
    expect(metrics).toMatch(/playercoach_webhooks_accepted_total\{provider="hubspot"\} [1-9]/);
    expect(metrics).toMatch(/playercoach_webhooks_accepted_total\{provider="salesforce"\} [1-9]/);
    expect(metrics).toMatch(
      /playercoach_webhooks_rejected_total\{provider="salesforce",reason="bad-secret"\} 2/,
    );
  });

  it('wrote no secret to the log, not even the webhook path', () => {
    const log = t.log();
    expect(log).toContain('"route":"/webhooks/salesforce/:tenant/:secret"');
    for (const secret of [...t.secrets, acme.salesforce!.webhookSecret, 'crm-access-token-0001']) {
      expect(log).not.toContain(secret);
    }
  });
});
