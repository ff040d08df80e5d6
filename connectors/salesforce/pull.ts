/**
 * Query planning for pulls. Every query is built with `soql`; id lists are split into IN-batches
 * that keep each statement under SOQL's 100,000 characters, and the batches travel in /composite
 * calls (5 queries each), so the activities of a 2,000-deal page cost one or two calls.
 *
 * - Backfill pages are keyset pages on (CloseDate, Id) of closed opportunities: one opportunity
 *   query per page plus the activity queries for its ids.
 * - Incremental pulls follow four keyset cursors on (SystemModstamp, Id): opportunities that are
 *   won or were evaluated before (so a deal that stops being won is seen), events, call tasks and
 *   event relations (a manager accepting an invitation changes only the relation). A timestamp
 *   alone would skip or repeat records that share one, and Salesforce stamps whole seconds.
 * https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_select.htm
 */

import type { Activity, Deal } from '../../src/domain/snapshot.js';
import type { DealFields } from '../../src/domain/write-back.js';
import { InputError } from '../../src/errors.js';
import type { PullOptions } from '../types.js';
import type { SalesforceApi } from './connection.js';
import { ATTAINMENT_OBJECT, OPP, USR } from './custom-fields.js';
import { addEmails, isPersonId, toCall, toMeeting } from './mappers/activity.js';
import { currentDealFields, toDeal } from './mappers/deal.js';
import type { SfEvent, SfOpportunity, SfTask } from './mappers/records.js';
import {
  inBatches,
  type SoqlFragment,
  soql,
  soqlDate,
  soqlDateTime,
  soqlFields,
  soqlFragment,
} from './soql.js';

/** What this org has, learned once per connector from describe: not every org has currencies, splits or our fields. */
export interface OrgShape {
  multiCurrency: boolean;
  datedRates: boolean;
  splits: boolean;
  /** playercoach's fields on Opportunity are there and readable (install has run). */
  opportunityFields: boolean;
  userFields: boolean;
  attainmentObject: boolean;
}

interface Describe {
  fields: { name: string }[];
  childRelationships: { relationshipName: string | null }[];
}

export async function probeOrg(api: SalesforceApi): Promise<OrgShape> {
  const [global, opportunity, user] = await api.composite<unknown>([
    `/services/data/v${api.conn.version}/sobjects`,
    `/services/data/v${api.conn.version}/sobjects/Opportunity/describe`,
    `/services/data/v${api.conn.version}/sobjects/User/describe`,
  ]);
  const objects = new Set(((global as { sobjects: { name: string }[] }).sobjects ?? []).map((s) => s.name));
  const oppFields = new Set((opportunity as Describe).fields.map((f) => f.name));
  const userFields = new Set((user as Describe).fields.map((f) => f.name));
  return {
    multiCurrency: oppFields.has('CurrencyIsoCode'),
    datedRates: objects.has('DatedConversionRate'),
    splits: (opportunity as Describe).childRelationships.some(
      (c) => c.relationshipName === 'OpportunitySplits',
    ),
    opportunityFields: Object.values(OPP).every((f) => oppFields.has(f)),
    userFields: Object.values(USR).every((f) => userFields.has(f)),
    attainmentObject: objects.has(ATTAINMENT_OBJECT),
  };
}

// What toDeal and currentDealFields read, and no more: every field is bytes in every record of
// every page, which the worker parses and the API sends.
const OPP_FIELDS = ['Id', 'Name', 'AccountId', 'OwnerId', 'IsWon', 'CloseDate', 'Amount'];

/**
 * The opportunity SELECT. `stamped` adds SystemModstamp, which only the incremental cursor reads.
 */
export function opportunitySelect(shape: OrgShape, splits: boolean, stamped = false): SoqlFragment {
  const fields = [
    ...OPP_FIELDS,
    ...(stamped ? ['SystemModstamp'] : []),
    ...(shape.multiCurrency ? ['CurrencyIsoCode'] : []),
    ...(shape.opportunityFields ? Object.values(OPP) : []),
  ];
  return splits && shape.splits
    ? soqlFragment`SELECT ${soqlFields(fields)}, (SELECT SplitOwnerId, SplitPercentage FROM OpportunitySplits ORDER BY Id) FROM Opportunity`
    : soqlFragment`SELECT ${soqlFields(fields)} FROM Opportunity`;
}

