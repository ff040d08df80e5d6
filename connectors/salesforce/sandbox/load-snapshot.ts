/**
 * Loads an org snapshot into the sandbox as the Salesforce records an org holding the same facts
 * would have. The rules, and what Salesforce cannot hold (README.md "Mapping"):
 *
 * - users → User (Name, Email, Username = Email, IsActive, ManagerId, UserType 'Standard').
 *   managerHistory is not loaded: Salesforce does not keep it, the service does.
 * - deals → Opportunity: won → StageName 'Closed Won' (IsClosed, IsWon), not won → 'Closed Lost';
 *   Amount and CurrencyIsoCode as given; splits → OpportunitySplit rows.
 * - accounts named by deals and activities → Account; participants with a contactId → Contact
 *   (Email, AccountId = the activity's account). An external participant with only an email
 *   becomes a new Contact (so it comes back with a contactId); one whose email is a user's
 *   becomes that user.
 * - meetings → Event: OwnerId = the organizer, WhatId = the first deal (Salesforce relates an
 *   event to one What; further dealIds are lost) or, with no deal, the account; AccountId is
 *   derived from the What. Date-only meetings become all-day events. EventRelation rows: user
 *   invitees (IsInvitee), contacts (IsInvitee and IsParent), the What (IsWhat). Status has only
 *   New/Accepted/Declined: accepted and attended → Accepted, declined and noShow → Declined,
 *   tentative and needsAction → New. Each user invitee also gets the child Event (IsChild) that
 *   Salesforce creates for them. The organizer's own status is not stored (the owner attends).
 * - calls → Task (TaskSubtype 'Call'): OwnerId = the organizer, ActivityDate = the date, or the
 *   start's date in the org's time zone (call tasks are date-only); TaskRelation rows for the
 *   contacts and the What. Attendance comes from Status and CallDisposition, one per task, taken
 *   from the first contact: attended/accepted → Completed + 'Connected', noShow → 'No Answer',
 *   declined → 'Declined', tentative/needsAction → 'Not Started'. Users other than the organizer
 *   on a call are not stored (a Task belongs to one user).
 * - An activity whose organizer is not a user gets the first user attendee as owner, else the
 *   deal's owner. Canceled activities are not loaded (Salesforce deletes canceled events).
 *   dealIds and userIds that name nothing are dropped.
 * - rates → CurrencyType (the corporate one IsCorporate, rate 1; others at their latest rate) and
 *   DatedConversionRate rows (StartDate = from, NextStartDate = the next from).
 * - quotas → PC_Manager_Attainment__c records with PC_Key__c, PC_Manager__c, PC_Period__c and
 *   PC_Quota__c, as an admin would enter them; they become visible once `install` creates the
 *   object.
 */
import { DateTime } from 'luxon';
import type { Activity, Participant, ParticipantStatus, Snapshot } from '../../../src/domain/snapshot.js';
import { attainmentKey } from '../../../src/domain/write-back.js';
import { contactName } from '../../../src/generator/index.js';
import { ATT, ATTAINMENT_OBJECT } from '../custom-fields.js';
import { storedDateTime } from './datetime.js';
import type { OrgStore, SfRecord, SfValue } from './org-store.js';

const MEETING_MINUTES = 30;

export const EVENT_STATUS: Record<ParticipantStatus, string> = {
  accepted: 'Accepted',
  attended: 'Accepted',
  declined: 'Declined',
  noShow: 'Declined',
  tentative: 'New',
  needsAction: 'New',
};

/** Task Status and CallDisposition for a call whose contact had this status. */
export function callOutcome(status: ParticipantStatus | null): {
  Status: string;
  CallDisposition: string | null;
} {
  switch (status) {
    case null:
      return { Status: 'Completed', CallDisposition: null };
    case 'noShow':
      return { Status: 'Completed', CallDisposition: 'No Answer' };
    case 'declined':
      return { Status: 'Completed', CallDisposition: 'Declined' };
    case 'tentative':
    case 'needsAction':
      return { Status: 'Not Started', CallDisposition: null };
    default:
      return { Status: 'Completed', CallDisposition: 'Connected' };
  }
}

export interface LoadOptions {
  orgId: string;
  /** SystemModstamp, CreatedDate and LastModifiedDate of every loaded record (datetime.ts form). */
  stamp: string;
}

