// Protects the path of DESIGN.md "The flow" end to end, for both CRMs: a rep closes a deal won in
// the sandbox, the sandbox's webhook (a Salesforce Outbound Message, a signed HubSpot batch)
// reaches the server on a real port, and seconds later the manager's credit and attainment are in
// the CRM fields, with no manual step. The same webhook delivered 10 more times writes nothing;
// the same webhooks in another order give the same final state. No secret reaches the log.
import { Client as HubSpotClient } from '@hubspot/api-client';
import { Connection } from 'jsforce';
import { afterAll, describe, expect, it } from 'vitest';
import { signV1, signV3 } from '../../connectors/hubspot/sandbox/webhooks.js';
import { SALESFORCE_API_VERSION } from '../../connectors/salesforce/api-version.js';
import { ActivityIndex } from '../../src/domain/activity-index.js';
import { evaluateDeal } from '../../src/domain/evaluate-deal.js';
import { prepareOrg } from '../../src/domain/org-context.js';
import { DEFAULT_POLICY } from '../../src/domain/policy.js';
import type { Snapshot } from '../../src/domain/snapshot.js';
import { type CaptureProxy, startCaptureProxy } from '../support/capture-proxy.js';
import { type CrmE2E, type Provider, startCrmE2E, TENANT } from '../support/crm-e2e.js';

const RANGE = { from: '2024-01-01', to: '2027-12-31' };
const DEALS = 150;

/**
 * Snapshot deals that are not won but would credit their owner's manager once won: a meeting in
 * the window that the manager attended as an accepted invitee (kept as is by both CRMs).
 */
function closableDeals(snapshot: Snapshot, n: number): Array<{ dealId: string; managerId: string }> {
  const ctx = prepareOrg(snapshot, DEFAULT_POLICY);
  const index = new ActivityIndex(snapshot.deals, snapshot.activities, false);
  const byId = new Map(snapshot.activities.map((a) => [a.id, a]));
  const out: Array<{ dealId: string; managerId: string }> = [];
  snapshot.deals.forEach((deal, i) => {
    if (deal.won || out.length === n) return;
    const ev = evaluateDeal(ctx, { ...deal, won: true }, index.candidatesOf(i, deal));
    const credited = ev.decisions.find((d) => d.credited && d.level === 1);
    if (!credited?.managerId) return;
    const accepted = credited.evidence.some((id) =>
      byId
        .get(id)
        ?.participants.some(
          (p) => p.userId === credited.managerId && p.status === 'accepted' && p.role === 'attendee',
        ),
    );
    if (accepted) out.push({ dealId: deal.id, managerId: credited.managerId });
  });
  if (out.length < n) throw new Error(`the generated org has only ${out.length} closable deals`);
  return out;
}

/** What differs between the CRMs: ids, how a rep closes a deal, where webhooks go, what a write is. */
interface Crm {
  dealId(snapshotId: string): string;
  userId(snapshotId: string): string;
  closeWon(dealId: string): Promise<void>;
  involved(dealId: string): boolean;
  /** The key of a deal in the sandbox's write counts. */
  writeKey(dealId: string): string;
  /** Sends the sandbox's webhooks through `proxy` to the server. */
  route(e2e: CrmE2E): Promise<CaptureProxy>;
  deliver(e2e: CrmE2E, body: Buffer): Promise<Response>;
}

