// Protects webhook authentication: HubSpot's published v1/v2 test vectors pass, and a tampered
// body, a wrong secret, a stale timestamp, a missing or unknown signature are refused.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseHubSpotEvents, toChangeEvents, verifyHubSpotSignature } from './webhook.js';

// From HubSpot's request-validation docs and hubspot-api-nodejs test/unit/signature.spec.ts.
const SECRET = 'yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy';
const V1_BODY =
  '[{"eventId":1,"subscriptionId":12345,"portalId":62515,"occurredAt":1564113600000,"subscriptionType":"contact.creation","attemptNumber":0,"objectId":123,"changeSource":"CRM","changeFlag":"NEW","appId":54321}]';
const V1_SIGNATURE = '232db2615f3d666fe21a8ec971ac7b5402d33b9a925784df3ca654d05f4817de';
const V2_URL = 'https://www.example.com/webhook_uri';
const V2_GET_SIGNATURE = 'eee2dddcc73c94d699f5e395f4b9d454a069a6855fbfa152e91e88823087200e';
const V2_POST_BODY = '{"example_field":"example_value"}';
const V2_POST_SIGNATURE = '9569219f8ba981ffa6f6f16aa0f48637d35d728c7e4d93d0d52efaa512af7900';
const NOW = 1_764_000_000_000;

function v3(secret: string, method: string, url: string, body: string, ts: number): string {
  return createHmac('sha256', secret).update(`${method}${url}${body}${ts}`).digest('base64');
}