export interface LoadSummary {
  users: number;
  opportunities: number;
  events: number;
  childEvents: number;
  tasks: number;
  skippedCanceled: number;
}

type Row = Record<string, SfValue>;

export function loadSnapshot(store: OrgStore, snapshot: Snapshot, options: LoadOptions): LoadSummary {
  const { stamp } = options;
  const audit = { CreatedDate: stamp, LastModifiedDate: stamp, SystemModstamp: stamp };
  const put = (objectName: string, row: Row): SfRecord => {
    const table = store.table(objectName);
    const rec = compact({ ...row, ...audit }) as SfRecord;
    table.put(rec);
    return rec;
  };
  const newId = (objectName: string) => store.newId(store.object(objectName)!);
  const tz = snapshot.timezone;
  const corporate = snapshot.corporateCurrency;
  const summary: LoadSummary = {
    users: 0,
    opportunities: 0,
    events: 0,
    childEvents: 0,
    tasks: 0,
    skippedCanceled: 0,
  };

  put('Organization', {
    Id: options.orgId,
    Name: snapshot.tenant,
    TimeZoneSidKey: tz,
    FiscalYearStartMonth: snapshot.fiscalYearStartMonth,
    DefaultCurrencyIsoCode: corporate,
    IsSandbox: true,
  });

  const userIds = new Set<string>();
  const userByEmail = new Map<string, string>();
  for (const u of snapshot.users) {
    const space = u.name.indexOf(' ');
    put('User', {
      Id: u.id,
      Name: u.name,
      FirstName: space > 0 ? u.name.slice(0, space) : null,
      LastName: space > 0 ? u.name.slice(space + 1) : u.name,
      Email: u.email,
      Username: u.email,
      IsActive: u.active,
      ManagerId: u.managerId,
      UserType: 'Standard',
      TimeZoneSidKey: tz,
      CurrencyIsoCode: corporate,
    });
    userIds.add(u.id);
    if (u.email !== '') userByEmail.set(u.email.toLowerCase(), u.id);
    summary.users++;
  }
  const firstUser = snapshot.users[0]?.id ?? null;

  loadCurrencies(snapshot, put, newId);

  const deals = new Map(snapshot.deals.map((d) => [d.id, d]));
  const accountOwner = new Map<string, string | null>();
  for (const d of snapshot.deals)
    if (d.accountId !== null && !accountOwner.has(d.accountId)) accountOwner.set(d.accountId, d.ownerId);
  for (const a of snapshot.activities)
    if (a.accountId !== null && !accountOwner.has(a.accountId)) accountOwner.set(a.accountId, firstUser);
  for (const [id, owner] of accountOwner)
    put('Account', { Id: id, Name: `Account ${id}`, OwnerId: owner, CurrencyIsoCode: corporate });

  for (const d of snapshot.deals) {
    const amount = Number(d.amount);
    put('Opportunity', {
      Id: d.id,
      Name: d.name,
      AccountId: d.accountId,
      OwnerId: d.ownerId,
      StageName: d.won ? 'Closed Won' : 'Closed Lost',
      IsClosed: true,
      IsWon: d.won,
      CloseDate: d.closeDate,
      Amount: amount,
      CurrencyIsoCode: d.currency,
      Probability: d.won ? 100 : 0,
      ForecastCategoryName: d.won ? 'Closed' : 'Omitted',
    });
    summary.opportunities++;
    for (const s of d.splits) {
      const percent = Number(s.percent);
      put('OpportunitySplit', {
        Id: newId('OpportunitySplit'),
        OpportunityId: d.id,
        SplitOwnerId: s.userId,
        SplitPercentage: percent,
        SplitAmount: Math.round(amount * percent) / 100,
        CurrencyIsoCode: d.currency,
      });
    }
  }

  // Contacts: those named by participants, and one per distinct external email without one.
  const contactByEmail = new Map<string, string>();
  const contactIds = new Set<string>();
  const contactFor = (p: Participant, accountId: string | null): string | null => {
    if (p.contactId !== undefined) {
      if (!contactIds.has(p.contactId)) {
        contactIds.add(p.contactId);
        put('Contact', contactRow(p.contactId, p.email ?? null, accountId));
        if (p.email !== undefined) contactByEmail.set(p.email.toLowerCase(), p.contactId);
      }
      return p.contactId;
    }
    if (p.email === undefined) return null;
    const key = p.email.toLowerCase();
    let id = contactByEmail.get(key);
    if (id === undefined) {
      id = newId('Contact');
      contactByEmail.set(key, id);
      contactIds.add(id);
      put('Contact', contactRow(id, p.email, accountId));
    }
    return id;
  };

  const dateInZone = memoize(
    (start: string) => DateTime.fromISO(start, { zone: 'utc' }).setZone(tz).toISODate()!,
  );
  // Meetings share start instants: one stored string per distinct instant.
  const stored = memoize((iso: string) => storedDateTime(Date.parse(iso)));
  for (const a of snapshot.activities) {
    if (a.canceled) {
      summary.skippedCanceled++;
      continue;
    }
    const dealId = a.dealIds.find((id) => deals.has(id)) ?? null;
    const deal = dealId === null ? undefined : deals.get(dealId);
    const whatId = dealId ?? a.accountId;
    const accountId = deal !== undefined ? deal.accountId : a.accountId;

    const people = resolveParticipants(a, userIds, userByEmail, (p) => contactFor(p, accountId));
    const owner = people.organizer ?? people.users[0]?.userId ?? deal?.ownerId ?? firstUser;
    const invitees = people.users.filter((u) => u.userId !== owner);
    const whoId = people.contacts[0]?.contactId ?? null;
    const common = { WhatId: whatId, WhoId: whoId, OwnerId: owner, AccountId: accountId };

    if (a.kind === 'meeting') {
      const timing = eventTiming(a, dateInZone, stored);
      put('Event', { Id: a.id, Subject: 'Meeting', ...common, ...timing, IsChild: false });
      summary.events++;
      for (const u of invitees) {
        put(
          'EventRelation',
          relation(newId('EventRelation'), a.id, u.userId, accountId, {
            IsInvitee: true,
            Status: EVENT_STATUS[u.status],
          }),
        );
        put('Event', {
          Id: newId('Event'),
          Subject: 'Meeting',
          ...common,
          OwnerId: u.userId,
          ...timing,
          IsChild: true,
        });
        summary.childEvents++;
      }
      for (const c of people.contacts) {
        put(
          'EventRelation',
          relation(newId('EventRelation'), a.id, c.contactId, accountId, {
            IsInvitee: true,
            IsParent: true,
            Status: EVENT_STATUS[c.status],
          }),
        );
      }
      if (whatId !== null) {
        put('EventRelation', relation(newId('EventRelation'), a.id, whatId, accountId, { IsWhat: true }));
      }
    } else {
      const outcome = callOutcome(people.contacts[0]?.status ?? null);
      put('Task', {
        Id: a.id,
        Subject: 'Call',
        ...common,
        ActivityDate: a.start !== null ? dateInZone(a.start) : a.date,
        TaskSubtype: 'Call',
        CallType: 'Outbound',
        ...outcome,
        IsClosed: outcome.Status === 'Completed',
      });
      summary.tasks++;
      for (const c of people.contacts) {
        put('TaskRelation', {
          Id: newId('TaskRelation'),
          TaskId: a.id,
          RelationId: c.contactId,
          IsWhat: false,
          AccountId: accountId,
        });
      }
      if (whatId !== null) {
        put('TaskRelation', {
          Id: newId('TaskRelation'),
          TaskId: a.id,
          RelationId: whatId,
          IsWhat: true,
          AccountId: accountId,
        });
      }
    }
  }

  for (const q of snapshot.quotas) {
    store.addPending(
      ATTAINMENT_OBJECT,
      compact({
        Id: store.newCustomId(ATTAINMENT_OBJECT),
        OwnerId: q.managerId,
        [ATT.key]: attainmentKey(q.managerId, q.period),
        [ATT.manager]: q.managerId,
        [ATT.period]: q.period,
        [ATT.quota]: Number(q.amount),
        CurrencyIsoCode: corporate,
        ...audit,
      }) as SfRecord,
    );
  }
  return summary;
}

