// Protects HubSpot write-back and install: the DESIGN.md properties land on deals and attainment
// records, a repeat makes no writing call, 207 input errors are retried or reported (never
// dropped), and installing twice changes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HubSpotSandbox } from '../../connectors/hubspot/sandbox/server.js';
import type { WriteBackPlan } from '../../src/domain/write-back.js';
import { connectorFor, sandboxWith } from './harness.js';
import { smallOrg } from './small-org.js';

const NO_SPLITS = { splits: false, accountActivities: false };

function writingCalls(sb: HubSpotSandbox): number {
  return Object.entries(sb.stats().byEndpoint)
    .filter(([endpoint]) => !endpoint.startsWith('GET ') && !/\/(search|batch\/read)$/.test(endpoint))
    .reduce((n, [, c]) => n + c, 0);
}

describe('HubSpot install', () => {
  it('creates the group, the deal properties and the custom object once; a second run changes nothing', async () => {
    const sb = await sandboxWith(null);
    try {
      const connector = connectorFor(sb);
      const first = await connector.install();
      expect(first.created).toEqual([
        'deal property group playercoach',
        'deal property pc_manager_involved',
        'deal property pc_credited_manager',
        'deal property pc_manager_credit',
        'deal property pc_credit_reason',
        'deal property pc_evaluated_at',
        'custom object pc_manager_attainment',
      ]);
      sb.resetStats();
      const second = await connector.install();
      expect(second.created).toEqual([]);
      expect(second.updated).toEqual([]);
      expect(second.skipped).toEqual([]);
      expect(second.existing).toHaveLength(7);
      expect(writingCalls(sb)).toBe(0);
    } finally {
      await sb.close();
    }
  });

  it('repairs a drifted property and says the custom object was skipped where the portal has none', async () => {
    const sb = await sandboxWith(null, { customObjects: false });
    try {
      const connector = connectorFor(sb);
      await connector.install();
      sb.store.properties('deals').get('pc_credit_reason')!.label = 'Changed by an admin';
      const again = await connector.install();
      expect(again.updated).toEqual(['deal property pc_credit_reason']);
      expect(again.skipped).toEqual([
        'custom object pc_manager_attainment: the portal does not allow custom objects (HubSpot Enterprise); attainment records are not written',
      ]);
    } finally {
      await sb.close();
    }
  });
});