function crmOf(e2e: CrmE2E): Crm {
  if (e2e.salesforce) {
    const sf = e2e.salesforce;
    return {
      dealId: (id) => id,
      userId: (id) => id,
      async closeWon(dealId) {
        const { accessToken, instanceUrl } = sf.issueTokens();
        const conn = new Connection({ instanceUrl, accessToken, version: SALESFORCE_API_VERSION });
        // https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_update_fields.htm
        const result = await conn.sobject('Opportunity').update({ Id: dealId, StageName: 'Closed Won' });
        if (!result.success) throw new Error(`update failed: ${JSON.stringify(result)}`);
      },
      involved: (dealId) => sf.read('Opportunity', dealId)?.PC_Manager_Involved__c === true,
      writeKey: (dealId) => `Opportunity:${dealId}`,
      async route(e) {
        const proxy = await startCaptureProxy(e.webhookUrl);
        sf.setOutboundUrl(proxy.url);
        return proxy;
      },
      deliver: (e, body) =>
        fetch(e.webhookUrl, { method: 'POST', headers: { 'content-type': 'text/xml; charset=utf-8' }, body }),
    };
  }
  const hs = e2e.hubspot!;
  const url = (e: CrmE2E) => `${e.config.PUBLIC_BASE_URL}/webhooks/hubspot`;
  // Signed as HubSpot signs: for the URL it calls and the moment it sends.
  const signed = (e: CrmE2E, body: Buffer) => {
    const timestamp = Date.now();
    return {
      'content-type': 'application/json',
      'x-hubspot-signature': signV1(hs.clientSecret, body.toString()),
      'x-hubspot-signature-version': 'v1',
      'x-hubspot-signature-v3': signV3(hs.clientSecret, 'POST', url(e), body.toString(), timestamp),
      'x-hubspot-request-timestamp': String(timestamp),
    };
  };
  return {
    dealId: (id) => hs.idMap.deals[id]!,
    userId: (id) => hs.idMap.users[id]!,
    async closeWon(dealId) {
      const client = new HubSpotClient({ basePath: hs.url, accessToken: hs.issueTokens().accessToken });
      // https://developers.hubspot.com/docs/api/crm/deals (PATCH /crm/v3/objects/deals/{dealId})
      await client.crm.deals.basicApi.update(dealId, { properties: { dealstage: 'closedwon' } });
    },
    involved: (dealId) => hs.store.get('deals', dealId)?.properties.pc_manager_involved === 'true',
    writeKey: (dealId) => `deals:${dealId}`,
    async route(e) {
      const proxy = await startCaptureProxy(url(e), (body) => signed(e, body));
      hs.setWebhookUrl(proxy.url);
      return proxy;
    },
    deliver: (e, body) => fetch(url(e), { method: 'POST', headers: signed(e, body), body }),
  };
}

async function until(condition: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe.each<Provider>(['salesforce', 'hubspot'])('%s: webhook to CRM fields', (provider) => {
  const runs: CrmE2E[] = [];
  const proxies: CaptureProxy[] = [];
  afterAll(async () => {
    for (const p of proxies) await p.close();
    for (const r of runs) await r.close();
  });

  it('a deal closed won reaches the CRM; redeliveries write nothing; another order gives the same state', async () => {
    const live = await startCrmE2E({ provider, deals: DEALS, seed: 5 });
    runs.push(live);
    await live.startWorker();
    await live.idle();
    const crm = crmOf(live);
    const [a, b] = closableDeals(live.snapshot, 2).map((d) => ({
      dealId: crm.dealId(d.dealId),
      managerId: crm.userId(d.managerId),
    })) as [{ dealId: string; managerId: string }, { dealId: string; managerId: string }];
    const proxy = await crm.route(live);
    proxies.push(proxy);
    live.resetStats();

    await crm.closeWon(a.dealId);
    await until(() => crm.involved(a.dealId), 'the credit on the first deal');
    await crm.closeWon(b.dealId);
    await until(() => crm.involved(b.dealId), 'the credit on the second deal');
    await live.idle();

    const fields = await live.crmFields(RANGE);
    expect(fields.deals[a.dealId]).toMatchObject({ involved: true, creditedManagerId: a.managerId });
    expect(Number(fields.deals[a.dealId]!.credit)).toBeGreaterThan(0);
    const decision = (await live.admin('GET', `/tenants/${TENANT}/deals/${a.dealId}/decision`)).body.deal as {
      period: string;
    };
    expect(fields.attainment[`${a.managerId}:${decision.period}`]?.assistedDeals).toBeGreaterThan(0);
    // Salesforce also carries the current figures on the manager's user; HubSpot has no such field.
    if (provider === 'salesforce') expect(fields.users[a.managerId]).toBeDefined();

    // The first webhook, delivered 10 more times: acknowledged each time, nothing written.
    const writes = live.writeCounts();
    expect(writes[crm.writeKey(a.dealId)]).toBe(2); // the rep's edit and playercoach's one write
    for (let i = 0; i < 10; i++) expect((await crm.deliver(live, proxy.bodies[0]!)).status).toBe(200);
    await live.idle();
    expect(live.writeCounts()).toEqual(writes);

    // The same rep edits in a second org, and every captured webhook delivered in reverse order.
    const reordered = await startCrmE2E({ provider, deals: DEALS, seed: 5 });
    runs.push(reordered);
    await reordered.startWorker();
    await reordered.idle();
    const again = crmOf(reordered);
    await again.closeWon(a.dealId);
    await again.closeWon(b.dealId);
    for (const body of [...proxy.bodies].reverse())
      expect((await again.deliver(reordered, body)).status).toBe(200);
    await reordered.idle();
    expect(await reordered.crmFields(RANGE)).toEqual(fields);

    for (const r of runs) for (const secret of r.secrets) expect(r.log.text().includes(secret)).toBe(false);
  });
});
