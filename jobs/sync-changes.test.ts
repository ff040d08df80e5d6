// Protects the webhook path through the queues: a change reaches the CRM fields, duplicates and
// reordering change nothing, a burst for one deal costs at most two recomputes, and a write-back
// that dies after the CRM call is not repeated.
import { afterEach, describe, expect, it } from 'vitest';
import type { ChangeEvent, CrmConnector } from '../connectors/types.js';
import { explainDeal, writeFailures } from '../src/service/attainment.js';
import { MemoryCrm } from '../test/support/memory-crm.js';
import { completedJobs, type TestPipeline, tenantFixture, testPipeline } from '../test/support/pipeline.js';
import { deal, meeting, smallOrg } from '../test/support/small-org.js';

const dealChange = (id: string): ChangeEvent => ({ objectType: 'deal', id, occurredAt: null });

describe('sync-changes, recompute and write-back', () => {
  let p: TestPipeline | undefined;
  afterEach(async () => {
    await p?.close();
    p = undefined;
  });

  it('a won deal with the manager in the meeting reaches the deal, attainment and user fields', async () => {
    const crm = new MemoryCrm(
      smallOrg(),
      [deal('D1', { amount: '400.00' })],
      [meeting('A1', ['D1'], ['R1', 'M1'])],
    );
    p = testPipeline({ label: 'sync', connector: () => crm.connector() });
    await p.deps.queues.enqueue('sync-changes', {
      tenant: 'acme',
      changes: [dealChange('D1')],
      source: 'webhook',
    });
    await p.settle();

    expect(crm.dealFields.get('D1')).toMatchObject({
      involved: true,
      creditedManagerId: 'M1',
      credit: '400.00',
    });
    expect(crm.attainmentFields.get('M1:FY2026-Q1')).toMatchObject({
      credited: '400.00',
      attainment: '0.4000',
    });
    expect(crm.userFields.get('M1')).toEqual({ currentAttainment: '0.4000', currentCredited: '400.00' });
    expect(await explainDeal(p.deps, 'acme', 'D1')).toMatchObject({
      decisions: [{ managerId: 'M1', credited: true, evidence: ['A1'] }],
      crm: { involved: true },
      writePending: false,
      failure: null,
    });
  });

  it('the same change delivered 10 times writes each record once', async () => {
    const crm = new MemoryCrm(smallOrg(), [deal('D1')], [meeting('A1', ['D1'], ['R1', 'M1'])]);
    p = testPipeline({ label: 'dup', connector: () => crm.connector() });
    for (let i = 0; i < 10; i++) {
      await p.deps.queues.enqueue('sync-changes', {
        tenant: 'acme',
        changes: [dealChange('D1')],
        source: 'webhook',
      });
    }
    await p.settle();
    // Every record once: the deal, its manager's row and user, and the rows of the other quotas.
    expect(Object.fromEntries(crm.writes)).toEqual({
      'deal:D1': 1,
      'attainment:M1:FY2026-Q1': 1,
      'attainment:M1:FY2026-Q2': 1,
      'attainment:M2:FY2026-Q1': 1,
      'user:M1': 1,
      'user:M2': 1,
    });
  });

  it('the same events in another order give the same final state', async () => {
    const run = async (order: ChangeEvent[][]) => {
      const crm = new MemoryCrm(
        smallOrg(),
        [deal('D1'), deal('D2', { ownerId: 'R3', amount: '900' }), deal('D3', { won: false })],
        [meeting('A1', ['D1'], ['R1', 'M1']), meeting('A2', ['D2'], ['R3', 'M2'])],
      );
      const q = testPipeline({ label: 'order', connector: () => crm.connector() });
      try {
        for (const changes of order) {
          await q.deps.queues.enqueue('sync-changes', { tenant: 'acme', changes, source: 'webhook' });
        }
        await q.settle();
      } finally {
        await q.close();
      }
      return {
        deals: Object.fromEntries(crm.dealFields),
        attainment: Object.fromEntries(crm.attainmentFields),
        users: Object.fromEntries(crm.userFields),
      };
    };
    const a = await run([[dealChange('D1')], [dealChange('D2')], [dealChange('D3')], [dealChange('D1')]]);
    const meetingChange: ChangeEvent = { objectType: 'meeting', id: 'A2', occurredAt: null };
    const b = await run([
      [dealChange('D3'), dealChange('D1')],
      [meetingChange],
      [dealChange('D1')],
      [dealChange('D3')],
    ]);
    expect(b).toEqual(a);
    // D3 is lost and was never written: it is left untouched.
    expect(Object.keys(a.deals).sort()).toEqual(['D1', 'D2']);
  });

  it('a burst of 1,000 events for one deal gives at most 2 recomputes', async () => {
    const crm = new MemoryCrm(smallOrg(), [deal('D1')], [meeting('A1', ['D1'], ['R1', 'M1'])]);
    // The deal's amount moves with every read, so every event really changes its manager-period.
    let amount = 100;
    let gate: { reached: () => void; release: Promise<void> } | null = null;
    const connector = () => {
      const c = crm.connector();
      return Object.assign(Object.create(c) as CrmConnector, {
        pullDeals: async (ids: readonly string[], o: Parameters<typeof c.pullDeals>[1]) => {
          crm.putDeal(deal('D1', { amount: String(amount++) }));
          return c.pullDeals(ids, o);
        },
        pullOrg: async () => {
          const g = gate;
          gate = null;
          if (g) {
            g.reached();
            await g.release;
          }
          return c.pullOrg();
        },
      });
    };
    // The org is pulled by every job, so the gate below catches the first recompute mid-run.
    p = testPipeline({ label: 'burst', connector, start: false, settings: { orgCacheTtlMs: 0 } });
    const burst = async (n: number) => {
      const jobs = Array.from({ length: n }, (_, i) => ({
        name: 'sync-changes',
        data: {
          tenant: 'acme',
          changes: [{ ...dealChange('D1'), occurredAt: `event-${i}` }],
          source: 'webhook',
        },
      }));
      await p!.deps.queues.queue('sync-changes').addBulk(jobs);
    };

    // First half: no recompute worker yet, so they all collapse into one waiting recompute.
    const ofD1 = (jobs: { data: { managerId: string; period: string } }[]) =>
      jobs.filter((j) => j.data.managerId === 'M1' && j.data.period === 'FY2026-Q1');
    const syncDone = () =>
      waitFor(async () => {
        const c = await p!.deps.queues.queue('sync-changes').getJobCounts('waiting', 'active', 'delayed');
        return c.waiting + c.active + c.delayed === 0;
      });
    p.start(['sync-changes'], 1);
    await burst(500);
    await syncDone();
    expect(ofD1(await p.deps.queues.queue('recompute').getJobs(['waiting']))).toHaveLength(1);

    // Second half while that recompute is running (held inside its org pull, the first pull
    // after the gate is armed, since no other job runs then): they collapse into one more.
    let reached!: () => void;
    let release!: () => void;
    const isReached = new Promise<void>((r) => (reached = r));
    gate = { reached, release: new Promise<void>((r) => (release = r)) };
    p.start(['recompute'], 1);
    await isReached;
    await burst(500);
    await syncDone();
    release();
    p.start(['write-back'], 1);
    await p.settle();

    // One that ran through the first half, one kept while it was active for the second.
    expect(ofD1(await completedJobs(p, 'recompute'))).toHaveLength(2);
    expect(crm.attainmentFields.get('M1:FY2026-Q1')?.credited).toBe(`${amount - 1}.00`);
  });

  it('a write-back that dies after the CRM call is retried without writing anything twice', async () => {
    const crm = new MemoryCrm(
      smallOrg(),
      [deal('D1'), deal('D2', { ownerId: 'R3' })],
      [meeting('A1', ['D1'], ['R1', 'M1'])],
    );
    let died = false;
    crm.hooks.afterWrite = (plan) => {
      if (!died && plan.deals.length > 0) {
        died = true;
        throw new Error('worker lost between the CRM write and the Redis update');
      }
    };
    p = testPipeline({ label: 'crash', connector: () => crm.connector() });
    await p.deps.queues.enqueue('sync-changes', {
      tenant: 'acme',
      changes: [dealChange('D1'), dealChange('D2')],
      source: 'webhook',
    });
    await p.settle();
    expect(died).toBe(true);
    expect([...crm.writes.values()].every((n) => n === 1)).toBe(true);
    expect(crm.dealFields.get('D1')?.involved).toBe(true);
    expect(crm.attainmentFields.has('M2:FY2026-Q1')).toBe(true);
  });

  it('a record the CRM refuses for good is reported with its reason and does not block the others', async () => {
    const crm = new MemoryCrm(
      smallOrg(),
      [deal('D1'), deal('D2')],
      [meeting('A1', ['D1', 'D2'], ['R1', 'M1'])],
    );
    crm.hooks.failRecord = (objectType, id) =>
      objectType === 'deal' && id === 'D2'
        ? {
            objectType,
            recordId: id,
            code: 'FIELD_CUSTOM_VALIDATION_EXCEPTION',
            message: 'blocked by a rule',
            retryable: false,
          }
        : null;
    p = testPipeline({ label: 'refused', connector: () => crm.connector() });
    await p.deps.queues.enqueue('sync-changes', {
      tenant: 'acme',
      changes: [dealChange('D1'), dealChange('D2')],
      source: 'webhook',
    });
    await p.settle();
    expect(crm.dealFields.has('D1')).toBe(true);
    expect(crm.dealFields.has('D2')).toBe(false);
    expect(await explainDeal(p.deps, 'acme', 'D2')).toMatchObject({
      crm: null,
      writePending: false,
      failure: { code: 'FIELD_CUSTOM_VALIDATION_EXCEPTION', message: 'blocked by a rule' },
    });
    expect(await p.deps.queues.queue('write-back').getJobCounts('failed')).toMatchObject({ failed: 0 });
    expect(await writeFailures(p.deps, 'acme')).toEqual([
      expect.objectContaining({
        objectType: 'deal',
        recordId: 'D2',
        code: 'FIELD_CUSTOM_VALIDATION_EXCEPTION',
      }),
    ]);
  });

  it('pulls the org again once cached, and at once when the tenant record changed', async () => {
    const crm = new MemoryCrm(smallOrg(), [deal('D1')]);
    p = testPipeline({ label: 'org-cache', connector: () => crm.connector() });
    const sync = async () => {
      await p!.deps.queues.enqueue('sync-changes', {
        tenant: 'acme',
        changes: [dealChange('D1')],
        source: 'webhook',
      });
      await p!.settle();
    };
    await sync();
    await sync();
    expect(crm.calls.pullOrg).toBe(1);
    p.setTenant({
      ...tenantFixture(),
      settings: { timezone: 'Europe/Paris' },
      updatedAt: '2026-03-20T13:00:00.000Z',
    });
    await sync();
    expect(crm.calls.pullOrg).toBe(2);
  });

  it('a deal the CRM no longer has stops counting', async () => {
    const crm = new MemoryCrm(
      smallOrg(),
      [deal('D1'), deal('D2')],
      [meeting('A1', ['D1', 'D2'], ['R1', 'M1'])],
    );
    p = testPipeline({ label: 'deleted', connector: () => crm.connector() });
    await p.deps.queues.enqueue('sync-changes', {
      tenant: 'acme',
      changes: [dealChange('D1'), dealChange('D2')],
      source: 'webhook',
    });
    await p.settle();
    expect(crm.attainmentFields.get('M1:FY2026-Q1')?.credited).toBe('200.00');
    crm.deals.delete('D2');
    await p.deps.queues.enqueue('sync-changes', {
      tenant: 'acme',
      changes: [dealChange('D2')],
      source: 'webhook',
    });
    await p.settle();
    expect(crm.attainmentFields.get('M1:FY2026-Q1')?.credited).toBe('100.00');
  });
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 20));
  }
}