describe('HubSpot write-back', () => {
  let sb: HubSpotSandbox;
  let plan: WriteBackPlan;
  const id = (snapshotId: string) => sb.idMap.deals[snapshotId]!;
  const owner = (snapshotId: string) => sb.idMap.users[snapshotId]!;

  beforeAll(async () => {
    sb = await sandboxWith(smallOrg());
    await connectorFor(sb).install();
    plan = {
      evaluatedAt: '2026-04-01T08:00:00.000Z',
      deals: [
        {
          dealId: id('D1'),
          involved: true,
          creditedManagerId: owner('M1'),
          credit: '12000.50',
          reason: 'Mia Manager attended meeting E1 on 2026-03-10 with buyer@globex.com',
        },
        {
          dealId: id('D2'),
          involved: false,
          creditedManagerId: null,
          credit: '0.00',
          reason: 'no counting activity',
        },
      ],
      attainment: [
        {
          key: `${owner('M1')}:FY2026-Q1`,
          managerId: owner('M1'),
          period: 'FY2026-Q1',
          quota: '250000.00',
          credited: '13044.02',
          attainment: '0.0522',
          assistedDeals: 1,
          teamWonDeals: 2,
          teamWonAmount: '18044.02',
        },
        {
          key: `${owner('M1')}:FY2026-Q2`,
          managerId: owner('M1'),
          period: 'FY2026-Q2',
          quota: null,
          credited: '0.00',
          attainment: null,
          assistedDeals: 0,
          teamWonDeals: 0,
          teamWonAmount: '0.00',
        },
      ],
      users: [{ userId: owner('M1'), currentAttainment: '0.0522', currentCredited: '13044.02' }],
    };
  });
  afterAll(async () => {
    await sb.close();
  });

  async function currentState(connector = connectorFor(sb)) {
    const org = await connector.pullOrg();
    const batch = await connector.pullDeals([id('D1'), id('D2'), id('D3')], NO_SPLITS);
    return { deals: batch.current, attainment: org.current.attainment, users: org.current.users };
  }

  it('lands the pc_ properties and attainment records, then a repeat makes no writing call', async () => {
    const connector = connectorFor(sb);
    const report = await connector.writeBack(plan, await currentState(connector));
    expect(report.failures).toEqual([]);
    expect(report.written).toEqual({ deals: 2, attainment: 2, users: 0 });

    const d1 = sb.store.get('deals', id('D1'))!.properties;
    expect(d1).toMatchObject({
      pc_manager_involved: 'true',
      pc_credited_manager: owner('M1'),
      pc_manager_credit: '12000.50',
      pc_credit_reason: 'Mia Manager attended meeting E1 on 2026-03-10 with buyer@globex.com',
      pc_evaluated_at: '2026-04-01T08:00:00.000Z',
    });
    expect(sb.store.get('deals', id('D2'))!.properties).toMatchObject({
      pc_manager_involved: 'false',
      pc_manager_credit: '0.00',
    });
    const type = [...sb.store.schemas.values()][0]!.objectTypeId;
    const records = [...sb.store.all(type).values()].map((r) => r.properties);
    // The admin-entered quota record of M1/Q1 was updated in place, not duplicated.
    expect(records.filter((p) => p['pc_key'] === `${owner('M1')}:FY2026-Q1`)).toEqual([
      expect.objectContaining({
        pc_quota: '250000.00',
        pc_credited: '13044.02',
        pc_attainment: '0.0522',
        pc_team_won_deals: '2',
      }),
    ]);
    expect(records).toHaveLength(3);

    const again = await currentState(connector);
    sb.resetStats();
    const repeat = await connector.writeBack({ ...plan, evaluatedAt: '2026-04-02T08:00:00.000Z' }, again);
    expect(repeat.calls).toBe(0);
    expect(repeat.written).toEqual({ deals: 0, attainment: 0, users: 0 });
    expect(repeat.unchanged).toEqual({ deals: 2, attainment: 2, users: 0 });
    expect(writingCalls(sb)).toBe(0);
  });

  it('writes only the properties that changed, with pc_evaluated_at', async () => {
    const connector = connectorFor(sb);
    const before = { ...sb.store.get('deals', id('D1'))!.properties };
    const changed: WriteBackPlan = {
      ...plan,
      evaluatedAt: '2026-04-03T08:00:00.000Z',
      deals: [{ ...plan.deals[0]!, reason: 'a new reason' }, plan.deals[1]!],
    };
    const report = await connector.writeBack(changed, await currentState(connector));
    expect(report.written.deals).toBe(1);
    const after = sb.store.get('deals', id('D1'))!.properties;
    expect(after['pc_credit_reason']).toBe('a new reason');
    expect(after['pc_evaluated_at']).toBe('2026-04-03T08:00:00.000Z');
    expect(after['pc_manager_credit']).toBe(before['pc_manager_credit']);
  });

  it('retries inputs a 207 calls temporary and reports those it refuses, dropping none', async () => {
    const connector = connectorFor(sb);
    sb.store.archive('deals', id('D3'));
    const state = await currentState(connector);
    sb.setSwitches({ batchInputErrorRate: 0.5, seed: 7 });
    sb.resetStats();
    try {
      const report = await connector.writeBack(
        {
          ...plan,
          evaluatedAt: '2026-04-04T08:00:00.000Z',
          deals: [
            { ...plan.deals[0]!, credit: '1.00' },
            { ...plan.deals[1]!, reason: 'retried' },
            { dealId: id('D3'), involved: false, creditedManagerId: null, credit: '0.00', reason: 'gone' },
          ],
          attainment: [],
        },
        state,
      );
      // The seeded sequence failed inputs in the first call, so some went round again.
      expect(sb.stats().byEndpoint['POST /crm/v3/objects/deals/batch/update']).toBeGreaterThan(1);
      expect(report.written.deals).toBe(2);
      expect(report.failures).toEqual([
        expect.objectContaining({
          objectType: 'deal',
          recordId: id('D3'),
          code: 'OBJECT_NOT_FOUND',
          retryable: false,
        }),
      ]);
      expect(sb.store.get('deals', id('D1'))!.properties['pc_manager_credit']).toBe('1.00');
      expect(sb.store.get('deals', id('D2'))!.properties['pc_credit_reason']).toBe('retried');
    } finally {
      sb.setSwitches({ batchInputErrorRate: 0 });
    }
  });
});
