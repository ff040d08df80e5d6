// Protects DESIGN.md "Reliability": a worker killed with SIGKILL in the middle of a backfill and
// started again reaches the same final CRM state as a run straight through, and no record is
// written twice. Real Redis, the server on a real port, `playercoach worker` as child processes,
// the sandbox CRMs and the real connectors (jsforce, @hubspot/api-client).
import { afterAll, describe, expect, it } from 'vitest';
import { type CrmE2E, type Provider, startCrmE2E, TENANT, waitForBackfill } from '../support/crm-e2e.js';

const RANGE = { from: '2025-01-01', to: '2026-12-31' };
// HubSpot's API is paced (searches per second): fewer, larger pages keep its run short.
const PAGE_SIZE: Record<Provider, number> = { salesforce: 20, hubspot: 50 };
const DEALS = 240;

describe.each<Provider>(['salesforce', 'hubspot'])(
  '%s: a worker killed in the middle of a backfill',
  (provider) => {
    const runs: CrmE2E[] = [];
    afterAll(async () => {
      for (const r of runs) await r.close();
    });

    const start = async (e2e: CrmE2E) => {
      // The reconcile a worker runs when it starts writes the quota-only attainment records first;
      // the writes counted are the backfill's.
      await e2e.idle();
      e2e.resetStats();
      const res = await e2e.admin('POST', `/tenants/${TENANT}/backfills`, {
        ...RANGE,
        pageSize: PAGE_SIZE[provider],
      });
      expect(res.status).toBe(201);
      return res.body.backfill.id;
    };

    it('reaches the state of a run straight through, without writing anything twice', async () => {
      const straight = await startCrmE2E({ provider, deals: DEALS });
      runs.push(straight);
      const worker = await straight.startWorker();
      const done = await waitForBackfill(straight, await start(straight), (b) => b.status === 'completed');
      expect(done.dealsPulled).toBe(DEALS);
      // The worker counts its CRM calls and writes where Prometheus can scrape them.
      const metrics = await (await fetch(`${worker.metricsAddress}/metrics`)).text();
      expect(metrics).toMatch(
        new RegExp(`playercoach_crm_calls_total\\{provider="${provider}",operation="pull-closed"\\} [1-9]`),
      );
      expect(metrics).toMatch(
        new RegExp(`playercoach_records_written_total\\{provider="${provider}",object="deal"\\} [1-9]`),
      );

      const killed = await startCrmE2E({ provider, deals: DEALS });
      runs.push(killed);
      const first = await killed.spawnWorker();
      const id = await start(killed);
      const before = await waitForBackfill(killed, id, (b) => b.pages >= 2);
      first.kill('SIGKILL');
      await new Promise((r) => first.once('close', r));
      expect(before).toMatchObject({ status: 'running', allPagesDone: false });

      await killed.spawnWorker();
      const after = await waitForBackfill(killed, id, (b) => b.status === 'completed');
      expect(after.dealsPulled).toBe(DEALS);

      const expected = await straight.crmFields(RANGE);
      const actual = await killed.crmFields(RANGE);
      expect(Object.keys(actual.deals).length).toBeGreaterThan(DEALS / 2);
      expect(Object.keys(actual.attainment).length).toBeGreaterThan(0);
      expect(actual).toEqual(expected);

      // Every record written once, in both runs, and the same records.
      const writes = killed.writeCounts();
      expect(Object.entries(writes).filter(([, n]) => n > 1)).toEqual([]);
      expect(Object.entries(straight.writeCounts()).filter(([, n]) => n > 1)).toEqual([]);
      expect(Object.keys(writes).sort()).toEqual(Object.keys(straight.writeCounts()).sort());

      for (const r of runs) {
        const log = r.log.text();
        expect(log).toMatch(/backfill page done/);
        for (const secret of r.secrets) expect(log.includes(secret), 'a secret in the log').toBe(false);
      }
    });
  },
);
