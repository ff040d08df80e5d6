// Protects the reconcile safety net: changes no webhook reported, and activities linked to a deal
// after it closed, reach the CRM; the cursor moves past what was applied; each tenant gets one
// job scheduler.
import { afterEach, describe, expect, it } from 'vitest';
import { reconcileSchedulerId, scheduleReconcile, unscheduleReconcile } from '../src/service/reconcile.js';
import { MemoryCrm } from '../test/support/memory-crm.js';
import { type TestPipeline, testPipeline } from '../test/support/pipeline.js';
import { deal, meeting, smallOrg } from '../test/support/small-org.js';

describe('reconcile', () => {
  let p: TestPipeline | undefined;
  afterEach(async () => {
    await p?.close();
    p = undefined;
  });

  it('repairs lost webhooks and activities linked after the close, in batches, saving the cursor', async () => {
    const crm = new MemoryCrm(smallOrg(), [deal('D1'), deal('D2'), deal('D3', { ownerId: 'R3' })]);
    p = testPipeline({ label: 'reconcile', connector: () => crm.connector(), settings: { pageSize: 2 } });
    await p.deps.queues.enqueue('reconcile', { tenant: 'acme' });
    await p.settle();
    expect(crm.dealFields.get('D1')).toMatchObject({ involved: false });
    expect(crm.calls.pullChanged).toBe(2);
    const cursor = await p.t.redis.get(p.deps.keys.tenant('acme').cursor);
    expect(cursor).toBe(String(crm.stamps.get('D3')));

    // A meeting logged against D1 after it closed, and a change to D3, both without a webhook.
    crm.putActivity(meeting('A1', ['D1'], ['R1', 'M1'], '2026-03-14'));
    crm.putDeal(deal('D3', { ownerId: 'R3', amount: '555.00' }));
    await p.deps.queues.enqueue('reconcile', { tenant: 'acme' });
    await p.settle();
    expect(crm.dealFields.get('D1')).toMatchObject({ involved: true, creditedManagerId: 'M1' });
    expect(crm.attainmentFields.get('M1:FY2026-Q1')).toMatchObject({ credited: '100.00', teamWonDeals: 2 });
    expect(crm.attainmentFields.get('M2:FY2026-Q1')).toMatchObject({ teamWonAmount: '555.00' });
    // Only what changed since the cursor was pulled the second time.
    expect(crm.calls.pullChanged).toBe(3);
  });

  it("rewrites the managers' current figures when a new fiscal period begins", async () => {
    const crm = new MemoryCrm(smallOrg(), [deal('D1')], [meeting('A1', ['D1'], ['R1', 'M1'])]);
    const clock = { now: Date.parse('2026-03-20T12:00:00Z') };
    p = testPipeline({ label: 'period', connector: () => crm.connector(), now: () => clock.now });
    await p.deps.queues.enqueue('reconcile', { tenant: 'acme' });
    await p.settle();
    expect(crm.userFields.get('M1')).toEqual({ currentAttainment: '0.1000', currentCredited: '100.00' });

    clock.now = Date.parse('2026-04-02T12:00:00Z');
    await p.deps.queues.enqueue('reconcile', { tenant: 'acme' });
    await p.settle();
    // FY2026-Q2: M1 has a quota of 1500.00 there and no credit yet.
    expect(crm.userFields.get('M1')).toEqual({ currentAttainment: '0.0000', currentCredited: '0.00' });
    expect(crm.writes.get('user:M1')).toBe(2);
  });

  it('keeps one job scheduler per tenant', async () => {
    const crm = new MemoryCrm(smallOrg());
    p = testPipeline({ label: 'schedule', connector: () => crm.connector(), start: false });
    await scheduleReconcile(p.deps, 'acme');
    await scheduleReconcile(p.deps, 'acme');
    await scheduleReconcile(p.deps, 'other');
    const schedulers = await p.deps.queues.queue('reconcile').getJobSchedulers();
    expect(schedulers.map((s) => s.key).sort()).toEqual([
      reconcileSchedulerId('acme'),
      reconcileSchedulerId('other'),
    ]);
    expect(schedulers[0]).toMatchObject({ every: p.deps.settings.reconcileEveryMs });
    await unscheduleReconcile(p.deps, 'other');
    expect((await p.deps.queues.queue('reconcile').getJobSchedulers()).map((s) => s.key)).toEqual([
      reconcileSchedulerId('acme'),
    ]);
  });
});
