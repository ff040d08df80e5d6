/**
 * The Salesforce CrmConnector, built on jsforce 3 (API version pinned in api-version.ts).
 *
 * One connector instance holds one Connection and learns the org's shape once (multi-currency,
 * splits, whether install has run) with a single composite describe. Pulls map records into the
 * org snapshot (mappers/), write-back sends only what changed (write-back.ts), install creates
 * the schema (install.ts). On 401 the connection refreshes its token once for all calls in
 * flight and hands the new token to `onTokens`.
 */
import type {
  ApiUsage,
  ChangedDeals,
  ChangeEvent,
  CrmConnector,
  DealBatch,
  DealPage,
  InstallReport,
  OrgData,
  PullOptions,
  WriteBackReport,
} from '../../connectors/types.js';
import type { Quota } from '../../src/domain/snapshot.js';
import type {
  AttainmentFields,
  CrmFieldState,
  UserFields,
  WriteBackPlan,
} from '../../src/domain/write-back.js';
import { InputError } from '../../src/errors.js';
import type { Logger } from '../../src/logger.js';
import { SALESFORCE_API_VERSION } from './api-version.js';
import { type JwtCredentials, type SalesforceTokens, TokenKeeper } from './auth.js';
import { type RetryPolicy, SalesforceApi } from './connection.js';
import { ATT, ATTAINMENT_OBJECT, USR } from './custom-fields.js';
import { installSchema } from './install.js';
import {
  currentAttainmentFields,
  currentUserFields,
  internalDomainsOf,
  toQuota,
  toRates,
  toUser,
} from './mappers/org.js';
import type {
  SfAttainment,
  SfCurrencyType,
  SfDatedRate,
  SfOpportunity,
  SfOrganization,
  SfUser,
} from './mappers/records.js';
import {
  type ChangeCursor,
  changeQueries,
  closedBetweenCountQuery,
  closedBetweenQuery,
  decodeCursor,
  decodePageToken,
  encodeCursor,
  encodePageToken,
  type OrgShape,
  opportunitiesByIds,
  type Position,
  PullMemory,
  probeOrg,
  startCursor,
  withActivities,
} from './pull.js';
import { inBatches, soql, soqlFields } from './soql.js';
import { writeBack } from './write-back.js';

export interface SalesforceConnectorConfig {
  instanceUrl: string;
  loginUrl: string;
  accessToken: string;
  refreshToken?: string | null;
  clientId: string;
  clientSecret?: string;
  /** JWT bearer flow: new tokens come from a fresh assertion instead of a refresh token. */
  jwt?: JwtCredentials;
  /** Called with every new token, to store it (encrypted) for the tenant. */
  onTokens?: (tokens: SalesforceTokens) => Promise<void>;
  logger?: Logger;
  fetchTimeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** Above this many records of one object, write-back uses Bulk API 2.0 (default 10,000). */
  bulkThreshold?: number;
  /** Rounds for records that fail retryably, the first write included (default 5). */
  recordAttempts?: number;
  bulkPollIntervalMs?: number;
  bulkPollTimeoutMs?: number;
  /** The clock for "the last lookbackMs" of a first incremental pull. */
  clock?: () => number;
}

export interface SalesforceConnector extends CrmConnector {
  readonly kind: 'salesforce';
  /** API calls this connector has made (token refreshes excluded). */
  readonly calls: number;
  /** Access tokens refreshed so far. */
  readonly refreshes: number;
}

/** Salesforce returns at most 2,000 records a page; a backfill page is one such query. */
const MAX_PAGE_SIZE = 2000;

const ORG_QUERY = soql`SELECT Id, TimeZoneSidKey, FiscalYearStartMonth, DefaultCurrencyIsoCode FROM Organization`;
const CURRENCY_QUERY = soql`SELECT IsoCode, ConversionRate, IsCorporate, IsActive FROM CurrencyType ORDER BY IsoCode`;
const DATED_RATE_QUERY = soql`SELECT IsoCode, ConversionRate, StartDate FROM DatedConversionRate ORDER BY IsoCode, StartDate`;
const ATTAINMENT_QUERY = soql`SELECT Id, ${soqlFields(Object.values(ATT))} FROM ${soqlFields([ATTAINMENT_OBJECT])} ORDER BY ${soqlFields([ATT.key])}`;

