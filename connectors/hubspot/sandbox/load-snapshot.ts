/**
 * Snapshot → sandbox portal, by the mapping the connector reads back (README.md "Mapping"):
 * - users → owners; one team per manager holding that manager's direct reports (their primary
 *   team), so a team → manager mapping reproduces `managerId`; inactive users → archived owners.
 * - accounts → companies; external participants (no userId) → contacts, one per contactId or email.
 * - deals → the "default" pipeline, stage `closedwon` (isClosed, probability 1.0) or `closedlost`;
 *   `closedate` at midnight UTC; `deal_currency_code`; a company association; deal splits.
 * - meetings and calls → participation written by mappers/participation.ts; associated with
 *   their deals, their company and their contacts.
 * - quotas → pc_manager_attainment records (schema created as `playercoach install` would), where
 *   the portal allows custom objects; rates → exchange rates (conversionRate = 1 / rate).
 * Returns the id map (snapshot id → HubSpot id per object type, and back).
 */
import { Decimal } from 'decimal.js';
import type { Snapshot } from '../../../src/domain/snapshot.js';
import {
  activityInstant,
  activityOwner,
  callStatus,
  contactParticipants,
  meetingAttendeeUserIds,
  meetingOutcome,
} from '../mappers/participation.js';
import { toConversionRate } from '../mappers/to-rate.js';
import { splitName } from '../mappers/to-user.js';
import { attainmentSchemaEgg, PC_ATTAINMENT_OBJECT_NAME } from '../pc-properties.js';
import type { Pipeline, PortalStore } from './portal-store.js';

export interface SandboxIdMap {
  /** Snapshot user id → owner id. */
  users: Record<string, string>;
  deals: Record<string, string>;
  activities: Record<string, string>;
  /** Snapshot accountId → company id. */
  accounts: Record<string, string>;
  /** Snapshot contactId, or lower-cased email, → contact id. */
  contacts: Record<string, string>;
  /** Team id → the owner id of the manager whose reports it holds (a ready-made team mapping). */
  teams: Record<string, string>;
  /** HubSpot id → snapshot id. */
  back: {
    owners: Record<string, string>;
    deals: Record<string, string>;
    activities: Record<string, string>;
    companies: Record<string, string>;
  };
  /** What the portal could not take (quotas without custom objects). */
  skipped: string[];
}

export const DEAL_PIPELINE_ID = 'default';
export const WON_STAGE = 'closedwon';
export const LOST_STAGE = 'closedlost';

export function emptyIdMap(): SandboxIdMap {
  return {
    users: {},
    deals: {},
    activities: {},
    accounts: {},
    contacts: {},
    teams: {},
    back: { owners: {}, deals: {}, activities: {}, companies: {} },
    skipped: [],
  };
}

export function defaultDealPipeline(stamp: string): Pipeline {
  const stage = (id: string, label: string, order: number, isClosed: boolean, probability: string) => ({
    id,
    label,
    displayOrder: order,
    metadata: { isClosed: String(isClosed), probability },
    createdAt: stamp,
    updatedAt: stamp,
    archived: false,
  });
  return {
    id: DEAL_PIPELINE_ID,
    label: 'Sales Pipeline',
    displayOrder: 0,
    stages: [
      stage('appointmentscheduled', 'Appointment Scheduled', 0, false, '0.2'),
      stage('qualifiedtobuy', 'Qualified To Buy', 1, false, '0.4'),
      stage('contractsent', 'Contract Sent', 2, false, '0.8'),
      stage(WON_STAGE, 'Closed Won', 3, true, '1.0'),
      stage(LOST_STAGE, 'Closed Lost', 4, true, '0.0'),
    ],
    createdAt: stamp,
    updatedAt: stamp,
    archived: false,
  };
}

