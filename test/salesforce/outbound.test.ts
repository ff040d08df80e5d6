// Protects Outbound Messages end to end: an Opportunity changed through the API reaches the endpoint as a SOAP notification, is redelivered until acknowledged, and parses into change events.
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  outboundAck,
  parseOutboundMessage,
  toChangeEvents,
  verifyOrganization,
} from '../../connectors/salesforce/outbound-message.js';
import type { ChangeEvent } from '../../connectors/types.js';
import { generateOrg } from '../../src/generator/index.js';
import { startTestOrg, type TestOrg } from './support.js';

describe('Salesforce Outbound Messages', () => {
  let org: TestOrg;
  let receiver: Server;
  let url: string;
  const deliveries: string[] = [];
  let refuse = 2;

  beforeAll(async () => {
    org = await startTestOrg({
      snapshot: generateOrg({ deals: 30, seed: 6 }),
      outbound: { retryBaseMs: 5, maxRetryMs: 20 },
    });
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        deliveries.push(Buffer.concat(chunks).toString('utf8'));
        if (refuse > 0) {
          refuse--;
          res.writeHead(500).end('not now');
          return;
        }
        res.writeHead(200, { 'content-type': 'text/xml; charset=utf-8' }).end(outboundAck());
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const address = receiver.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/hooks/salesforce/secret`;
  });
  afterAll(async () => {
    await org.close();
    await new Promise((resolve) => receiver.close(resolve));
  });

  it('delivers changed opportunities until acknowledged; the receiver parses and dedupes them', async () => {
    org.sf.setOutboundUrl(url);
    const user = org.user();
    const opps = (
      await user.query<{ Id: string }>(
        "SELECT Id FROM Opportunity WHERE StageName = 'Closed Lost' ORDER BY Id LIMIT 3",
      )
    ).records;
    await user.sobject('Opportunity').update(opps.map((o) => ({ Id: o.Id, StageName: 'Closed Won' })));
    await org.sf.outboundIdle();

    expect(deliveries.length).toBeGreaterThan(2);
    const events = new Map<string, ChangeEvent>();
    const notificationIds = new Set<string>();
    let notifications = 0;
    for (const body of deliveries) {
      const msg = parseOutboundMessage(body);
      expect(verifyOrganization(msg, org.sf.orgId)).toBe(true);
      expect(verifyOrganization(msg, '00D000000000000AAA')).toBe(false);
      for (const n of msg.notifications) {
        notifications++;
        notificationIds.add(n.id);
        expect(n.fields).toMatchObject({ StageName: 'Closed Won', IsWon: 'true' });
      }
      for (const e of toChangeEvents(msg)) events.set(e.id, e);
    }
    // The refused deliveries came again: more notifications received than distinct ones.
    expect(notifications).toBeGreaterThan(notificationIds.size);
    expect(notificationIds.size).toBe(3);
    expect([...events.keys()].sort()).toEqual(opps.map((o) => o.Id).sort());
    expect([...events.values()].every((e) => e.objectType === 'deal' && e.occurredAt !== null)).toBe(true);
  });
});
