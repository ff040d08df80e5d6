// Protects the webhook path end to end: the sandbox's signed batches (at most 100 events) pass
// the connector's signature check and parse into change events; a 5xx is retried with the next
// attemptNumber and a 4xx is not.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSdkClient } from '../../connectors/hubspot/client.js';
import type { HubSpotSandbox } from '../../connectors/hubspot/sandbox/server.js';
import {
  parseHubSpotEvents,
  toChangeEvents,
  verifyHubSpotSignature,
} from '../../connectors/hubspot/webhook.js';
import { sandboxWith } from './harness.js';
import { smallOrg } from './small-org.js';

interface Received {
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

describe('HubSpot webhook delivery', () => {
  let sb: HubSpotSandbox;
  let server: Server;
  let url: string;
  const received: Received[] = [];
  let answers: number[] = [];

  beforeAll(async () => {
    sb = await sandboxWith(smallOrg(), { switches: { webhookRetryBaseMs: 5, webhookMaxAttempts: 3 } });
    server = createServer((req, res) => {
      const parts: Buffer[] = [];
      req.on('data', (c: Buffer) => parts.push(c));
      req.on('end', () => {
        received.push({ url: req.url ?? '', headers: req.headers, body: Buffer.concat(parts) });
        res.statusCode = answers.shift() ?? 200;
        res.end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hubspot/webhook?tenant=acme`;
    sb.setWebhookUrl(url);
  });
  afterAll(async () => {
    await sb.close();
    await new Promise((r) => server.close(r));
  });

  const client = () => createSdkClient({ basePath: sb.url, accessToken: sb.issueTokens().accessToken });

  it('sends signed batches of at most 100 events that verify and parse', async () => {
    received.length = 0;
    const inputs = Array.from({ length: 150 }, (_, i) => ({
      properties: { hs_timestamp: '2026-03-01T10:00:00Z', hs_meeting_title: `m${i}` },
    }));
    await client().crm.objects.meetings.batchApi.create({ inputs: inputs.slice(0, 100) as never });
    await client().crm.objects.meetings.batchApi.create({ inputs: inputs.slice(100) as never });
    await sb.webhooksIdle();
    const events = received.flatMap((r) => {
      const fullUrl = `${url.split('/hubspot')[0]}${r.url}`;
      const check = verifyHubSpotSignature({
        method: 'POST',
        url: fullUrl,
        rawBody: r.body,
        headers: r.headers,
        clientSecret: sb.clientSecret,
        now: Date.now(),
      });
      expect(check).toEqual({ ok: true });
      // The v1 signature on the same request verifies too.
      const { 'x-hubspot-signature-v3': _v3, ...v1Only } = r.headers;
      expect(
        verifyHubSpotSignature({
          method: 'POST',
          url: fullUrl,
          rawBody: r.body,
          headers: v1Only,
          clientSecret: sb.clientSecret,
          now: Date.now(),
        }),
      ).toEqual({ ok: true });
      const parsed = parseHubSpotEvents(r.body);
      expect(parsed.length).toBeLessThanOrEqual(100);
      return parsed;
    });
    expect(events).toHaveLength(150);
    const changes = toChangeEvents(events);
    expect(changes).toHaveLength(150);
    expect(new Set(changes.map((c) => c.objectType))).toEqual(new Set(['meeting']));
  });

  it('retries a 5xx with the next attemptNumber and gives up on a 4xx at once', async () => {
    received.length = 0;
    const deal = sb.idMap.deals['D1']!;
    answers = [503, 200];
    await client().crm.deals.basicApi.update(deal, { properties: { amount: '13000' } });
    await sb.webhooksIdle();
    expect(received.map((r) => JSON.parse(r.body.toString())[0].attemptNumber)).toEqual([0, 1]);
    // The sandbox's wire format, as HubSpot sends it (the receiver's parser keeps fewer fields).
    const first = JSON.parse(received[0]!.body.toString())[0];
    expect(first).toMatchObject({
      subscriptionType: 'deal.propertyChange',
      objectId: Number(deal),
      propertyName: 'amount',
      propertyValue: '13000',
    });
    // Same event, same eventId on the retry: the receiver deduplicates on it.
    expect(
      toChangeEvents([...parseHubSpotEvents(received[0]!.body), ...parseHubSpotEvents(received[1]!.body)]),
    ).toHaveLength(1);

    received.length = 0;
    const before = sb.webhookStats().failed;
    answers = [400];
    await client().crm.deals.basicApi.update(deal, { properties: { amount: '14000' } });
    await sb.webhooksIdle();
    expect(received).toHaveLength(1);
    expect(sb.webhookStats().failed).toBe(before + 1);
  });
});