describe('verifyHubSpotSignature', () => {
  const base = {
    method: 'POST',
    url: 'https://hooks.example.com/hubspot/webhook',
    clientSecret: SECRET,
    now: NOW,
  };

  it('accepts the published v1 vector and refuses a tampered body or a wrong secret', () => {
    const headers = { 'x-hubspot-signature': V1_SIGNATURE, 'x-hubspot-signature-version': 'v1' };
    expect(verifyHubSpotSignature({ ...base, rawBody: Buffer.from(V1_BODY), headers })).toEqual({ ok: true });
    const tampered = Buffer.from(V1_BODY.replace('"objectId":123', '"objectId":124'));
    expect(verifyHubSpotSignature({ ...base, rawBody: tampered, headers })).toEqual({
      ok: false,
      reason: 'mismatch',
    });
    expect(
      verifyHubSpotSignature({
        ...base,
        clientSecret: 'another-secret',
        rawBody: Buffer.from(V1_BODY),
        headers,
      }),
    ).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('treats a signature without a version header as v1', () => {
    const headers = { 'X-HubSpot-Signature': V1_SIGNATURE };
    expect(verifyHubSpotSignature({ ...base, rawBody: Buffer.from(V1_BODY), headers })).toEqual({ ok: true });
  });

  it('accepts the published v2 vectors (GET without body, POST with body) and refuses a different URL', () => {
    expect(
      verifyHubSpotSignature({
        ...base,
        method: 'GET',
        url: V2_URL,
        rawBody: Buffer.alloc(0),
        headers: { 'x-hubspot-signature': V2_GET_SIGNATURE, 'x-hubspot-signature-version': 'v2' },
      }),
    ).toEqual({ ok: true });
    const post = {
      ...base,
      url: V2_URL,
      rawBody: Buffer.from(V2_POST_BODY),
      headers: { 'x-hubspot-signature': V2_POST_SIGNATURE, 'x-hubspot-signature-version': 'v2' },
    };
    expect(verifyHubSpotSignature(post)).toEqual({ ok: true });
    expect(verifyHubSpotSignature({ ...post, url: `${V2_URL}?x=1` })).toEqual({
      ok: false,
      reason: 'mismatch',
    });
  });

  it('checks v3 whenever its header is present: fresh passes, stale, tampered and wrong secret fail', () => {
    const body = '[{"eventId":7}]';
    const ts = NOW - 60_000;
    const headers = {
      'x-hubspot-signature-v3': v3(SECRET, 'POST', base.url, body, ts),
      'x-hubspot-request-timestamp': String(ts),
      // A v1 header that would fail must not matter when v3 is there.
      'x-hubspot-signature': 'deadbeef',
      'x-hubspot-signature-version': 'v1',
    };
    expect(verifyHubSpotSignature({ ...base, rawBody: Buffer.from(body), headers })).toEqual({ ok: true });
    expect(verifyHubSpotSignature({ ...base, rawBody: Buffer.from('[{"eventId":8}]'), headers })).toEqual({
      ok: false,
      reason: 'mismatch',
    });
    expect(
      verifyHubSpotSignature({ ...base, clientSecret: 'nope', rawBody: Buffer.from(body), headers }),
    ).toEqual({
      ok: false,
      reason: 'mismatch',
    });
    const oldTs = NOW - 5 * 60 * 1000 - 1;
    const stale = {
      'x-hubspot-signature-v3': v3(SECRET, 'POST', base.url, body, oldTs),
      'x-hubspot-request-timestamp': String(oldTs),
    };
    expect(verifyHubSpotSignature({ ...base, rawBody: Buffer.from(body), headers: stale })).toEqual({
      ok: false,
      reason: 'stale',
    });
  });

  it('accepts a v3 signature made over the URI with its encoded characters decoded', () => {
    const url = 'https://hooks.example.com/hubspot/webhook?tenant=a%3Ab';
    const ts = NOW;
    const signature = v3(SECRET, 'POST', 'https://hooks.example.com/hubspot/webhook?tenant=a:b', '[]', ts);
    const headers = { 'x-hubspot-signature-v3': signature, 'x-hubspot-request-timestamp': String(ts) };
    expect(verifyHubSpotSignature({ ...base, url, rawBody: Buffer.from('[]'), headers })).toEqual({
      ok: true,
    });
  });

  it('names what is missing or unsupported', () => {
    const rawBody = Buffer.from('[]');
    expect(verifyHubSpotSignature({ ...base, rawBody, headers: {} })).toEqual({
      ok: false,
      reason: 'missing',
    });
    expect(
      verifyHubSpotSignature({ ...base, rawBody, headers: { 'x-hubspot-signature-v3': 'abc' } }),
    ).toEqual({ ok: false, reason: 'missing' });
    expect(
      verifyHubSpotSignature({
        ...base,
        rawBody,
        headers: { 'x-hubspot-signature': V1_SIGNATURE, 'x-hubspot-signature-version': 'v9' },
      }),
    ).toEqual({ ok: false, reason: 'unsupported-version' });
    expect(
      verifyHubSpotSignature({ ...base, rawBody, headers: { 'x-hubspot-signature': 'not-hex' } }),
    ).toEqual({ ok: false, reason: 'mismatch' });
  });
});

describe('parseHubSpotEvents and toChangeEvents', () => {
  const event = (over: Record<string, unknown>) => ({
    eventId: 1,
    subscriptionId: 1,
    portalId: 62515,
    appId: 54321,
    occurredAt: 1_764_000_000_000,
    subscriptionType: 'deal.propertyChange',
    attemptNumber: 0,
    objectId: 10,
    changeSource: 'CRM_UI',
    ...over,
  });

  it('parses the published example body', () => {
    expect(parseHubSpotEvents(Buffer.from(V1_BODY))).toHaveLength(1);
  });

  it('refuses malformed bodies with a message naming the problem', () => {
    expect(() => parseHubSpotEvents(Buffer.from('{'))).toThrow(/not valid JSON/);
    expect(() => parseHubSpotEvents(Buffer.from('{"eventId":1}'))).toThrow(/JSON array/);
    const many = JSON.stringify(Array.from({ length: 101 }, (_, i) => event({ eventId: i })));
    expect(() => parseHubSpotEvents(Buffer.from(many))).toThrow(/at most 100/);
    expect(() => parseHubSpotEvents(Buffer.from(JSON.stringify([event({ objectId: 'x' })])))).toThrow(
      /events\[0\]\.objectId/,
    );
  });

  it('keeps deals, meetings and calls, once per eventId and per object, oldest first', () => {
    const events = [
      event({ eventId: 1, objectId: 10, occurredAt: 2000 }),
      event({ eventId: 1, objectId: 10, occurredAt: 2000 }),
      event({ eventId: 2, objectId: 10, occurredAt: 3000, propertyName: 'amount' }),
      event({
        eventId: 3,
        subscriptionType: 'object.creation',
        objectTypeId: '0-47',
        objectId: 20,
        occurredAt: 1000,
      }),
      event({
        eventId: 4,
        subscriptionType: 'object.propertyChange',
        objectTypeId: '0-48',
        objectId: 30,
        occurredAt: 1500,
      }),
      event({ eventId: 5, subscriptionType: 'contact.creation', objectId: 40 }),
      event({ eventId: 6, subscriptionType: 'object.creation', objectTypeId: '0-1', objectId: 41 }),
    ];
    expect(toChangeEvents(parseHubSpotEvents(Buffer.from(JSON.stringify(events))))).toEqual([
      { objectType: 'meeting', id: '20', occurredAt: new Date(1000).toISOString() },
      { objectType: 'call', id: '30', occurredAt: new Date(1500).toISOString() },
      { objectType: 'deal', id: '10', occurredAt: new Date(3000).toISOString() },
    ]);
  });
});
