// Protects the Salesforce write-back: exactly the DESIGN.md fields land, 200 records a call, nothing is written twice, and failures are retried or reported, never dropped.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pullSnapshot } from '../../connectors/pull-snapshot.js';
import { OPP } from '../../connectors/salesforce/custom-fields.js';
import type { SalesforceConnector } from '../../connectors/salesforce/salesforce-connector.js';
import { attainmentRows } from '../../src/domain/attainment.js';
import { evaluateAll } from '../../src/domain/engine.js';
import { prepareOrg } from '../../src/domain/org-context.js';
import { DEFAULT_POLICY } from '../../src/domain/policy.js';
import type { Snapshot } from '../../src/domain/snapshot.js';
import { buildWriteBackPlan } from '../../src/domain/write-back-plan.js';
import { generateOrg } from '../../src/generator/index.js';
import { planFor } from './plan.js';
import { startTestOrg, type TestOrg } from './support.js';

const RANGE = { tenant: 'acme', from: '1900-01-01', to: '2999-12-31' };
const AUDIT = ['LastModifiedDate', 'SystemModstamp'];

describe('Salesforce write-back', () => {
  let org: TestOrg;
  let original: Snapshot;
  let connector: SalesforceConnector;

  beforeEach(async () => {
    original = generateOrg({ deals: 150, seed: 5 });
    org = await startTestOrg({ snapshot: original });
    connector = org.connector();
    await connector.install();
  });
  afterEach(() => org.close());

  it('lands exactly the DESIGN.md fields, then writes nothing when nothing changed', async () => {
    const { snapshot, current } = await pullSnapshot(connector, RANGE);
    const plan = planFor(snapshot);
    const before = new Map(snapshot.deals.map((d) => [d.id, org.sf.read('Opportunity', d.id)!]));
    org.sf.resetStats();

    const report = await connector.writeBack(plan, current);
    const records = plan.deals.length + plan.users.length;
    expect(report.failures).toEqual([]);
    expect(report.written).toEqual({
      deals: plan.deals.length,
      attainment: plan.attainment.length,
      users: plan.users.length,
    });
    expect(report.calls).toBe(Math.ceil(records / 200) + Math.ceil(plan.attainment.length / 200));
    expect(org.sf.stats().byEndpoint).toEqual({
      'PATCH /composite/sobjects': Math.ceil(records / 200),
      'PATCH /composite/sobjects/:type/:field': Math.ceil(plan.attainment.length / 200),
    });

    for (const d of plan.deals) {
      const after = org.sf.read('Opportunity', d.dealId)!;
      const changed = Object.keys({ ...before.get(d.dealId), ...after }).filter(
        (k) => JSON.stringify(before.get(d.dealId)![k]) !== JSON.stringify(after[k]),
      );
      expect(changed.filter((k) => !AUDIT.includes(k)).sort()).toEqual(
        [
          OPP.credit,
          OPP.evaluatedAt,
          OPP.involved,
          OPP.reason,
          ...(d.creditedManagerId ? [OPP.creditedManager] : []),
        ].sort(),
      );
      expect(after[OPP.involved]).toBe(d.involved);
      expect(after[OPP.credit]).toBe(Number(d.credit));
      expect(after[OPP.reason]).toBe(d.reason);
      expect(after[OPP.evaluatedAt]).toBe('2026-11-15T12:00:00.000+0000');
    }

    // What a manager sees, read through the API as a user would.
    const user = org.user();
    const rows = await user.query<Record<string, unknown>>(
      'SELECT PC_Key__c, PC_Manager__c, PC_Period__c, PC_Quota__c, PC_Credited__c, PC_Attainment__c, PC_Assisted_Deals__c, PC_Team_Won_Deals__c, PC_Team_Won_Amount__c, CurrencyIsoCode FROM PC_Manager_Attainment__c WHERE PC_Credited__c != null ORDER BY PC_Key__c',
    );
    expect(rows.records).toHaveLength(plan.attainment.length);
    for (const a of plan.attainment) {
      const r = rows.records.find((x) => x['PC_Key__c'] === a.key)!;
      expect(r).toMatchObject({
        PC_Manager__c: a.managerId,
        PC_Period__c: 'FY2027-Q1',
        PC_Quota__c: a.quota === null ? null : Number(a.quota),
        PC_Credited__c: Number(a.credited),
        PC_Attainment__c: a.attainment === null ? null : Number(a.attainment) * 100,
        PC_Assisted_Deals__c: a.assistedDeals,
        CurrencyIsoCode: 'USD',
      });
    }

    org.sf.resetStats();
    const again = await pullSnapshot(connector, RANGE);
    org.sf.resetStats();
    const noop = await connector.writeBack(plan, again.current);
    expect(noop).toEqual({
      written: { deals: 0, attainment: 0, users: 0 },
      unchanged: { deals: plan.deals.length, attainment: plan.attainment.length, users: plan.users.length },
      failures: [],
      calls: 0,
    });
    expect(org.sf.stats().calls).toBe(0);

    // A new evaluation time alone is no reason to write; a changed value is.
    const next = planFor(snapshot, '2026-11-16T12:00:00Z', 1);
    const changedDeals = next.deals.filter(
      (d, i) =>
        JSON.stringify(d) !== JSON.stringify({ ...plan.deals[i] }) && (d.involved || plan.deals[i]!.involved),
    );
    const third = await connector.writeBack({ ...plan, evaluatedAt: '2026-11-16T12:00:00Z' }, again.current);
    expect(third.calls).toBe(0);
    const fourth = await connector.writeBack(next, again.current);
    expect(fourth.written.deals).toBe(changedDeals.length);
  });

  it("writes the engine's plan for the pulled org, and nothing the second time", async () => {
    const { snapshot, current } = await pullSnapshot(connector, RANGE);
    const ctx = prepareOrg(snapshot, DEFAULT_POLICY);
    const evaluations = evaluateAll(ctx, snapshot);
    const plan = buildWriteBackPlan({
      ctx,
      evaluations,
      rows: attainmentRows(ctx, evaluations),
      asOf: '2026-11-15T12:00:00Z',
    });
    expect(plan.deals.some((d) => d.involved)).toBe(true);
    const report = await connector.writeBack(plan, current);
    expect(report.failures).toEqual([]);
    // Lost deals playercoach never wrote are left alone; every other deal is written.
    const lost = new Set(snapshot.deals.filter((d) => !d.won).map((d) => d.id));
    expect(lost.size).toBeGreaterThan(0);
    const toWrite = plan.deals.filter((d) => !lost.has(d.dealId));
    expect(report.written).toEqual({
      deals: toWrite.length,
      attainment: plan.attainment.length,
      users: plan.users.length,
    });
    for (const id of lost) expect(org.sf.read('Opportunity', id)?.[OPP.evaluatedAt] ?? null).toBeNull();
    for (const d of toWrite) {
      expect(org.sf.read('Opportunity', d.dealId)).toMatchObject({
        [OPP.involved]: d.involved,
        [OPP.credit]: Number(d.credit),
        [OPP.reason]: d.reason,
      });
    }
    const again = await pullSnapshot(connector, RANGE);
    expect((await connector.writeBack(plan, again.current)).calls).toBe(0);
  });

  it('never clears a quota an admin entered, even from a plan that knows none', async () => {
    const { snapshot, current } = await pullSnapshot(connector, RANGE);
    const plan = planFor(snapshot);
    const row = plan.attainment[0]!;
    // An admin types a quota after playercoach last pulled the org.
    const user = org.user();
    await user
      .sobject('PC_Manager_Attainment__c')
      .upsert({ PC_Key__c: row.key, PC_Quota__c: 12345 }, 'PC_Key__c');
    const stale = { ...plan, attainment: [{ ...row, quota: null, attainment: null }] };
    const report = await connector.writeBack(stale, current);
    expect(report.failures).toEqual([]);
    expect(report.written.attainment).toBe(1);
    const rows = await user.query<Record<string, unknown>>(
      `SELECT PC_Quota__c, PC_Credited__c FROM PC_Manager_Attainment__c WHERE PC_Key__c = '${row.key}'`,
    );
    expect(rows.records).toEqual([
      expect.objectContaining({ PC_Quota__c: 12345, PC_Credited__c: Number(row.credited) }),
    ]);
  });

  it('reports records Salesforce refuses, with the reason, and writes the rest', async () => {
    const { snapshot, current } = await pullSnapshot(connector, RANGE);
    const plan = planFor(snapshot);
    const bad = plan.deals[0]!;
    const broken = {
      ...plan,
      deals: [{ ...bad, involved: true, creditedManagerId: snapshot.deals[1]!.id }, ...plan.deals.slice(1)],
    };
    const report = await connector.writeBack(broken, current);
    expect(report.failures).toEqual([
      {
        objectType: 'deal',
        recordId: bad.dealId,
        code: 'FIELD_INTEGRITY_EXCEPTION',
        message: expect.stringContaining('id value of incorrect type'),
        retryable: false,
      },
    ]);
    expect(report.written.deals).toBe(plan.deals.length - 1);
  });

  it('retries lock failures until every record is written', async () => {
    const { snapshot, current } = await pullSnapshot(connector, RANGE);
    const plan = planFor(snapshot);
    org.sf.setSwitches({ lockFailureRate: 0.3, seed: 7 });
    const report = await connector.writeBack(plan, current);
    expect(report.failures).toEqual([]);
    expect(report.written.deals).toBe(plan.deals.length);
    expect(report.calls).toBeGreaterThan(Math.ceil((plan.deals.length + plan.users.length) / 200) + 1);
    org.sf.setSwitches({ lockFailureRate: 0 });
    const after = await pullSnapshot(connector, RANGE);
    expect((await connector.writeBack(plan, after.current)).calls).toBe(0);
  });

  it('reports lock failures that outlast the retries as retryable, never dropping them', async () => {
    const { snapshot, current } = await pullSnapshot(connector, RANGE);
    const plan = planFor(snapshot);
    org.sf.setSwitches({ lockFailureRate: 0.5, seed: 3 });
    const report = await org.connector({ recordAttempts: 1 }).writeBack(plan, current);
    const total = plan.deals.length + plan.users.length + plan.attainment.length;
    const written = report.written.deals + report.written.users + report.written.attainment;
    expect(report.failures.length).toBeGreaterThan(0);
    expect(written + report.failures.length).toBe(total);
    for (const f of report.failures) expect(f).toMatchObject({ code: 'UNABLE_TO_LOCK_ROW', retryable: true });
  });

  it('stops on a spent daily budget, and a later run finishes without losing a record', async () => {
    const { snapshot, current } = await pullSnapshot(connector, RANGE);
    const plan = planFor(snapshot);
    const used = org.sf.stats().apiUsage.used;
    org.sf.setSwitches({ dailyApiLimit: used + 1 });
    await expect(connector.writeBack(plan, current)).rejects.toMatchObject({
      code: 'BUDGET_EXHAUSTED',
      retryable: true,
    });
    org.sf.setSwitches({ dailyApiLimit: 1_000_000 });
    const fresh = await pullSnapshot(connector, RANGE);
    const report = await connector.writeBack(plan, fresh.current);
    expect(report.failures).toEqual([]);
    const done = await pullSnapshot(connector, RANGE);
    const last = await connector.writeBack(plan, done.current);
    expect(last.calls).toBe(0);
    expect(last.unchanged.deals).toBe(plan.deals.length);
  });

  it('uses Bulk API 2.0 above the threshold, lock failures and 503s included', async () => {
    const { snapshot, current } = await pullSnapshot(connector, RANGE);
    const plan = planFor(snapshot);
    org.sf.setSwitches({ lockFailureRate: 0.2, errorRate503: 0.2, seed: 11 });
    org.sf.resetStats();
    const report = await org.connector({ bulkThreshold: 50 }).writeBack(plan, current);
    org.sf.setSwitches({ errorRate503: 0 });
    expect(report.failures).toEqual([]);
    expect(report.written.deals).toBe(plan.deals.length);
    expect(org.sf.stats().byStatus['503']).toBeGreaterThan(0);
    const stats = org.sf.stats().byEndpoint;
    expect(stats['POST /jobs/ingest']).toBeGreaterThanOrEqual(1);
    expect(stats['GET /jobs/ingest/:id/failedResults']).toBeGreaterThanOrEqual(1);
    org.sf.setSwitches({ lockFailureRate: 0 });
    const after = await pullSnapshot(connector, RANGE);
    expect((await connector.writeBack(plan, after.current)).calls).toBe(0);
  });
});