// The relation rows of the What (the deal itself, IsWhat) say nothing the mappers use and are a
// fifth of an event's relations and half of a call's: the subqueries leave them out, and so need
// not select IsWhat either (it would be false on every row). AccountId is read only with the
// account activities policy, the only time the engine looks at an activity's account.
const eventSelect = (account: boolean) =>
  soqlFragment`SELECT ${soqlFields(['Id', 'WhatId', ...(account ? ['AccountId'] : []), 'OwnerId', 'StartDateTime', 'ActivityDate', 'IsAllDayEvent'])}, (SELECT RelationId, IsInvitee, IsParent, Status FROM EventRelations WHERE IsWhat = false ORDER BY Id) FROM Event`;
const taskSelect = (account: boolean) =>
  soqlFragment`SELECT ${soqlFields(['Id', 'WhatId', ...(account ? ['AccountId'] : []), 'OwnerId', 'ActivityDate', 'CreatedDate', 'Status', 'CallDisposition'])}, (SELECT RelationId FROM TaskRelations WHERE IsWhat = false ORDER BY Id) FROM Task`;

export function opportunitiesByIds(shape: OrgShape, splits: boolean, ids: readonly string[]): string[] {
  const select = opportunitySelect(shape, splits);
  return inBatches(ids, (chunk) => soql`${select} WHERE Id IN ${chunk} ORDER BY Id`);
}

/** Rows a query page holds; IN-batches aim a little below it so most batches come back in one page. */
const ROWS_PER_PAGE = 2000;
const TARGET_ROWS = 1900;

/**
 * How many events and call tasks a What has on average in this org, learned from the pages read
 * so far, so activity IN-batches can be sized to come back in one page each.
 */
export class ActivityDensity {
  events = 3;
  tasks = 2;

  batchSize(kind: 'events' | 'tasks'): number {
    return Math.max(1, Math.floor(TARGET_ROWS / Math.max(0.1, this[kind])));
  }

  observe(kind: 'events' | 'tasks', whats: number, rows: number): void {
    if (whats < 50) return;
    this[kind] = 0.5 * this[kind] + 0.5 * (rows / whats);
  }
}

/** Events (not the child events of invitees) and call tasks whose What is one of `whatIds`. */
export function activityQueries(
  whatIds: readonly string[],
  density: ActivityDensity = new ActivityDensity(),
  accountActivities = true,
): { events: string[]; tasks: string[] } {
  const select = { events: eventSelect(accountActivities), tasks: taskSelect(accountActivities) };
  return {
    events: inBatches(
      whatIds,
      (chunk) => soql`${select.events} WHERE IsChild = false AND WhatId IN ${chunk} ORDER BY Id`,
      {
        maxItems: density.batchSize('events'),
      },
    ),
    tasks: inBatches(
      whatIds,
      (chunk) => soql`${select.tasks} WHERE TaskSubtype = 'Call' AND WhatId IN ${chunk} ORDER BY Id`,
      {
        maxItems: density.batchSize('tasks'),
      },
    ),
  };
}

/** What a connector keeps between pulls: activity density and the emails of people seen before. */
export class PullMemory {
  readonly density = new ActivityDensity();
  private readonly known = new Map<string, string | null>();

  /** Each person's email as last read; null for a person who has none. */
  get emails(): ReadonlyMap<string, string | null> {
    return this.known;
  }

  email(id: string): string | null | undefined {
    return this.known.get(id);
  }

  rememberEmail(id: string, email: string | null): void {
    // A bound on memory: forget everything rather than track recency; it refills in a page.
    if (this.known.size >= 500_000) this.known.clear();
    this.known.set(id, email);
  }
}

export interface DealsWithActivities {
  deals: Deal[];
  activities: Activity[];
  current: Map<string, DealFields>;
}

/**
 * Maps opportunities and fetches their activities (and their accounts' deal-less ones, when asked):
 * every deal's, or only won deals' (`activitiesOf`).
 */
