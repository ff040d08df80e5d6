// Protects the pipeline's admin routes: backfill start/progress/pause/resume, attainment by manager
// and period, and a deal's decision with its evidence; bad input is a 4xx naming the problem and
// enqueues nothing, and every route sits behind the admin token.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateDeal } from '../src/domain/evaluate-deal.js';
import { prepareOrg } from '../src/domain/org-context.js';
import { tenantStores } from '../src/store/tenant-stores.js';
import { bearer, buildTestApp, type TestApp } from './support/app.js';
import { deal, meeting, POLICY, smallOrg } from './support/small-org.js';

describe('admin API: pipeline routes', () => {
  let t: TestApp;
  let auth: { authorization: string };
  const json = (r: { body: string }) => JSON.parse(r.body);

  beforeAll(async () => {
    t = await buildTestApp('admin-pipeline');
    auth = bearer(t.config.ADMIN_TOKEN);
    await t.deps.tenants.create({
      id: 'acme',
      name: 'Acme',
      kind: 'salesforce',
      salesforce: {
        orgId: '00D000000000001AAA',
        instanceUrl: 'https://acme.my.salesforce.com',
        loginUrl: 'https://login.salesforce.com',
      },
      credentials: { accessToken: 'not-used-here' },
    });
    // What the worker would have left: two deals evaluated, their rows rebuilt.
    const ctx = prepareOrg(smallOrg(), POLICY);
    const stores = tenantStores(t.deps.redis, t.deps.keys.tenant('acme'));
    const { touched } = await stores.ledger.apply([
      evaluateDeal(ctx, deal('D1', { amount: '250.00' }), [meeting('A1', ['D1'], ['R1', 'M1'])]),
      evaluateDeal(ctx, deal('D2', { ownerId: 'R3' }), []),
    ]);
    await stores.rows.rebuild(ctx, touched);
  });
  afterAll(() => t.close());

  const backfillJobs = () => t.deps.queues.queue('backfill').count();

  it('starts a backfill, shows its progress, pauses and resumes it', async () => {
    const start = await t.app.inject({
      method: 'POST',
      url: '/admin/tenants/acme/backfills',
      headers: auth,
      payload: { from: '2026-01-01', to: '2026-03-31', dryRun: true },
    });
    expect(start.statusCode).toBe(201);
    const { backfill } = json(start);
    expect(backfill).toMatchObject({ status: 'running', dryRun: true, from: '2026-01-01', pages: 0 });
    expect(await backfillJobs()).toBe(1);

    const progress = await t.app.inject({
      url: `/admin/tenants/acme/backfills/${backfill.id}`,
      headers: auth,
    });
    expect(json(progress).backfill).toMatchObject({ id: backfill.id, status: 'running', dealsPulled: 0 });

    const pause = await t.app.inject({
      method: 'POST',
      url: `/admin/tenants/acme/backfills/${backfill.id}/pause`,
      headers: auth,
    });
    expect(json(pause).backfill).toMatchObject({ status: 'paused', reason: 'paused by an admin' });
    const resume = await t.app.inject({
      method: 'POST',
      url: `/admin/tenants/acme/backfills/${backfill.id}/resume`,
      headers: auth,
    });
    expect(json(resume).backfill).toMatchObject({ status: 'running', run: 1 });
    expect(await backfillJobs()).toBe(2);

    const list = await t.app.inject({ url: '/admin/tenants/acme/backfills', headers: auth });
    expect(json(list).backfills.map((b: { id: string }) => b.id)).toContain(backfill.id);
  });

  it('refuses a bad backfill request with the reason and enqueues nothing', async () => {
    const before = await backfillJobs();
    const cases = [
      { payload: { from: '2026-04-01', to: '2026-01-01' }, message: /from must not be after to/ },
      {
        payload: { from: '2026-02-30', to: '2026-03-01' },
        message: /backfill from: must be a date YYYY-MM-DD/,
      },
      { payload: { from: '2026-01-01', to: '2026-03-01', dryRun: 'yes' }, message: /dryRun/ },
      { payload: { from: '2026-01-01', to: '2026-03-01', pages: 3 }, message: /pages/ },
      { payload: {}, message: /from/ },
    ];
    for (const c of cases) {
      const r = await t.app.inject({
        method: 'POST',
        url: '/admin/tenants/acme/backfills',
        headers: auth,
        payload: c.payload,
      });
      expect(r.statusCode).toBe(400);
      expect(json(r).message).toMatch(c.message);
    }
    const unknown = await t.app.inject({
      method: 'POST',
      url: '/admin/tenants/nobody/backfills',
      headers: auth,
      payload: { from: '2026-01-01', to: '2026-03-01' },
    });
    expect(unknown.statusCode).toBe(404);
    expect(await backfillJobs()).toBe(before);

    expect(
      (await t.app.inject({ url: '/admin/tenants/acme/backfills/bf-nope', headers: auth })).statusCode,
    ).toBe(404);
    expect(
      (await t.app.inject({ url: '/admin/tenants/acme/backfills/..%2Fx', headers: auth })).statusCode,
    ).toBe(400);
  });

  it('reads attainment by manager and period', async () => {
    const all = json(await t.app.inject({ url: '/admin/tenants/acme/attainment', headers: auth })).attainment;
    expect(all.map((r: { managerId: string; period: string }) => `${r.managerId}:${r.period}`)).toEqual([
      'M1:FY2026-Q1',
      'M2:FY2026-Q1',
    ]);
    const one = await t.app.inject({
      url: '/admin/tenants/acme/attainment?managerId=M1&period=FY2026-Q1',
      headers: auth,
    });
    expect(json(one).attainment).toEqual([
      expect.objectContaining({
        managerId: 'M1',
        credited: '250.00',
        quota: '1000.00',
        attainment: '0.2500',
      }),
    ]);
    const bad = await t.app.inject({ url: '/admin/tenants/acme/attainment?period=2026Q1', headers: auth });
    expect(bad.statusCode).toBe(400);
    expect(json(bad).message).toMatch(/period: must be a period label/);
  });

  it("explains a deal's decision with its evidence", async () => {
    const r = await t.app.inject({ url: '/admin/tenants/acme/deals/D1/decision', headers: auth });
    expect(r.statusCode).toBe(200);
    expect(json(r).deal).toMatchObject({
      dealId: 'D1',
      won: true,
      decisions: [{ managerId: 'M1', level: 1, credited: true, amount: '250.00', evidence: ['A1'] }],
      fields: { involved: true, creditedManagerId: 'M1' },
      crm: null,
      writePending: true,
    });
    expect(json(r).deal.decisions[0].reason).toMatch(/A1/);
    const missing = await t.app.inject({ url: '/admin/tenants/acme/deals/D9/decision', headers: auth });
    expect(missing.statusCode).toBe(404);
    expect(json(missing).message).toMatch(/deal D9 has not been evaluated/);
  });

  it('lists the records the CRM refused, with the reason', async () => {
    await t.deps.redis.hset(
      t.deps.keys.tenant('acme').writeFailures,
      'deal:D2',
      JSON.stringify({
        objectType: 'deal',
        recordId: 'D2',
        code: 'INVALID_FIELD',
        message: 'no such field',
        retryable: false,
      }),
    );
    const r = await t.app.inject({ url: '/admin/tenants/acme/write-failures', headers: auth });
    expect(json(r).failures).toEqual([expect.objectContaining({ recordId: 'D2', code: 'INVALID_FIELD' })]);
  });

  it('refuses a missing or wrong token on every pipeline route', async () => {
    const routes = [
      { method: 'POST' as const, url: '/admin/tenants/acme/backfills' },
      { method: 'GET' as const, url: '/admin/tenants/acme/backfills/bf-x' },
      { method: 'POST' as const, url: '/admin/tenants/acme/backfills/bf-x/pause' },
      { method: 'GET' as const, url: '/admin/tenants/acme/attainment' },
      { method: 'GET' as const, url: '/admin/tenants/acme/deals/D1/decision' },
      { method: 'GET' as const, url: '/admin/tenants/acme/write-failures' },
    ];
    for (const r of routes) {
      expect((await t.app.inject(r)).statusCode).toBe(401);
      expect(
        (await t.app.inject({ ...r, headers: bearer('wrong-token-wrong-token-wrong') })).statusCode,
      ).toBe(401);
    }
    expect(t.secrets.some((s) => t.log().includes(s))).toBe(false);
  });
});
