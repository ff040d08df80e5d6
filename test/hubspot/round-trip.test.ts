// Protects the HubSpot mapping end to end: an org loaded into the sandbox and pulled back through
// the real @hubspot/api-client equals the original in everything HubSpot can hold, after exactly
// the documented normalizations (participation rule, date-only time, rate precision) and the id map.
import { Decimal } from 'decimal.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  activityInstant,
  activityOwner,
  callStatus,
  contactParticipants,
  meetingAttendeeUserIds,
  meetingOutcome,
  readParticipation,
} from '../../connectors/hubspot/mappers/participation.js';
import { toConversionRate, toRate } from '../../connectors/hubspot/mappers/to-rate.js';
import type { HubSpotSandbox, SandboxIdMap } from '../../connectors/hubspot/sandbox/server.js';
import { type Participant, parseSnapshot, type Snapshot } from '../../src/domain/snapshot.js';
import { generateOrg } from '../../src/generator/index.js';
import { connectorFor, pullEverything, sandboxWith } from './harness.js';
import { smallOrg } from './small-org.js';

const byId = <T extends { id: string }>(xs: T[]) => [...xs].sort((a, b) => (a.id < b.id ? -1 : 1));
const participantKey = (p: Participant) =>
  `${p.role}|${p.userId ?? ''}|${p.contactId ?? ''}|${p.email ?? ''}`;

/** The original snapshot as HubSpot can hold it, in HubSpot ids: what a pull must give back. */
function expected(s: Snapshot, ids: SandboxIdMap): Snapshot {
  const user = (id: string) => ids.users[id]!;
  return {
    ...s,
    managerHistory: [],
    users: byId(
      s.users.map((u) => ({
        ...u,
        id: user(u.id),
        managerId: u.managerId === null ? null : user(u.managerId),
      })),
    ),
    deals: byId(
      s.deals.map((d) => ({
        ...d,
        id: ids.deals[d.id]!,
        ownerId: user(d.ownerId),
        accountId: d.accountId === null ? null : ids.accounts[d.accountId]!,
        splits: d.splits.map((sp) => ({
          userId: user(sp.userId),
          percent: new Decimal(sp.percent).toFixed(),
        })),
      })),
    ),
    activities: byId(
      s.activities.map((a) => {
        const owner = activityOwner(a);
        const { canceled, participants } = readParticipation({
          kind: a.kind,
          outcome:
            a.kind === 'meeting' ? meetingOutcome(a, s.internalDomains) : callStatus(a, s.internalDomains),
          ownerId: owner === null ? null : user(owner),
          attendeeOwnerIds: a.kind === 'meeting' ? meetingAttendeeUserIds(a).map(user) : [],
          contacts: contactParticipants(a).map((p) => ({
            id: ids.contacts[p.contactId ?? p.email!.toLowerCase()]!,
            email: p.email ?? null,
          })),
          internalDomains: s.internalDomains,
        });
        return {
          ...a,
          id: ids.activities[a.id]!,
          dealIds: a.dealIds.map((d) => ids.deals[d]!).sort(),
          accountId: a.accountId === null ? null : ids.accounts[a.accountId]!,
          start: new Date(activityInstant(a, s.timezone)).toISOString(),
          date: null,
          canceled,
          participants: [...participants].sort((x, y) => (participantKey(x) < participantKey(y) ? -1 : 1)),
        };
      }),
    ),
    quotas: s.quotas.map((q) => ({ ...q, managerId: user(q.managerId) })),
    rates: s.rates
      .map((r) =>
        toRate({
          fromCurrencyCode: r.currency,
          conversionRate: toConversionRate(r.rate),
          effectiveAt: r.from,
        }),
      )
      .sort((a, b) => (a.currency + a.from < b.currency + b.from ? -1 : 1)),
  };
}

function comparable(s: Snapshot): Snapshot {
  return {
    ...s,
    users: byId(s.users),
    deals: byId(s.deals).map((d) => ({
      ...d,
      splits: d.splits.map((sp) => ({ ...sp, percent: new Decimal(sp.percent).toFixed() })),
    })),
    activities: byId(s.activities).map((a) => ({
      ...a,
      participants: [...a.participants].sort((x, y) => (participantKey(x) < participantKey(y) ? -1 : 1)),
    })),
    quotas: [...s.quotas].sort((a, b) => (a.managerId + a.period < b.managerId + b.period ? -1 : 1)),
  };
}

describe('HubSpot round trip of the small org', () => {
  let sb: HubSpotSandbox;
  const original = parseSnapshot(smallOrg());

  beforeAll(async () => {
    sb = await sandboxWith(smallOrg());
  });
  afterAll(async () => {
    await sb.close();
  });

  it('pulls back what was loaded, in small pages too', async () => {
    const pulled = await pullEverything(connectorFor(sb), { pageSize: 2 });
    expect([pulled.users.length, pulled.deals.length, pulled.activities.length]).toEqual([5, 3, 7]);
    expect([pulled.quotas.length, pulled.rates.length]).toEqual([2, 2]);
    expect(comparable(pulled)).toEqual(comparable(expected(original, sb.idMap)));
  });

  it('pulls deals by id (leaving out ids that name none), resolves activities to deals, reports API usage', async () => {
    const connector = connectorFor(sb);
    const d1 = sb.idMap.deals['D1']!;
    const d2 = sb.idMap.deals['D2']!;
    const batch = await connector.pullDeals([d1, '99999999'], { splits: true, accountActivities: false });
    expect(batch.deals.map((d) => d.id)).toEqual([d1]);
    expect(batch.activities.map((a) => a.id).sort()).toEqual(
      ['E1', 'E2', 'C2'].map((a) => sb.idMap.activities[a]!).sort(),
    );
    const resolved = await connector.resolveDealIds([
      { objectType: 'call', id: sb.idMap.activities['C2']!, occurredAt: null },
      { objectType: 'meeting', id: sb.idMap.activities['E3']!, occurredAt: null },
      { objectType: 'deal', id: d1, occurredAt: null },
    ]);
    expect(resolved).toEqual([d1, d2].sort());
    expect(await connector.apiUsage()).toMatchObject({ limit: 650_000 });
  });

  it('takes managers from the owner mapping before the team mapping', async () => {
    const rita = sb.idMap.users['R1']!;
    const moe = sb.idMap.users['M0']!;
    const org = await connectorFor(sb, {
      managerMapping: { owners: { [rita]: moe }, teams: sb.idMap.teams },
    }).pullOrg();
    const byUser = new Map(org.users.map((u) => [u.id, u.managerId]));
    expect(byUser.get(rita)).toBe(moe);
    expect(byUser.get(sb.idMap.users['R2']!)).toBe(sb.idMap.users['M1']);
    expect(byUser.get(moe)).toBeNull();
  });
});

describe('HubSpot round trip of a generated org', () => {
  it('pulls back a 300-deal org equal in everything HubSpot can hold', async () => {
    const original = generateOrg({ deals: 300, seed: 11 });
    const sb = await sandboxWith(original);
    try {
      const connector = connectorFor(sb, {
        fiscalYearStartMonth: original.fiscalYearStartMonth,
        internalDomains: original.internalDomains,
      });
      const pulled = await pullEverything(connector, { pageSize: 120, tenant: original.tenant });
      const want = expected(original, sb.idMap);
      expect(pulled.deals).toHaveLength(original.deals.length);
      expect(comparable(pulled)).toEqual(comparable(want));
    } finally {
      await sb.close();
    }
  });
});