function isDate(s: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`));
}

function checkRange(range: { from: string; to: string }): void {
  if (!isDate(range.from) || !isDate(range.to) || range.from > range.to) {
    throw new InputError(`range must be two dates YYYY-MM-DD with from <= to, not ${JSON.stringify(range)}`);
  }
}

export function createSalesforceConnector(config: SalesforceConnectorConfig): SalesforceConnector {
  const log = config.logger;
  const keeper = new TokenKeeper({
    loginUrl: config.loginUrl,
    clientId: config.clientId,
    ...(config.clientSecret === undefined ? {} : { clientSecret: config.clientSecret }),
    ...(config.fetchTimeoutMs === undefined ? {} : { fetchTimeoutMs: config.fetchTimeoutMs }),
    refreshToken: config.refreshToken ?? null,
    ...(config.jwt === undefined ? {} : { jwt: config.jwt }),
    ...(config.onTokens === undefined ? {} : { onTokens: config.onTokens }),
    ...(log === undefined ? {} : { logger: log }),
  });
  const api: SalesforceApi = new SalesforceApi({
    instanceUrl: config.instanceUrl,
    loginUrl: config.loginUrl,
    accessToken: config.accessToken,
    ...(keeper.canRefresh
      ? {
          refresh: async () => {
            const tokens = await keeper.refresh();
            api.conn.instanceUrl = tokens.instanceUrl;
            return tokens.accessToken;
          },
        }
      : {}),
    ...(config.fetchTimeoutMs === undefined ? {} : { fetchTimeoutMs: config.fetchTimeoutMs }),
    ...(config.retry === undefined ? {} : { retry: config.retry }),
    ...(log === undefined ? {} : { logger: log }),
  });
  const clock = config.clock ?? Date.now;
  const memory = new PullMemory();

  let shapePromise: Promise<OrgShape> | null = null;
  const shape = (): Promise<OrgShape> => {
    shapePromise ??= probeOrg(api).catch((err: unknown) => {
      shapePromise = null;
      throw err;
    });
    return shapePromise;
  };
  let corporate: string | null = null;
  const corporateCurrency = async (): Promise<string> => {
    if (corporate === null) {
      const [org] = await api.query<SfOrganization>(ORG_QUERY);
      corporate = org?.DefaultCurrencyIsoCode ?? 'USD';
    }
    return corporate;
  };
  /** The currency deals fall back to: only single-currency orgs need it, and only they pay the call. */
  const dealCurrency = async (s: OrgShape) => (s.multiCurrency ? (corporate ?? '') : corporateCurrency());

  const pullOrg = async (): Promise<OrgData> => {
    const s = await shape();
    const userFields = [
      'Id',
      'Name',
      'Email',
      'IsActive',
      'ManagerId',
      ...(s.userFields ? Object.values(USR) : []),
    ];
    const queries = [
      ORG_QUERY,
      soql`SELECT ${soqlFields(userFields)} FROM User WHERE UserType = 'Standard' ORDER BY Id`,
      s.multiCurrency ? CURRENCY_QUERY : null,
      s.datedRates ? DATED_RATE_QUERY : null,
      s.attainmentObject ? ATTAINMENT_QUERY : null,
    ];
    const wanted = queries.filter((q): q is string => q !== null);
    const results = await api.queryAll<unknown>(wanted);
    const resultOf = <T>(q: string | null): T[] => (q === null ? [] : (results[wanted.indexOf(q)] as T[]));
    const org = resultOf<SfOrganization>(ORG_QUERY)[0];
    if (org === undefined) throw new InputError('Salesforce returned no Organization record');
    const users = resultOf<SfUser>(queries[1]!);
    const currencies = resultOf<SfCurrencyType>(queries[2]!);
    corporate = currencies.find((c) => c.IsCorporate)?.IsoCode ?? org.DefaultCurrencyIsoCode ?? 'USD';

    const current = { attainment: new Map<string, AttainmentFields>(), users: new Map<string, UserFields>() };
    for (const u of users) {
      const fields = currentUserFields(u);
      if (fields !== null) current.users.set(u.Id, fields);
    }
    const quotas: Quota[] = [];
    for (const r of resultOf<SfAttainment>(queries[4]!)) {
      const quota = toQuota(r);
      if (quota !== null) quotas.push(quota);
      const fields = currentAttainmentFields(r);
      if (fields !== null) current.attainment.set(fields.key, fields.fields);
    }
    return {
      corporateCurrency: corporate,
      timezone: org.TimeZoneSidKey,
      fiscalYearStartMonth: org.FiscalYearStartMonth,
      internalDomains: internalDomainsOf(users),
      users: users.map(toUser),
      rates: toRates(resultOf<SfDatedRate>(queries[3]!), currencies),
      quotas,
      current,
    };
  };

  const pullDeals = async (ids: readonly string[], options: PullOptions): Promise<DealBatch> => {
    const s = await shape();
    const unique = [...new Set(ids)];
    const opportunities = (
      await api.queryAll<SfOpportunity>(opportunitiesByIds(s, options.splits, unique))
    ).flat();
    return withActivities(api, memory, opportunities, await dealCurrency(s), options);
  };

  const pullClosedBetween = async (
    range: { from: string; to: string },
    page: string | null,
    options: PullOptions & { pageSize: number },
  ): Promise<DealPage> => {
    checkRange(range);
    if (!Number.isInteger(options.pageSize) || options.pageSize < 1)
      throw new InputError('pageSize must be a positive integer');
    const pageSize = Math.min(options.pageSize, MAX_PAGE_SIZE);
    const s = await shape();
    const after = page === null ? null : decodePageToken(page);
    const opportunities = await api.query<SfOpportunity>(
      closedBetweenQuery(s, options.splits, range, after, pageSize),
    );
    const batch = await withActivities(api, memory, opportunities, await dealCurrency(s), options);
    const last = opportunities[opportunities.length - 1];
    const next =
      opportunities.length === pageSize && last !== undefined
        ? encodePageToken({ closeDate: last.CloseDate, id: last.Id })
        : null;
    return { ...batch, next };
  };

  const countClosedBetween = async (range: { from: string; to: string }): Promise<number> => {
    checkRange(range);
    // COUNT() answers with totalSize and no records, in one call whatever the count.
    const url = `/services/data/v${SALESFORCE_API_VERSION}/query?q=${encodeURIComponent(closedBetweenCountQuery(range))}`;
    return (await api.request<{ totalSize: number }>('GET', url)).totalSize;
  };

  const pullChangedSince = async (
    cursor: string | null,
    options: PullOptions & { lookbackMs: number; limit: number },
  ): Promise<ChangedDeals> => {
    if (!Number.isInteger(options.limit) || options.limit < 1)
      throw new InputError('limit must be a positive integer');
    const limit = Math.min(options.limit, MAX_PAGE_SIZE);
    const s = await shape();
    const from: ChangeCursor =
      cursor === null ? startCursor(clock() - options.lookbackMs) : decodeCursor(cursor);
    const q = changeQueries(s, options.splits, from, limit);
    type Stamped = { Id: string; SystemModstamp: string };
    type Linked = Stamped & { WhatId: string | null; What?: { Type?: string } | null };
    type RelationRow = Stamped & {
      Event?: { WhatId: string | null; What?: { Type?: string } | null } | null;
    };
    const [opps, events, tasks, relations] = (await api.queryAll<unknown>([
      q.opportunities,
      q.events,
      q.tasks,
      q.relations,
    ])) as [(SfOpportunity & Stamped)[], Linked[], Linked[], RelationRow[]];
    const seen = new Set(opps.map((o) => o.Id));
    const linked = new Set<string>();
    const add = (whatId: string | null | undefined, type: string | undefined) => {
      if (whatId && type === 'Opportunity' && !seen.has(whatId)) linked.add(whatId);
    };
    for (const e of [...events, ...tasks]) add(e.WhatId, e.What?.Type);
    for (const r of relations) add(r.Event?.WhatId, r.Event?.What?.Type);
    let extra: SfOpportunity[] = [];
    if (linked.size > 0) {
      extra = (await api.queryAll<SfOpportunity>(opportunitiesByIds(s, options.splits, [...linked].sort())))
        .flat()
        // Only deals playercoach credits or credited before, as the opportunity stream does.
        .filter((o) => o.IsWon || (o.PC_Evaluated_At__c !== undefined && o.PC_Evaluated_At__c !== null));
    }
    const batch = await withActivities(api, memory, [...opps, ...extra], await dealCurrency(s), options);
    const advance = (pos: Position, rows: readonly Stamped[]): Position => {
      const last = rows[rows.length - 1];
      return last === undefined ? pos : [last.SystemModstamp, last.Id];
    };
    const next: ChangeCursor = {
      opportunities: advance(from.opportunities, opps),
      events: advance(from.events, events),
      tasks: advance(from.tasks, tasks),
      relations: advance(from.relations, relations),
    };
    const more = [opps, events, tasks, relations].some((rows) => rows.length >= limit);
    return { ...batch, cursor: encodeCursor(next), more };
  };

  const resolveDealIds = async (changes: readonly ChangeEvent[]): Promise<string[]> => {
    const out = new Set<string>();
    const meetings: string[] = [];
    const calls: string[] = [];
    for (const c of changes) {
      if (c.objectType === 'deal') out.add(c.id);
      else if (c.objectType === 'meeting') meetings.push(c.id);
      else calls.push(c.id);
    }
    const queries = [
      ...inBatches(meetings, (chunk) => soql`SELECT Id, WhatId, What.Type FROM Event WHERE Id IN ${chunk}`),
      ...inBatches(calls, (chunk) => soql`SELECT Id, WhatId, What.Type FROM Task WHERE Id IN ${chunk}`),
    ];
    if (queries.length > 0) {
      for (const rows of await api.queryAll<{ WhatId: string | null; What?: { Type?: string } | null }>(
        queries,
      )) {
        for (const r of rows) if (r.WhatId && r.What?.Type === 'Opportunity') out.add(r.WhatId);
      }
    }
    return [...out];
  };

  const connector: SalesforceConnector = {
    kind: 'salesforce',
    get calls() {
      return api.calls;
    },
    get refreshes() {
      return keeper.refreshes;
    },
    pullOrg,
    pullDeals,
    pullChangedSince,
    pullClosedBetween,
    countClosedBetween,
    resolveDealIds,
    writeBack: async (desired: WriteBackPlan, current: CrmFieldState): Promise<WriteBackReport> => {
      const s = await shape();
      return writeBack(api, desired, current, {
        bulkThreshold: config.bulkThreshold ?? 10_000,
        recordAttempts: config.recordAttempts ?? 5,
        bulkPollIntervalMs: config.bulkPollIntervalMs ?? 2_000,
        bulkPollTimeoutMs: config.bulkPollTimeoutMs ?? 10 * 60_000,
        corporateCurrency: s.multiCurrency ? await corporateCurrency() : null,
        ...(log === undefined ? {} : { logger: log }),
      });
    },
    install: async (): Promise<InstallReport> => {
      const report = await installSchema(api, log);
      shapePromise = null;
      return report;
    },
    apiUsage: async (): Promise<ApiUsage | null> => {
      const known = api.conn.limitInfo?.apiUsage;
      if (known !== undefined)
        return { used: known.used, limit: known.limit, remaining: Math.max(0, known.limit - known.used) };
      // https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_limits.htm
      const limits = await api.request<{ DailyApiRequests?: { Max: number; Remaining: number } }>(
        'GET',
        '/limits',
      );
      const daily = limits.DailyApiRequests;
      if (daily === undefined) return null;
      return { used: daily.Max - daily.Remaining, limit: daily.Max, remaining: daily.Remaining };
    },
  };
  return connector;
}