function loadCurrencies(
  snapshot: Snapshot,
  put: (objectName: string, row: Row) => SfRecord,
  newId: (objectName: string) => string,
): void {
  const corporate = snapshot.corporateCurrency;
  const byCurrency = new Map<string, { rate: string; from: string }[]>();
  for (const r of snapshot.rates) {
    const list = byCurrency.get(r.currency) ?? [];
    list.push({ rate: r.rate, from: r.from });
    byCurrency.set(r.currency, list);
  }
  const currencies = new Set([corporate, ...byCurrency.keys(), ...snapshot.deals.map((d) => d.currency)]);
  for (const code of currencies) {
    const dated = (byCurrency.get(code) ?? []).sort((a, b) =>
      a.from < b.from ? -1 : a.from > b.from ? 1 : 0,
    );
    const latest = dated[dated.length - 1];
    put('CurrencyType', {
      Id: newId('CurrencyType'),
      IsoCode: code,
      ConversionRate: code === corporate ? 1 : latest === undefined ? 1 : Number(latest.rate),
      DecimalPlaces: 2,
      IsActive: true,
      IsCorporate: code === corporate,
    });
    dated.forEach((r, i) => {
      put('DatedConversionRate', {
        Id: newId('DatedConversionRate'),
        IsoCode: code,
        ConversionRate: Number(r.rate),
        StartDate: r.from,
        NextStartDate: dated[i + 1]?.from ?? '9999-12-31',
      });
    });
  }
}