export async function withActivities(
  api: SalesforceApi,
  memory: PullMemory,
  opportunities: readonly SfOpportunity[],
  corporateCurrency: string,
  options: PullOptions,
): Promise<DealsWithActivities> {
  const deals = opportunities.map((o) => toDeal(o, corporateCurrency));
  const current = new Map<string, DealFields>();
  for (const o of opportunities) {
    const fields = currentDealFields(o);
    if (fields !== null) current.set(o.Id, fields);
  }
  const dealIds = deals.map((d) => d.id);
  const asked = options.activitiesOf === 'won' ? deals.filter((d) => d.won) : deals;
  const whatIds = asked.map((d) => d.id);
  if (options.accountActivities) {
    const accounts = new Set<string>();
    for (const d of asked) if (d.accountId !== null) accounts.add(d.accountId);
    whatIds.push(...[...accounts].sort());
  }
  const { events, tasks } = activityQueries(whatIds, memory.density, options.accountActivities);
  // Rows are mapped page by page as they arrive, with the emails known so far; the contacts and
  // leads seen for the first time get theirs once every page is in (one more query), and only
  // the activities that name one of them are revisited.
  const dealSet = new Set(dealIds);
  const unknown = new Set<string>();
  const waiting: Activity[] = [];
  /** Notes the people among `relations` whose emails are not known yet; true if there are any. */
  const noteUnknown = (relations: readonly { RelationId: string }[] | undefined): boolean => {
    let any = false;
    for (const { RelationId: id } of relations ?? []) {
      if (isPersonId(id) && memory.email(id) === undefined) {
        unknown.add(id);
        any = true;
      }
    }
    return any;
  };
  const rows = { events: 0, tasks: 0 };
  const mapped = await api.queryMapped<SfEvent | SfTask, Activity>(
    [...events, ...tasks],
    (records, query) => {
      if (query < events.length) {
        rows.events += records.length;
        return (records as SfEvent[]).map((e) => {
          const waits = noteUnknown(e.EventRelations?.records);
          const meeting = toMeeting(e, dealSet, memory.emails);
          if (waits) waiting.push(meeting);
          return meeting;
        });
      }
      rows.tasks += records.length;
      return (records as SfTask[]).map((t) => {
        const waits = noteUnknown(t.TaskRelations?.records);
        const call = toCall(t, dealSet, memory.emails);
        if (waits) waiting.push(call);
        return call;
      });
    },
  );
  memory.density.observe('events', whatIds.length, rows.events);
  memory.density.observe('tasks', whatIds.length, rows.tasks);
  // concat, not flat(): V8's flat walks element by element, concat copies whole arrays.
  const activities = ([] as Activity[]).concat(...mapped);
  const found = await personEmails(api, memory, unknown);
  if (found.size > 0) for (const a of waiting) addEmails(a, found);
  return { deals, activities, current };
}

/**
 * The emails of contacts and leads not seen before: one query per batch of ids. A buying
 * committee appears on many activities and many deals, so this is far less than reading the
 * email through every relation row.
 */
async function personEmails(
  api: SalesforceApi,
  memory: PullMemory,
  ids: ReadonlySet<string>,
): Promise<Map<string, string>> {
  const emails = new Map<string, string>();
  const contacts: string[] = [];
  const leads: string[] = [];
  for (const id of ids) (id.startsWith('00Q') ? leads : contacts).push(id);
  const queries = [
    ...inBatches(contacts.sort(), (chunk) => soql`SELECT Id, Email FROM Contact WHERE Id IN ${chunk}`, {
      maxItems: ROWS_PER_PAGE,
    }),
    ...inBatches(leads.sort(), (chunk) => soql`SELECT Id, Email FROM Lead WHERE Id IN ${chunk}`, {
      maxItems: ROWS_PER_PAGE,
    }),
  ];
  if (queries.length === 0) return emails;
  for (const rows of await api.queryAll<{ Id: string; Email: string | null }>(queries)) {
    for (const r of rows) {
      const email = r.Email === '' ? null : r.Email;
      memory.rememberEmail(r.Id, email);
      if (email !== null) emails.set(r.Id, email);
    }
  }
  return emails;
}

// --- backfill pages ------------------------------------------------------------------------------

interface PageToken {
  closeDate: string;
  id: string;
}

/** The deals a backfill pages through; `closedBetweenCountQuery` counts the same ones. */
function closedBetween(range: { from: string; to: string }): SoqlFragment {
  return soqlFragment`IsClosed = true AND CloseDate >= ${soqlDate(range.from)} AND CloseDate <= ${soqlDate(range.to)}`;
}

