// Protects backfills: pages with checkpoints reach the same CRM state as a single compute, a page
// that dies halfway is redone without duplicate writes, a dry run writes nothing and reports the
// diff, pause/resume work, and the API budget guard pauses before the allowed share is used.
import { afterEach, describe, expect, it } from 'vitest';
import { attainmentRows } from '../src/domain/attainment.js';
import { evaluateAll } from '../src/domain/engine.js';
import { prepareOrg } from '../src/domain/org-context.js';
import { diffWriteBack, EMPTY_FIELD_STATE } from '../src/domain/write-back.js';
import { buildWriteBackPlan } from '../src/domain/write-back-plan.js';
import { backfillProgress, pauseBackfill, resumeBackfill, startBackfill } from '../src/service/backfills.js';
import { MemoryCrm } from '../test/support/memory-crm.js';
import { type TestPipeline, testPipeline } from '../test/support/pipeline.js';
import { deal, meeting, POLICY, smallOrg } from '../test/support/small-org.js';

const OWNERS = ['R1', 'R2', 'R3'];
const DATES = ['2026-01-20', '2026-02-14', '2026-03-03', '2026-04-11', '2026-05-30'];

function sampleCrm(): MemoryCrm {
  const deals = Array.from({ length: 14 }, (_, i) =>
    deal(`D${String(i).padStart(2, '0')}`, {
      ownerId: OWNERS[i % 3]!,
      amount: `${100 + i * 10}.00`,
      closeDate: DATES[i % DATES.length]!,
      won: i % 4 !== 3,
    }),
  );
  const activities = deals
    .filter((_, i) => i % 2 === 0)
    .map((d, i) => meeting(`A${i}`, [d.id], [d.ownerId, d.ownerId === 'R3' ? 'M2' : 'M1'], '2026-01-15'));
  return new MemoryCrm(smallOrg(), deals, activities);
}

/** What a single compute over the whole org writes into a CRM playercoach never wrote to. */
function expectedFields(crm: MemoryCrm, asOf: string) {
  const ctx = prepareOrg(crm.org, POLICY);
  const evaluations = evaluateAll(ctx, {
    deals: [...crm.deals.values()],
    activities: [...crm.activities.values()],
  });
  const plan = diffWriteBack(
    buildWriteBackPlan({ ctx, evaluations, rows: attainmentRows(ctx, evaluations), asOf }),
    EMPTY_FIELD_STATE,
  );
  return {
    deals: Object.fromEntries(plan.deals.map(({ dealId, ...f }) => [dealId, f])),
    attainment: Object.fromEntries(plan.attainment.map(({ key, ...f }) => [key, f])),
    users: Object.fromEntries(plan.users.map(({ userId, ...f }) => [userId, f])),
  };
}

const fieldsOf = (crm: MemoryCrm) => ({
  deals: Object.fromEntries(crm.dealFields),
  attainment: Object.fromEntries(crm.attainmentFields),
  users: Object.fromEntries(crm.userFields),
});

const NOW = Date.parse('2026-06-10T12:00:00Z');