interface People {
  organizer: string | null;
  users: { userId: string; status: ParticipantStatus }[];
  contacts: { contactId: string; status: ParticipantStatus }[];
}

function resolveParticipants(
  a: Activity,
  userIds: Set<string>,
  userByEmail: Map<string, string>,
  contactFor: (p: Participant) => string | null,
): People {
  const people: People = { organizer: null, users: [], contacts: [] };
  const seen = new Set<string>();
  for (const p of a.participants) {
    let userId = p.userId;
    if (userId === undefined && p.contactId === undefined && p.email !== undefined && p.external !== true) {
      userId = userByEmail.get(p.email.toLowerCase());
    }
    if (userId !== undefined) {
      if (!userIds.has(userId) || seen.has(userId)) continue;
      seen.add(userId);
      if (p.role === 'organizer' && people.organizer === null) people.organizer = userId;
      else people.users.push({ userId, status: p.status });
      continue;
    }
    const contactId = contactFor(p);
    if (contactId === null || seen.has(contactId)) continue;
    seen.add(contactId);
    people.contacts.push({ contactId, status: p.status });
  }
  return people;
}

function eventTiming(
  a: Activity,
  dateInZone: (start: string) => string,
  stored: (iso: string) => string,
): Row {
  if (a.start !== null) {
    const start = stored(a.start);
    const ms = Date.parse(start);
    return {
      StartDateTime: start,
      EndDateTime: storedDateTime(ms + MEETING_MINUTES * 60_000),
      ActivityDateTime: start,
      ActivityDate: dateInZone(a.start),
      DurationInMinutes: MEETING_MINUTES,
      IsAllDayEvent: false,
    };
  }
  const midnight = stored(`${a.date}T00:00:00Z`);
  return {
    StartDateTime: midnight,
    EndDateTime: storedDateTime(Date.parse(midnight) + 86_400_000),
    ActivityDateTime: midnight,
    ActivityDate: a.date,
    DurationInMinutes: 1440,
    IsAllDayEvent: true,
  };
}

function relation(
  id: string,
  eventId: string,
  relationId: string,
  accountId: string | null,
  flags: Row,
): Row {
  return {
    Id: id,
    EventId: eventId,
    RelationId: relationId,
    IsInvitee: false,
    IsParent: false,
    IsWhat: false,
    AccountId: accountId,
    ...flags,
  };
}

function contactRow(id: string, email: string | null, accountId: string | null): Row {
  const { firstName, lastName } = email === null ? { firstName: '', lastName: id } : contactName(email);
  const last = lastName === '' ? (email ?? id) : lastName;
  return {
    Id: id,
    FirstName: firstName === '' ? null : firstName,
    LastName: last,
    Name: firstName === '' ? last : `${firstName} ${last}`,
    Email: email,
    AccountId: accountId,
  };
}

/** Drops null fields: an absent field reads as null, and 2 million records are lighter without them. */
function compact(row: Row): Row {
  const out: Row = {};
  for (const key of Object.keys(row)) {
    const v = row[key];
    if (v !== null && v !== undefined) out[key] = v;
  }
  return out;
}

function memoize(fn: (key: string) => string): (key: string) => string {
  const cache = new Map<string, string>();
  return (key) => {
    let v = cache.get(key);
    if (v === undefined) {
      v = fn(key);
      cache.set(key, v);
    }
    return v;
  };
}