export function closedBetweenQuery(
  shape: OrgShape,
  splits: boolean,
  range: { from: string; to: string },
  after: PageToken | null,
  pageSize: number,
): string {
  const select = opportunitySelect(shape, splits);
  const keyset =
    after === null
      ? soqlFragment``
      : soqlFragment` AND (CloseDate > ${soqlDate(after.closeDate)} OR (CloseDate = ${soqlDate(after.closeDate)} AND Id > ${after.id}))`;
  return soql`${select} WHERE ${closedBetween(range)}${keyset} ORDER BY CloseDate, Id LIMIT ${pageSize}`;
}

/** https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_select_count.htm */
export function closedBetweenCountQuery(range: { from: string; to: string }): string {
  return soql`SELECT COUNT() FROM Opportunity WHERE ${closedBetween(range)}`;
}

export function encodePageToken(token: PageToken): string {
  return Buffer.from(JSON.stringify([token.closeDate, token.id])).toString('base64url');
}

export function decodePageToken(page: string): PageToken {
  try {
    const [closeDate, id] = JSON.parse(Buffer.from(page, 'base64url').toString('utf8')) as unknown[];
    if (
      typeof closeDate === 'string' &&
      /^\d{4}-\d{2}-\d{2}$/.test(closeDate) &&
      typeof id === 'string' &&
      id !== ''
    ) {
      return { closeDate, id };
    }
  } catch {
    // fall through to the error below
  }
  throw new InputError(`not a Salesforce page token: ${JSON.stringify(page)}`);
}

// --- incremental cursors --------------------------------------------------------------------------

/** [SystemModstamp as Salesforce wrote it, Id]; Id '' means "from this instant on". */
export type Position = [stamp: string, id: string];

export interface ChangeCursor {
  opportunities: Position;
  events: Position;
  tasks: Position;
  relations: Position;
}

export function startCursor(sinceMs: number): ChangeCursor {
  const start: Position = [new Date(sinceMs).toISOString(), ''];
  return { opportunities: start, events: start, tasks: start, relations: start };
}

export function encodeCursor(c: ChangeCursor): string {
  return Buffer.from(
    JSON.stringify({ v: 1, o: c.opportunities, e: c.events, t: c.tasks, r: c.relations }),
  ).toString('base64url');
}

export function decodeCursor(cursor: string): ChangeCursor {
  try {
    const raw = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
    const pos = (v: unknown): Position => {
      if (Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && typeof v[1] === 'string') {
        soqlDateTime(v[0]);
        return [v[0], v[1]];
      }
      throw new Error('bad position');
    };
    if (raw['v'] === 1)
      return {
        opportunities: pos(raw['o']),
        events: pos(raw['e']),
        tasks: pos(raw['t']),
        relations: pos(raw['r']),
      };
  } catch {
    // fall through to the error below
  }
  throw new InputError(`not a Salesforce change cursor: ${JSON.stringify(cursor)}`);
}

function after(p: Position): SoqlFragment {
  const stamp = soqlDateTime(p[0]);
  return soqlFragment`(SystemModstamp > ${stamp} OR (SystemModstamp = ${stamp} AND Id > ${p[1]}))`;
}

export function changeQueries(shape: OrgShape, splits: boolean, c: ChangeCursor, limit: number) {
  const select = opportunitySelect(shape, splits, true);
  const watched = shape.opportunityFields
    ? soqlFragment`(IsWon = true OR ${soqlFields([OPP.evaluatedAt])} != null)`
    : soqlFragment`IsWon = true`;
  return {
    opportunities: soql`${select} WHERE ${after(c.opportunities)} AND ${watched} ORDER BY SystemModstamp, Id LIMIT ${limit}`,
    events: soql`SELECT Id, WhatId, What.Type, SystemModstamp FROM Event WHERE ${after(c.events)} AND IsChild = false ORDER BY SystemModstamp, Id LIMIT ${limit}`,
    tasks: soql`SELECT Id, WhatId, What.Type, SystemModstamp FROM Task WHERE ${after(c.tasks)} AND TaskSubtype = 'Call' ORDER BY SystemModstamp, Id LIMIT ${limit}`,
    relations: soql`SELECT Id, EventId, Event.WhatId, Event.What.Type, SystemModstamp FROM EventRelation WHERE ${after(c.relations)} ORDER BY SystemModstamp, Id LIMIT ${limit}`,
  };
}
