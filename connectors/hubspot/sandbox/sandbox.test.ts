// Protects the sandbox's HubSpot wire behaviour that the connector relies on without always
// exercising: search and batch caps, the 429 bodies and rate-limit headers, 401 after a token's
// lifetime, both owners routes, property values as strings, and the /__sandbox/ controls.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSandboxApp } from './server.js';

type Built = Awaited<ReturnType<typeof buildSandboxApp>>;

describe('HubSpot sandbox wire format', () => {
  let sb: Built;
  let auth: { authorization: string };

  beforeAll(async () => {
    sb = await buildSandboxApp({ portalId: 99, switches: { searchPerSecond: 1000 } });
    auth = { authorization: `Bearer ${sb.issueTokens().accessToken}` };
    for (let i = 0; i < 3; i++) sb.store.create('deals', { dealname: `D${i}`, amount: 100 + i });
  });
  afterAll(async () => {
    await sb.app.close();
  });

  const post = (url: string, payload: unknown, headers = auth) =>
    sb.app.inject({ method: 'POST', url, payload: payload as object, headers });

  it('keeps property values as strings and answers JSON', async () => {
    const res = await sb.app.inject({
      method: 'GET',
      url: '/crm/v3/objects/deals?properties=amount,dealname',
      headers: auth,
    });
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.json().results[0].properties).toMatchObject({ amount: '100', dealname: 'D0' });
    const repeated = await sb.app.inject({
      method: 'GET',
      url: '/crm/v3/objects/deals?properties=amount&properties=dealname&limit=1',
      headers: auth,
    });
    expect(Object.keys(repeated.json().results[0].properties).sort()).toEqual(['amount', 'dealname']);
    expect(repeated.json().paging.next.after).toBeDefined();
  });

  it('enforces the search caps', async () => {
    const search = (body: unknown) => post('/crm/v3/objects/deals/search', body);
    expect((await search({ limit: 201 })).statusCode).toBe(400);
    expect((await search({ limit: 200, after: '9801' })).statusCode).toBe(400);
    expect((await search({ limit: 200, after: '9800' })).statusCode).toBe(200);
    const groups = Array.from({ length: 6 }, () => ({
      filters: [{ propertyName: 'amount', operator: 'GT', value: '0' }],
    }));
    expect((await search({ filterGroups: groups })).statusCode).toBe(400);
    expect((await search({ sorts: ['amount', '-dealname'] })).statusCode).toBe(400);
    const ok = await search({
      filterGroups: [
        { filters: [{ propertyName: 'amount', operator: 'BETWEEN', value: '101', highValue: '102' }] },
      ],
      sorts: [{ propertyName: 'amount', direction: 'DESCENDING' }],
      properties: ['amount'],
    });
    expect(ok.json()).toMatchObject({
      total: 2,
      results: [{ properties: { amount: '102' } }, { properties: { amount: '101' } }],
    });
  });

  it('caps batch inputs at 100 and association batch reads at 1,000', async () => {
    const inputs = (n: number) => Array.from({ length: n }, (_, i) => ({ id: String(i) }));
    expect((await post('/crm/v3/objects/deals/batch/read', { inputs: inputs(101) })).statusCode).toBe(400);
    expect((await post('/crm/v3/objects/deals/batch/read', { inputs: inputs(100) })).statusCode).toBe(207);
    expect(
      (await post('/crm/v4/associations/deals/meetings/batch/read', { inputs: inputs(1001) })).statusCode,
    ).toBe(400);
  });

  it('answers 409 on a duplicate property', async () => {
    const body = {
      name: 'pc_x',
      label: 'x',
      type: 'string',
      fieldType: 'text',
      groupName: 'dealinformation',
    };
    expect((await post('/crm/v3/properties/deals', body)).statusCode).toBe(201);
    const dup = await post('/crm/v3/properties/deals', body);
    expect(dup.statusCode).toBe(409);
    expect(dup.json()).toMatchObject({ status: 'error', category: 'OBJECT_ALREADY_EXISTS' });
  });

  it('routes both owners paths the SDK uses', async () => {
    for (const url of ['/crm/v3/owners', '/crm/v3/owners/?limit=10']) {
      expect((await sb.app.inject({ method: 'GET', url, headers: auth })).statusCode).toBe(200);
    }
  });

  it('sends rate-limit headers and the 429 bodies the SDK recognises', async () => {
    sb.setSwitches({ tenSecondlyLimit: 1, rateWindowMs: 60_000 });
    try {
      const first = await sb.app.inject({ method: 'GET', url: '/crm/v3/pipelines/deals', headers: auth });
      expect(first.headers['x-hubspot-ratelimit-max']).toBe('1');
      expect(first.headers['x-hubspot-ratelimit-interval-milliseconds']).toBe('60000');
      const limited = await sb.app.inject({ method: 'GET', url: '/crm/v3/pipelines/deals', headers: auth });
      expect(limited.statusCode).toBe(429);
      expect(limited.json()).toMatchObject({
        status: 'error',
        errorType: 'RATE_LIMIT',
        policyName: 'TEN_SECONDLY_ROLLING',
      });
    } finally {
      sb.setSwitches({ tenSecondlyLimit: 100_000, rateWindowMs: 10_000 });
    }
    sb.setSwitches({ searchPerSecond: 1 });
    try {
      await post('/crm/v3/objects/deals/search', {});
      const limited = await post('/crm/v3/objects/deals/search', {});
      expect(limited.statusCode).toBe(429);
      expect(limited.json().message).toBe('You have reached your secondly limit.');
    } finally {
      sb.setSwitches({ searchPerSecond: 1000 });
    }
    sb.setSwitches({ dailyLimit: 1 });
    try {
      const daily = await sb.app.inject({ method: 'GET', url: '/crm/v3/pipelines/deals', headers: auth });
      expect(daily.json()).toMatchObject({ policyName: 'DAILY' });
    } finally {
      sb.setSwitches({ dailyLimit: 650_000 });
    }
  });

  it('refuses a token past its lifetime and one it never issued', async () => {
    sb.setSwitches({ tokenLifetimeMs: 1 });
    const short = sb.issueTokens();
    sb.setSwitches({ tokenLifetimeMs: 60_000 });
    // Move the sandbox's clock past the token's lifetime instead of sleeping through it.
    const clock = sb.store.now;
    sb.store.now = () => clock() + 1000;
    const expired = await sb.app.inject({
      method: 'GET',
      url: '/crm/v3/owners',
      headers: { authorization: `Bearer ${short.accessToken}` },
    });
    expect(expired.statusCode).toBe(401);
    expect(expired.json().category).toBe('EXPIRED_AUTHENTICATION');
    const unknown = await sb.app.inject({
      method: 'GET',
      url: '/crm/v3/owners',
      headers: { authorization: 'Bearer nope' },
    });
    expect(unknown.json().category).toBe('INVALID_AUTHENTICATION');
  });

  it('is driven over /__sandbox/: stats, switches, tokens, webhook URL', async () => {
    const stats = (await sb.app.inject({ method: 'GET', url: '/__sandbox/stats' })).json();
    expect(stats.byEndpoint['POST /crm/v3/objects/deals/search']).toBeGreaterThan(0);
    const patched = await sb.app.inject({
      method: 'PATCH',
      url: '/__sandbox/switches',
      payload: { latencyMs: 1 },
    });
    expect(patched.json().latencyMs).toBe(1);
    const bad = await sb.app.inject({
      method: 'PATCH',
      url: '/__sandbox/switches',
      payload: { errorRate5xx: 2 },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toMatch(/errorRate5xx/);
    const tokens = (await sb.app.inject({ method: 'POST', url: '/__sandbox/tokens' })).json();
    expect(tokens.accessToken).toMatch(/^sandbox-at-/);
    expect(
      (await sb.app.inject({ method: 'PUT', url: '/__sandbox/webhook', payload: { url: 'not a url' } }))
        .statusCode,
    ).toBe(400);
    expect(
      (await sb.app.inject({ method: 'PUT', url: '/__sandbox/webhook', payload: { url: null } })).statusCode,
    ).toBe(200);
    expect((await sb.app.inject({ method: 'DELETE', url: '/__sandbox/stats' })).statusCode).toBe(204);
    expect((await sb.app.inject({ method: 'GET', url: '/__sandbox/stats' })).json().total).toBe(0);
    sb.setSwitches({ latencyMs: 0 });
  });

  it('lists the associations of one object by page and creates them on both routes', async () => {
    const deal = [...sb.store.all('deals').keys()][0]!;
    const meetings: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await post('/crm/v3/objects/meetings', { properties: { hs_timestamp: '1767225600000' } });
      expect(res.statusCode).toBe(201);
      meetings.push(res.json().id);
      expect(res.json().properties.hs_timestamp).toBe('2026-01-01T00:00:00.000Z');
    }
    const put = (url: string, payload?: unknown) =>
      sb.app.inject({
        method: 'PUT',
        url,
        headers: auth,
        ...(payload ? { payload: payload as object } : {}),
      });
    expect(
      (await put(`/crm/v4/objects/deals/${deal}/associations/default/meetings/${meetings[0]}`)).statusCode,
    ).toBe(200);
    const labelled = await put(`/crm/v4/objects/meetings/${meetings[1]}/associations/deals/${deal}`, [
      { associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 212 },
    ]);
    expect(labelled.statusCode).toBe(201);
    await put(`/crm/v4/objects/deals/${deal}/associations/default/meetings/${meetings[2]}`);
    const page = await sb.app.inject({
      method: 'GET',
      url: `/crm/v4/objects/deals/${deal}/associations/meetings?limit=2`,
      headers: auth,
    });
    expect(page.json().results.map((r: { toObjectId: number }) => String(r.toObjectId))).toEqual(
      meetings.slice(0, 2),
    );
    expect(page.json().results[0].associationTypes[0]).toEqual({
      category: 'HUBSPOT_DEFINED',
      typeId: 211,
      label: null,
    });
    const rest = await sb.app.inject({
      method: 'GET',
      url: `/crm/v4/objects/deals/${deal}/associations/meetings?after=${page.json().paging.next.after}`,
      headers: auth,
    });
    expect(rest.json().results.map((r: { toObjectId: number }) => String(r.toObjectId))).toEqual([
      meetings[2],
    ]);
    expect(rest.json().paging).toBeUndefined();
  });

  it('refuses custom object schemas where the portal has none', async () => {
    const plain = await buildSandboxApp({ customObjects: false });
    try {
      const headers = { authorization: `Bearer ${plain.issueTokens().accessToken}` };
      const list = await plain.app.inject({ method: 'GET', url: '/crm/v3/schemas', headers });
      expect(list.json()).toEqual({ results: [] });
      const create = await plain.app.inject({
        method: 'POST',
        url: '/crm-object-schemas/v3/schemas',
        headers,
        payload: { name: 'x', labels: { singular: 'x', plural: 'xs' }, properties: [] },
      });
      expect(create.statusCode).toBe(403);
    } finally {
      await plain.app.close();
    }
  });
});
