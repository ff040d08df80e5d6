// Protects DESIGN.md "Reliability": a worker killed with SIGKILL in the middle of a backfill and
// started again reaches the same final CRM state as a run straight through, and no record is
// written twice. Real Redis, the server on a real port, `playercoach worker` as child processes,
// the Salesforce sandbox and the real jsforce connector.
import { afterAll, describe, expect, it } from 'vitest';
import {
  type SalesforceE2E,
  startSalesforceE2E,
  TENANT,
  waitForBackfill,
} from '../support/salesforce-e2e.js';

const RANGE = { from: '2025-01-01', to: '2026-12-31' };
const DEALS = 240;

describe('a worker killed in the middle of a backfill', () => {
  const runs: SalesforceE2E[] = [];
  afterAll(async () => {
    for (const r of runs) await r.close();
  });

  const start = async (e2e: SalesforceE2E) => {
    // The reconcile a worker runs when it starts writes the quota-only attainment records first;
    // the writes counted are the backfill's.
    await e2e.idle();
    e2e.sandbox.resetStats();
    const res = await e2e.admin('POST', `/tenants/${TENANT}/backfills`, { ...RANGE, pageSize: 20 });
    expect(res.status).toBe(201);
    return res.body.backfill.id;
  };

  it('reaches the state of a run straight through, without writing anything twice', async () => {
    const straight = await startSalesforceE2E({ deals: DEALS });
    runs.push(straight);
    const worker = await straight.startWorker();
    const done = await waitForBackfill(straight, await start(straight), (b) => b.status === 'completed');
    expect(done.dealsPulled).toBe(DEALS);
    // The worker counts its CRM calls and writes where Prometheus can scrape them.
    const metrics = await (await fetch(`${worker.metricsAddress}/metrics`)).text();
    expect(metrics).toMatch(
      /playercoach_crm_calls_total\{provider="salesforce",operation="pull-closed"\} [1-9]/,
    );
    expect(metrics).toMatch(/playercoach_records_written_total\{provider="salesforce",object="deal"\} [1-9]/);

    const killed = await startSalesforceE2E({ deals: DEALS });
    runs.push(killed);
    const first = await killed.spawnWorker();
    const id = await start(killed);
    const before = await waitForBackfill(killed, id, (b) => b.pages >= 3);
    first.kill('SIGKILL');
    await new Promise((r) => first.once('close', r));
    expect(before.status).toBe('running');

    await killed.spawnWorker();
    const after = await waitForBackfill(killed, id, (b) => b.status === 'completed');
    expect(after.dealsPulled).toBe(DEALS);

    const expected = await straight.crmFields(RANGE);
    const actual = await killed.crmFields(RANGE);
    expect(Object.keys(actual.deals).length).toBeGreaterThan(DEALS / 2);
    expect(Object.keys(actual.attainment).length).toBeGreaterThan(0);
    expect(actual).toEqual(expected);

    // Every record written once, in both runs, and the same records.
    const writes = killed.sandbox.writeCounts();
    expect(Object.entries(writes).filter(([, n]) => n > 1)).toEqual([]);
    expect(Object.entries(straight.sandbox.writeCounts()).filter(([, n]) => n > 1)).toEqual([]);
    expect(Object.keys(writes).sort()).toEqual(Object.keys(straight.sandbox.writeCounts()).sort());

    for (const r of runs) {
      const log = r.log.text();
      expect(log).toMatch(/backfill page done/);
      for (const secret of r.secrets) expect(log.includes(secret), 'a secret in the log').toBe(false);
    }
  });
});
