// Protects DESIGN.md "Reliability": Redis killed and restarted in the middle of a backfill (a
// private redis-server with the append-only file on): the worker reconnects by itself, nothing
// acknowledged is lost, and the CRM ends as after a run with no restart, nothing written twice.
import { afterAll, describe, expect, it } from 'vitest';
import { type CrmE2E, type Provider, startCrmE2E, TENANT, waitForBackfill } from '../support/crm-e2e.js';
import { type PrivateRedis, startPrivateRedis } from '../support/private-redis.js';

const RANGE = { from: '2025-01-01', to: '2026-12-31' };
// HubSpot's API is paced (searches per second): fewer, larger pages keep its run short.
const PAGE_SIZE: Record<Provider, number> = { salesforce: 20, hubspot: 50 };
const DEALS = 200;

describe.each<Provider>(['salesforce', 'hubspot'])(
  '%s: Redis restarted in the middle of a run',
  (provider) => {
    const runs: CrmE2E[] = [];
    let redis: PrivateRedis | undefined;
    afterAll(async () => {
      for (const r of runs) await r.close();
      await redis?.destroy();
    });

    const start = async (e2e: CrmE2E) => {
      await e2e.idle();
      e2e.resetStats();
      const res = await e2e.admin('POST', `/tenants/${TENANT}/backfills`, {
        ...RANGE,
        pageSize: PAGE_SIZE[provider],
      });
      expect(res.status).toBe(201);
      return res.body.backfill.id;
    };

    it('the worker reconnects by itself and the backfill ends as if nothing happened', async () => {
      const straight = await startCrmE2E({ provider, deals: DEALS, seed: 11 });
      runs.push(straight);
      await straight.startWorker();
      await waitForBackfill(straight, await start(straight), (b) => b.status === 'completed');

      redis = await startPrivateRedis();
      const restarted = await startCrmE2E({ provider, deals: DEALS, seed: 11, redisUrl: redis.url });
      runs.push(restarted);
      await restarted.startWorker();
      const id = await start(restarted);
      const mid = await waitForBackfill(restarted, id, (b) => b.pages >= 2);
      await redis.kill();
      expect(mid).toMatchObject({ status: 'running', allPagesDone: false });
      // Acknowledged before the kill: the backfill (201 above). Nothing may be lost with Redis.
      expect((await restarted.admin('GET', `/tenants/${TENANT}/backfills/${id}`)).status).toBe(503);
      await redis.start();

      const done = await waitForBackfill(restarted, id, (b) => b.status === 'completed');
      expect(done.dealsPulled).toBe(DEALS);
      expect(await restarted.crmFields(RANGE)).toEqual(await straight.crmFields(RANGE));
      expect(Object.entries(restarted.writeCounts()).filter(([, n]) => n > 1)).toEqual([]);
      expect(Object.keys(restarted.writeCounts()).sort()).toEqual(Object.keys(straight.writeCounts()).sort());
      const log = restarted.log.text();
      expect(log).toMatch(/redis ready[\s\S]*redis ready/);
      for (const r of runs) for (const secret of r.secrets) expect(r.log.text().includes(secret)).toBe(false);
    });
  },
);