export function loadSnapshot(store: PortalStore, s: Snapshot): SandboxIdMap {
  const ids = emptyIdMap();
  const at = store.now();
  const stamp = new Date(at).toISOString();
  const opts = { silent: true, at };
  store.timeZone = s.timezone;
  store.companyCurrency = s.corporateCurrency;

  // Owners and teams.
  const reportsOf = new Map<string, string[]>();
  for (const u of s.users) {
    if (u.managerId !== null) reportsOf.set(u.managerId, [...(reportsOf.get(u.managerId) ?? []), u.id]);
  }
  let userId = 5_000_001;
  for (const u of s.users) {
    const id = store.newId();
    ids.users[u.id] = id;
    ids.back.owners[id] = u.id;
    store.owners.push({
      id,
      userId: userId++,
      email: u.email,
      ...splitName(u.name),
      archived: !u.active,
      teams: [],
      createdAt: stamp,
      updatedAt: stamp,
    });
  }
  const nameOf = new Map(s.users.map((u) => [u.id, u.name]));
  for (const [managerId, reports] of reportsOf) {
    const teamId = store.newId();
    const managerOwner = ids.users[managerId]!;
    ids.teams[teamId] = managerOwner;
    for (const r of reports) {
      store
        .ownerById(ids.users[r]!)
        ?.teams.push({ id: teamId, name: `${nameOf.get(managerId)}'s team`, primary: true });
    }
  }

  store.pipelines.set('deals', [defaultDealPipeline(stamp)]);

  const company = (accountId: string | null): string | null => {
    if (accountId === null) return null;
    let id = ids.accounts[accountId];
    if (id === undefined) {
      id = store.create('companies', { name: accountId }, opts).id;
      ids.accounts[accountId] = id;
      ids.back.companies[id] = accountId;
    }
    return id;
  };

  for (const d of s.deals) {
    const owner = ids.users[d.ownerId]!;
    const deal = store.create(
      'deals',
      {
        dealname: d.name,
        amount: d.amount,
        closedate: `${d.closeDate}T00:00:00.000Z`,
        pipeline: DEAL_PIPELINE_ID,
        dealstage: d.won ? WON_STAGE : LOST_STAGE,
        hubspot_owner_id: owner,
        deal_currency_code: d.currency,
      },
      opts,
    );
    ids.deals[d.id] = deal.id;
    ids.back.deals[deal.id] = d.id;
    const companyId = company(d.accountId);
    if (companyId !== null) store.associate('deals', deal.id, 'companies', companyId, undefined, true);
    if (d.splits.length > 0) {
      store.splits.set(
        deal.id,
        d.splits.map((sp) => ({
          id: store.newId(),
          ownerId: ids.users[sp.userId]!,
          percentage: new Decimal(sp.percent).div(100).toFixed(),
          createdAt: stamp,
          updatedAt: stamp,
        })),
      );
    }
  }

  for (const a of s.activities) {
    const ownerUser = activityOwner(a);
    const owner = ownerUser === null ? '' : (ids.users[ownerUser] ?? '');
    const when = new Date(activityInstant(a, s.timezone)).toISOString();
    const type = a.kind === 'meeting' ? 'meetings' : 'calls';
    const properties: Record<string, string> =
      a.kind === 'meeting'
        ? {
            hs_meeting_title: a.id,
            hs_timestamp: when,
            hs_meeting_start_time: when,
            hs_meeting_outcome: meetingOutcome(a, s.internalDomains),
            hubspot_owner_id: owner,
            hs_attendee_owner_ids: meetingAttendeeUserIds(a)
              .map((u) => ids.users[u])
              .filter((x): x is string => x !== undefined)
              .join(';'),
          }
        : {
            hs_call_title: a.id,
            hs_timestamp: when,
            hs_call_status: callStatus(a, s.internalDomains),
            hubspot_owner_id: owner,
          };
    const record = store.create(type, properties, opts);
    ids.activities[a.id] = record.id;
    ids.back.activities[record.id] = a.id;
    for (const dealId of a.dealIds) {
      const hsDeal = ids.deals[dealId];
      if (hsDeal !== undefined) store.associate(type, record.id, 'deals', hsDeal, undefined, true);
    }
    const companyId = company(a.accountId);
    if (companyId !== null) store.associate(type, record.id, 'companies', companyId, undefined, true);
    for (const p of contactParticipants(a)) {
      const key = p.contactId ?? p.email?.toLowerCase() ?? '';
      let contactId = ids.contacts[key];
      if (contactId === undefined) {
        contactId = store.create('contacts', p.email ? { email: p.email } : {}, opts).id;
        ids.contacts[key] = contactId;
      }
      store.associate(type, record.id, 'contacts', contactId, undefined, true);
    }
  }

  if (s.quotas.length > 0) {
    if (store.customObjectsAllowed) {
      const schema =
        [...store.schemas.values()].find((x) => x.name === PC_ATTAINMENT_OBJECT_NAME) ??
        store.addSchema(attainmentSchemaEgg());
      for (const q of s.quotas) {
        const manager = ids.users[q.managerId]!;
        store.create(
          schema.objectTypeId,
          { pc_key: `${manager}:${q.period}`, pc_manager: manager, pc_period: q.period, pc_quota: q.amount },
          opts,
        );
      }
    } else {
      ids.skipped.push(`${s.quotas.length} quotas: the portal does not allow custom objects`);
    }
  }

  for (const r of s.rates) {
    store.exchangeRates.push({
      id: store.newId(),
      fromCurrencyCode: r.currency,
      toCurrencyCode: s.corporateCurrency,
      conversionRate: toConversionRate(r.rate),
      effectiveAt: `${r.from}T00:00:00.000Z`,
      visibleInUI: true,
      createdAt: stamp,
      updatedAt: stamp,
    });
  }
  return ids;
}