describe('backfill', () => {
  let p: TestPipeline | undefined;
  afterEach(async () => {
    await p?.close();
    p = undefined;
  });

  const waitDone = async (id: string) => {
    await p!.settle();
    return backfillProgress(p!.deps, 'acme', id);
  };

  it('pages through the range and leaves the CRM as a single compute would, each record written once', async () => {
    const crm = sampleCrm();
    // The pages pulled by the time each write-back starts: the next page is pulled while one is written.
    const pulledAtWrite: number[] = [];
    crm.hooks.beforeWrite = () => {
      pulledAtWrite.push(crm.calls.pullClosed);
    };
    p = testPipeline({ label: 'bf', connector: () => crm.connector(), now: () => NOW });
    const started = await startBackfill(p.deps, 'acme', {
      from: '2026-01-01',
      to: '2026-06-30',
      pageSize: 4,
    });
    const done = await waitDone(started.id);

    expect(done).toMatchObject({
      status: 'completed',
      pages: 4,
      dealsPulled: 14,
      dealsEvaluated: 14,
      // The three lost deals were never written and have nothing to say: they are left alone.
      dealsWritten: 11,
    });
    expect(done.apiCalls).toBeGreaterThan(0);
    expect(fieldsOf(crm)).toEqual(expectedFields(crm, new Date(NOW).toISOString()));
    expect([...crm.writes.values()].every((n) => n === 1)).toBe(true);
    // Each page pulled once; pages 2 to 4 while the page before them was being written.
    expect(crm.calls.pullClosed).toBe(4);
    expect(pulledAtWrite.slice(0, 3)).toEqual([2, 3, 4]);
  });

  it('a page that dies after its writes is redone with no record written twice', async () => {
    const crm = sampleCrm();
    let writes = 0;
    crm.hooks.afterWrite = () => {
      if (++writes === 2) throw new Error('worker lost in the middle of page 2');
    };
    p = testPipeline({ label: 'bf-crash', connector: () => crm.connector(), now: () => NOW });
    const started = await startBackfill(p.deps, 'acme', {
      from: '2026-01-01',
      to: '2026-06-30',
      pageSize: 4,
    });
    const done = await waitDone(started.id);

    expect(writes).toBeGreaterThan(2);
    expect(done).toMatchObject({ status: 'completed', pages: 4, dealsPulled: 14 });
    expect(fieldsOf(crm)).toEqual(expectedFields(crm, new Date(NOW).toISOString()));
    expect([...crm.writes.values()].every((n) => n === 1)).toBe(true);
  });

  it('a dry run writes nothing and reports what it would change', async () => {
    const crm = sampleCrm();
    // One deal already holds exactly what the engine says: it is not a change.
    const expected = expectedFields(crm, new Date(NOW).toISOString());
    crm.dealFields.set('D00', expected.deals.D00!);
    p = testPipeline({ label: 'bf-dry', connector: () => crm.connector(), now: () => NOW });
    const started = await startBackfill(p.deps, 'acme', {
      from: '2026-01-01',
      to: '2026-03-31',
      dryRun: true,
      pageSize: 3,
    });
    const done = await waitDone(started.id);

    expect(crm.writes.size).toBe(0);
    expect(done.status).toBe('completed');
    const diff = done.diff as {
      deals: {
        evaluated: number;
        changed: number;
        changes: Array<{ dealId: string; before: unknown; after: unknown }>;
      };
      attainment: {
        changes: Array<{ managerId: string; period: string; before: unknown; after: { credited: string } }>;
      };
    };
    const inRange = [...crm.deals.values()].filter((d) => d.closeDate <= '2026-03-31');
    expect(diff.deals.evaluated).toBe(inRange.length);
    // Neither D00 (already right) nor the lost deals (never written, nothing to say) would change:
    // exactly the deals a real run writes.
    const wouldWrite = inRange.filter((d) => d.won && d.id !== 'D00').map((d) => d.id);
    expect(diff.deals.changed).toBe(wouldWrite.length);
    expect(diff.deals.changes.map((c) => c.dealId)).toEqual(wouldWrite.sort());
    expect(diff.deals.changes.map((c) => c.dealId)).not.toContain('D00');
    expect(diff.deals.changes[0]).toMatchObject({ before: null, after: { involved: expect.any(Boolean) } });
    expect(diff.attainment.changes).toContainEqual({
      managerId: 'M1',
      period: 'FY2026-Q1',
      before: null,
      after: {
        credited: expected.attainment['M1:FY2026-Q1']!.credited,
        attainment: expected.attainment['M1:FY2026-Q1']!.attainment,
      },
    });
    expect(await p.t.redis.keys(`${p.deps.keys.tenant('acme').dryRun(started.id)}:*`)).toEqual([]);
    expect(await p.t.redis.hlen(p.deps.keys.tenant('acme').ledger)).toBe(0);
  });

  it('pauses and resumes from its checkpoint', async () => {
    const crm = sampleCrm();
    p = testPipeline({ label: 'bf-pause', connector: () => crm.connector(), now: () => NOW, start: false });
    const started = await startBackfill(p.deps, 'acme', {
      from: '2026-01-01',
      to: '2026-06-30',
      pageSize: 4,
    });
    expect((await pauseBackfill(p.deps, 'acme', started.id)).status).toBe('paused');
    p.start();
    await p.settle();
    expect(await backfillProgress(p.deps, 'acme', started.id)).toMatchObject({ status: 'paused', pages: 0 });
    expect(crm.writes.size).toBe(0);

    expect((await resumeBackfill(p.deps, 'acme', started.id)).status).toBe('running');
    const done = await waitDone(started.id);
    expect(done).toMatchObject({ status: 'completed', pages: 4, run: 1 });
    expect(fieldsOf(crm)).toEqual(expectedFields(crm, new Date(NOW).toISOString()));
  });

  it('the API budget guard pauses it before it uses more than its share, with the reason', async () => {
    const crm = sampleCrm();
    // 40 calls left: 25% allows 10, and each page here costs about two (a pull and a write).
    crm.apiLimit = 40;
    p = testPipeline({ label: 'bf-budget', connector: () => crm.connector(), now: () => NOW });
    const started = await startBackfill(p.deps, 'acme', {
      from: '2026-01-01',
      to: '2026-06-30',
      pageSize: 1,
    });
    const paused = await waitDone(started.id);
    expect(paused.budget).toEqual({ remainingAtStart: 40, usedAtStart: 0, allowed: 10 });

    expect(paused.status).toBe('paused');
    expect(paused.reason).toMatch(/^API budget: \d+ calls used since the start/);
    expect(crm.totalCalls).toBeLessThanOrEqual(10);
    expect(paused.apiCalls).toBeLessThanOrEqual(10);
    expect(paused.pages).toBeGreaterThan(0);

    crm.apiLimit = 1_000_000;
    await resumeBackfill(p.deps, 'acme', started.id);
    expect(await waitDone(started.id)).toMatchObject({ status: 'completed', dealsPulled: 14 });
  });

  it('refuses a bad request and enqueues nothing', async () => {
    const crm = sampleCrm();
    p = testPipeline({ label: 'bf-bad', connector: () => crm.connector(), start: false });
    await expect(startBackfill(p.deps, 'acme', { from: '2026-05-01', to: '2026-01-01' })).rejects.toThrow(
      /backfill from: from must not be after to/,
    );
    await expect(startBackfill(p.deps, 'acme', { from: '2026-13-01', to: '2026-12-01' })).rejects.toThrow(
      /from/,
    );
    await expect(startBackfill(p.deps, 'nope', { from: '2026-01-01', to: '2026-02-01' })).rejects.toThrow(
      /tenant nope does not exist/,
    );
    expect(await p.deps.queues.queue('backfill').count()).toBe(0);
  });
});
