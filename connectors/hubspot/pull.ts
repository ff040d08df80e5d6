/**
 * Reading a HubSpot portal into the normalized model, in as few calls as HubSpot allows:
 * deals come from search (200 a page, paged by hs_object_id so no query ever reaches the
 * 10,000-result cap) or batch read (100 ids a call); their companies, meetings, calls and the
 * activities' contacts from associations v4 batch reads (1,000 ids a call); meetings, calls and
 * contacts from batch reads (100 a call). Contacts are cached for the connector's lifetime, so a
 * backfill reads each contact once.
 *
 * An activity's `dealIds` lists the deals of the batch it is linked to (the engine evaluates only
 * those), and its `accountId` is read only when account activities are asked for (the engine
 * looks at an activity's account only then), which saves one association read per 1,000
 * activities.
 */
import type { Activity, Deal, Quota, Rate, User } from '../../src/domain/snapshot.js';
import type { AttainmentFields, DealFields } from '../../src/domain/write-back.js';
import { InputError } from '../../src/errors.js';
import type { Logger } from '../../src/logger.js';
import type { ChangedDeals, ChangeEvent, DealBatch, DealPage, OrgData, PullOptions } from '../types.js';
import type { HubSpotApi } from './client.js';
import type { HsObject, HsOwner, HsSplit, HsStage, ManagerMapping } from './mappers/hubspot-types.js';
import {
  attainmentFromProperties,
  dealFieldsFromProperties,
  PC_ATTAINMENT_PROPERTY_NAMES,
  PC_DEAL_PROPERTY_NAMES,
  quotaFromProperties,
} from './mappers/pc-values.js';
import { CALL_PROPERTIES, MEETING_PROPERTIES, toActivity } from './mappers/to-activity.js';
import { DEAL_PROPERTIES, isClosedStage, isWonDeal, isWonStage, toDeal } from './mappers/to-deal.js';
import { toRate } from './mappers/to-rate.js';
import { toUser } from './mappers/to-user.js';
import { PC_ATTAINMENT_OBJECT_NAME } from './pc-properties.js';

const BATCH_READ = 100;
const ASSOCIATION_BATCH = 1000;
const SEARCH_PAGE = 200;
const SEARCH_CAP = 10_000;
const META_TTL_MS = 5 * 60 * 1000;
const DEAL_READ_PROPERTIES = [...DEAL_PROPERTIES, ...PC_DEAL_PROPERTY_NAMES];

type ObjectType = 'deals' | 'meetings' | 'calls' | 'contacts' | 'companies';
type Filter = {
  propertyName: string;
  operator: string;
  value?: string;
  values?: string[];
  highValue?: string;
};

export interface PullConfig {
  managerMapping: ManagerMapping;
  fiscalYearStartMonth: number;
  timezone?: string;
  internalDomains?: string[];
  now: () => number;
}

export interface PortalMeta {
  timezone: string;
  companyCurrency: string;
  stages: Map<string, HsStage>;
  wonStageIds: string[];
  closedStageIds: string[];
}

interface AccountDetails {
  timeZone?: string;
  companyCurrency?: string;
}

interface ChangeCursor {
  v: 1;
  since: number;
  until: number;
  phase: 'deals' | 'meetings' | 'calls';
  after: string | null;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function byId(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

function toHsObject(r: { id: string; properties: Record<string, string | null> }): HsObject {
  return { id: r.id, properties: r.properties };
}

export class HubSpotPull {
  private metaCache: { at: number; meta: PortalMeta } | null = null;
  private domainCache: string[] | null = null;
  private readonly contactEmails = new Map<string, string | null>();
  attainmentTypeId: string | null | undefined = undefined;

  constructor(
    private readonly api: HubSpotApi,
    private readonly config: PullConfig,
    private readonly logger: Logger,
  ) {}

  /** Time zone, currency and deal stages; read once every few minutes. */
  async meta(): Promise<PortalMeta> {
    if (this.metaCache && this.config.now() - this.metaCache.at < META_TTL_MS) return this.metaCache.meta;
    // https://developers.hubspot.com/docs/api-reference/account-info-v3/details/get-account-info-v3-details
    const account = await this.api.request<AccountDetails>('account details', '/account-info/v3/details');
    // https://developers.hubspot.com/docs/api-reference/crm-pipelines-v3/pipelines/get-crm-v3-pipelines-objectType
    const pipelines = await this.api.call('pipelines', (c) => c.crm.pipelines.pipelinesApi.getAll('deals'));
    const stages = new Map<string, HsStage>();
    for (const p of pipelines.results) {
      for (const s of p.stages)
        stages.set(s.id, { id: s.id, metadata: s.metadata as Record<string, string> });
    }
    const meta: PortalMeta = {
      timezone: this.config.timezone ?? account.timeZone ?? 'UTC',
      companyCurrency: account.companyCurrency ?? 'USD',
      stages,
      wonStageIds: [...stages.values()].filter(isWonStage).map((s) => s.id),
      closedStageIds: [...stages.values()].filter(isClosedStage).map((s) => s.id),
    };
    this.metaCache = { at: this.config.now(), meta };
    return meta;
  }

  async pullOrg(): Promise<OrgData> {
    const meta = await this.meta();
    const owners = await this.owners();
    const users: User[] = owners.map((o) => toUser(o, this.config.managerMapping));
    const rates = await this.rates();
    const { quotas, attainment } = await this.attainmentRecords();
    const domains = this.config.internalDomains ?? ownerDomains(owners);
    this.domainCache = domains;
    return {
      corporateCurrency: meta.companyCurrency,
      timezone: meta.timezone,
      fiscalYearStartMonth: this.config.fiscalYearStartMonth,
      internalDomains: domains,
      users,
      rates,
      quotas,
      current: { attainment, users: new Map() },
    };
  }

  /** The org's own email domains: configured, else those of the owners' emails. */
  private async internalDomains(): Promise<string[]> {
    if (this.config.internalDomains) return this.config.internalDomains;
    this.domainCache ??= ownerDomains(await this.owners());
    return this.domainCache;
  }

  private async owners(): Promise<HsOwner[]> {
    const out: HsOwner[] = [];
    for (const archived of [false, true]) {
      let after: string | undefined;
      do {
        // https://developers.hubspot.com/docs/api-reference/crm-crm-owners-v3/owners/get-crm-v3-owners-
        const page = await this.api.call('owners', (c) =>
          c.crm.owners.ownersApi.getPage(undefined, after, 100, archived),
        );
        for (const o of page.results) {
          out.push({
            id: o.id,
            email: o.email ?? null,
            firstName: o.firstName ?? null,
            lastName: o.lastName ?? null,
            archived: o.archived,
            teams: (o.teams ?? []).map((t) => ({ id: t.id, name: t.name, primary: t.primary })),
          });
        }
        after = page.paging?.next?.after;
      } while (after);
    }
    return out.sort((a, b) => byId(a.id, b.id));
  }

  private async rates(): Promise<Rate[]> {
    const out: Rate[] = [];
    let after: string | undefined;
    do {
      // https://developers.hubspot.com/docs/api-reference/settings-multicurrency-v3/currency/get-settings-v3-currencies-exchange-rates
      const page = await this.api.request<{
        results: Array<{ fromCurrencyCode: string; conversionRate: number; effectiveAt: string }>;
        paging?: { next?: { after?: string } };
      }>('exchange rates', '/settings/v3/currencies/exchange-rates', {
        limit: '100',
        ...(after ? { after } : {}),
      });
      for (const r of page.results) out.push(toRate(r));
      after = page.paging?.next?.after;
    } while (after);
    return out.sort((a, b) => (a.currency + a.from < b.currency + b.from ? -1 : 1));
  }

  /** The custom object's type id, or null when the portal has none (not installed, or not allowed). */
  async attainmentObjectType(): Promise<string | null> {
    if (this.attainmentTypeId !== undefined) return this.attainmentTypeId;
    try {
      // https://developers.hubspot.com/docs/api-reference/crm-schemas-v3/core/get-crm-v3-schemas
      const schemas = await this.api.call('schemas', (c) => c.crm.schemas.coreApi.getAll());
      this.attainmentTypeId =
        schemas.results.find((s) => s.name === PC_ATTAINMENT_OBJECT_NAME)?.objectTypeId ?? null;
    } catch (err) {
      if ((err as { code?: string }).code !== 'UNAUTHORIZED') throw err;
      this.attainmentTypeId = null;
    }
    return this.attainmentTypeId;
  }

  private async attainmentRecords(): Promise<{ quotas: Quota[]; attainment: Map<string, AttainmentFields> }> {
    const quotas: Quota[] = [];
    const attainment = new Map<string, AttainmentFields>();
    const type = await this.attainmentObjectType();
    if (type === null) return { quotas, attainment };
    let after: string | undefined;
    do {
      // https://developers.hubspot.com/docs/api-reference/crm-objects-v3/basic/get-crm-v3-objects-objectType
      const page = await this.api.call('attainment records', (c) =>
        c.crm.objects.basicApi.getPage(type, 100, after, [...PC_ATTAINMENT_PROPERTY_NAMES]),
      );
      for (const r of page.results) {
        const q = quotaFromProperties(r.properties);
        if (q) quotas.push(q);
        const a = attainmentFromProperties(r.properties);
        if (a) {
          const { key, ...fields } = a;
          attainment.set(key, fields);
        }
      }
      after = page.paging?.next?.after;
    } while (after);
    quotas.sort((a, b) => (a.managerId + a.period < b.managerId + b.period ? -1 : 1));
    return { quotas, attainment };
  }

  async pullDeals(ids: readonly string[], options: PullOptions): Promise<DealBatch> {
    const records = await this.readObjects('deals', [...new Set(ids)], DEAL_READ_PROPERTIES);
    return this.expand([...records.values()], options);
  }

  /** The filter groups of a backfill's deals: closed in the range, or written by playercoach before. */
  private async closedBetween(range: { from: string; to: string }): Promise<Filter[][]> {
    if (
      !/^\d{4}-\d{2}-\d{2}$/.test(range.from) ||
      !/^\d{4}-\d{2}-\d{2}$/.test(range.to) ||
      range.from > range.to
    ) {
      throw new InputError(
        `close date range: expected from <= to as YYYY-MM-DD, got ${range.from}..${range.to}`,
      );
    }
    const meta = await this.meta();
    const window: Filter[] = [
      {
        propertyName: 'closedate',
        operator: 'GTE',
        value: String(Date.parse(`${range.from}T00:00:00.000Z`)),
      },
      { propertyName: 'closedate', operator: 'LTE', value: String(Date.parse(`${range.to}T23:59:59.999Z`)) },
    ];
    return stageOrWritten(window, meta.closedStageIds);
  }

  /**
   * One search with limit 1 for its `total`, which counts every match, also past the 10,000
   * results a search can page through.
   */
  async countClosedBetween(range: { from: string; to: string }): Promise<number> {
    const groups = await this.closedBetween(range);
    const body = {
      filterGroups: groups.map((filters) => ({ filters })),
      properties: ['hs_object_id'],
      limit: 1,
    };
    // https://developers.hubspot.com/docs/api-reference/crm-deals-v3/search/post-crm-v3-objects-deals-search
    const page = await this.api.call(
      'count deals',
      (c) => c.crm.objects.searchApi.doSearch('deals', body as never),
      {
        search: true,
      },
    );
    return page.total;
  }

  async pullClosedBetween(
    range: { from: string; to: string },
    page: string | null,
    options: PullOptions & { pageSize: number },
  ): Promise<DealPage> {
    if (page !== null && !/^\d+$/.test(page))
      throw new InputError(`page token: not one this connector gave (${page})`);
    const groups = await this.closedBetween(range);
    const { records, exhausted } = await this.searchByIds(
      'deals',
      groups,
      page,
      options.pageSize,
      DEAL_READ_PROPERTIES,
    );
    const batch = await this.expand(records, options);
    const last = records[records.length - 1];
    return { ...batch, next: exhausted || last === undefined ? null : last.id };
  }

  async pullChangedSince(
    cursor: string | null,
    options: PullOptions & { lookbackMs: number; limit: number },
  ): Promise<ChangedDeals> {
    const meta = await this.meta();
    const now = this.config.now();
    const c: ChangeCursor =
      cursor === null
        ? { v: 1, since: now - options.lookbackMs, until: now, phase: 'deals', after: null }
        : decodeCursor(cursor, now);
    const window: Filter[] = [
      { propertyName: 'hs_lastmodifieddate', operator: 'GTE', value: String(c.since) },
      { propertyName: 'hs_lastmodifieddate', operator: 'LTE', value: String(c.until) },
    ];
    const deals = new Map<string, HsObject>();
    let state: ChangeCursor = c;
    while (deals.size < options.limit) {
      if (state.phase === 'deals') {
        const groups = stageOrWritten(window, meta.wonStageIds);
        const found = await this.searchByIds(
          'deals',
          groups,
          state.after,
          options.limit - deals.size,
          DEAL_READ_PROPERTIES,
        );
        for (const r of found.records) deals.set(r.id, r);
        const last = found.records[found.records.length - 1];
        state = found.exhausted
          ? { ...state, phase: 'meetings', after: null }
          : { ...state, after: last?.id ?? state.after };
        continue;
      }
      const kind = state.phase;
      const found = await this.searchByIds(kind, [window], state.after, SEARCH_PAGE * 5, ['hs_object_id']);
      const linked = await this.associationBatch(
        kind,
        'deals',
        found.records.map((r) => r.id),
      );
      const dealIds = [...new Set([...linked.values()].flat())].filter((id) => !deals.has(id));
      const read = await this.readObjects('deals', dealIds, DEAL_READ_PROPERTIES);
      for (const r of read.values()) {
        const won = meta.wonStageIds.includes(r.properties['dealstage'] ?? '');
        if (won || (r.properties['pc_evaluated_at'] ?? '') !== '') deals.set(r.id, r);
      }
      const last = found.records[found.records.length - 1];
      if (!found.exhausted) {
        state = { ...state, after: last?.id ?? state.after };
        continue;
      }
      if (kind === 'meetings') {
        state = { ...state, phase: 'calls', after: null };
        continue;
      }
      // Sweep done: the next one starts a lookback before this one's end, with a fresh upper bound.
      const batch = await this.expand([...deals.values()], options);
      const next: ChangeCursor = {
        v: 1,
        since: c.until - options.lookbackMs,
        until: 0,
        phase: 'deals',
        after: null,
      };
      return { ...batch, cursor: encodeCursor(next), more: false };
    }
    const batch = await this.expand([...deals.values()], options);
    return { ...batch, cursor: encodeCursor(state), more: true };
  }

  async resolveDealIds(changes: readonly ChangeEvent[]): Promise<string[]> {
    const out = new Set<string>();
    for (const kind of ['meeting', 'call'] as const) {
      const ids = changes.filter((c) => c.objectType === kind).map((c) => c.id);
      const linked = await this.associationBatch(kind === 'meeting' ? 'meetings' : 'calls', 'deals', ids);
      for (const dealIds of linked.values()) for (const id of dealIds) out.add(id);
    }
    for (const c of changes) if (c.objectType === 'deal') out.add(c.id);
    return [...out].sort(byId);
  }

  /**
   * Searches in hs_object_id order from `afterId`, up to `max` records. Each query is restarted
   * from the last id seen before its offset reaches 10,000, so the cap never bites. `exhausted`
   * tells that nothing is left past the returned records.
   */
  private async searchByIds(
    type: ObjectType,
    groups: Filter[][],
    afterId: string | null,
    max: number,
    properties: readonly string[],
  ): Promise<{ records: HsObject[]; exhausted: boolean }> {
    const records: HsObject[] = [];
    let lastId = afterId;
    for (;;) {
      let offset = 0;
      const filterGroups = groups.map((g) => ({
        filters:
          lastId === null ? g : [...g, { propertyName: 'hs_object_id', operator: 'GT', value: lastId }],
      }));
      for (;;) {
        const limit = Math.min(SEARCH_PAGE, max - records.length);
        if (limit <= 0) return { records, exhausted: false };
        const body = {
          filterGroups,
          sorts: ['hs_object_id'],
          properties: [...properties],
          limit,
          ...(offset > 0 ? { after: String(offset) } : {}),
        };
        // https://developers.hubspot.com/docs/api-reference/crm-deals-v3/search/post-crm-v3-objects-deals-search
        const page = await this.api.call(
          `search ${type}`,
          (c) => c.crm.objects.searchApi.doSearch(type, body as never),
          { search: true },
        );
        for (const r of page.results) records.push(toHsObject(r));
        offset += page.results.length;
        if (!page.paging?.next?.after || page.results.length === 0) return { records, exhausted: true };
        if (offset + SEARCH_PAGE > SEARCH_CAP) break;
      }
      lastId = records[records.length - 1]!.id;
    }
  }

  /** Batch read by id, 100 a call; ids that name nothing are left out. */
  async readObjects(
    type: ObjectType,
    ids: readonly string[],
    properties: readonly string[],
  ): Promise<Map<string, HsObject>> {
    const out = new Map<string, HsObject>();
    for (const chunk of chunks(ids, BATCH_READ)) {
      // https://developers.hubspot.com/docs/api-reference/crm-deals-v3/batch/post-crm-v3-objects-deals-batch-read
      const answer = await this.api.call(`batch read ${type}`, (c) =>
        c.crm.objects.batchApi.read(type, {
          inputs: chunk.map((id) => ({ id })),
          properties: [...properties],
          propertiesWithHistory: [],
        }),
      );
      for (const r of answer.results) out.set(r.id, toHsObject(r));
    }
    return out;
  }

  /** Associations v4 batch read, 1,000 ids a call, following each id's own paging. */
  async associationBatch(
    from: ObjectType,
    to: ObjectType,
    ids: readonly string[],
  ): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    let pending: Array<{ id: string; after?: string }> = [...new Set(ids)].map((id) => ({ id }));
    while (pending.length > 0) {
      const more: Array<{ id: string; after?: string }> = [];
      for (const chunk of chunks(pending, ASSOCIATION_BATCH)) {
        // https://developers.hubspot.com/docs/api-reference/crm-associations-v4/batch/post-crm-v4-associations-fromObjectType-toObjectType-batch-read
        const answer = await this.api.call(`associations ${from}->${to}`, (c) =>
          c.crm.associations.v4.batchApi.getPage(from, to, { inputs: chunk }),
        );
        for (const r of answer.results) {
          const id = String(r._from.id);
          const list = out.get(id) ?? [];
          for (const t of r.to) list.push(String(t.toObjectId));
          out.set(id, list);
          const after = r.paging?.next?.after;
          if (after) more.push({ id, after });
        }
        // Ids with nothing associated come back as NO_ASSOCIATIONS_FOUND errors in the 207: no links.
      }
      pending = more;
    }
    for (const list of out.values()) list.sort(byId);
    return out;
  }

  private async contactsById(ids: readonly string[]): Promise<Map<string, string | null>> {
    const missing = ids.filter((id) => !this.contactEmails.has(id));
    const read = await this.readObjects('contacts', [...new Set(missing)], ['email']);
    for (const id of missing) this.contactEmails.set(id, read.get(id)?.properties['email'] ?? null);
    return this.contactEmails;
  }

  private async splits(dealIds: readonly string[]): Promise<Map<string, HsSplit[]>> {
    const out = new Map<string, HsSplit[]>();
    for (const chunk of chunks(dealIds, BATCH_READ)) {
      // https://developers.hubspot.com/docs/api-reference/crm-deal-splits-v3/batch/post-crm-v3-objects-deals-splits-batch-read
      const answer = await this.api.call('deal splits', (c) =>
        c.crm.objects.dealSplits.batchApi.read({ inputs: chunk.map((id) => ({ id })) }),
      );
      for (const r of answer.results) {
        out.set(
          String(r.id),
          r.splits.map((s) => ({ properties: s.properties })),
        );
      }
    }
    return out;
  }

  /** Deals → the batch the engine needs: deals, their activities, what their pc_ fields hold. */
  private async expand(dealRecords: readonly HsObject[], options: PullOptions): Promise<DealBatch> {
    const meta = await this.meta();
    const dealIds = dealRecords.map((d) => d.id);
    const companies = await this.associationBatch('deals', 'companies', dealIds);
    const splits = options.splits ? await this.splits(dealIds) : new Map<string, HsSplit[]>();
    // The deals whose activities are read: every one, or only the won ones (options.activitiesOf).
    const asked =
      options.activitiesOf === 'won'
        ? dealRecords.filter((d) => isWonDeal(d, meta.stages)).map((d) => d.id)
        : dealIds;

    const dealsOf = { meetings: new Map<string, string[]>(), calls: new Map<string, string[]>() };
    const activityCompany = new Map<string, string[]>();
    for (const kind of ['meetings', 'calls'] as const) {
      const byDeal = await this.associationBatch('deals', kind, asked);
      for (const [dealId, activityIds] of byDeal) {
        for (const a of activityIds) dealsOf[kind].set(a, [...(dealsOf[kind].get(a) ?? []), dealId]);
      }
      if (options.accountActivities) {
        const companyIds = [...new Set(asked.flatMap((id) => companies.get(id) ?? []))];
        const byCompany = await this.associationBatch('companies', kind, companyIds);
        const candidates = [...new Set([...byCompany.values()].flat())].filter((a) => !dealsOf[kind].has(a));
        const theirDeals = await this.associationBatch(kind, 'deals', candidates);
        for (const a of candidates) if ((theirDeals.get(a) ?? []).length === 0) dealsOf[kind].set(a, []);
        const linkedCompanies = await this.associationBatch(kind, 'companies', [...dealsOf[kind].keys()]);
        for (const [a, cs] of linkedCompanies) activityCompany.set(a, cs);
      }
    }

    const activities: Activity[] = [];
    const internalDomains = await this.internalDomains();
    for (const kind of ['meetings', 'calls'] as const) {
      const ids = [...dealsOf[kind].keys()].sort(byId);
      const records = await this.readObjects(
        kind,
        ids,
        kind === 'meetings' ? MEETING_PROPERTIES : CALL_PROPERTIES,
      );
      const contactsOf = await this.associationBatch(kind, 'contacts', [...records.keys()]);
      const emails = await this.contactsById([...new Set([...contactsOf.values()].flat())]);
      for (const id of ids) {
        const record = records.get(id);
        if (!record) continue;
        const activity = toActivity(
          {
            kind: kind === 'meetings' ? 'meeting' : 'call',
            record,
            dealIds: (dealsOf[kind].get(id) ?? []).sort(byId),
            companyIds: activityCompany.get(id) ?? [],
            contacts: (contactsOf.get(id) ?? []).map((c) => ({ id: c, email: emails.get(c) ?? null })),
          },
          internalDomains,
        );
        if (activity) activities.push(activity);
      }
    }

    const deals: Deal[] = [];
    const current = new Map<string, DealFields>();
    for (const record of dealRecords) {
      const deal = toDeal(record, companies.get(record.id) ?? [], splits.get(record.id) ?? [], {
        stages: meta.stages,
        companyCurrency: meta.companyCurrency,
      });
      if (deal === null) {
        this.logger.warn({ dealId: record.id }, 'hubspot deal without owner or close date left out');
        continue;
      }
      deals.push(deal);
      const fields = dealFieldsFromProperties(record.properties);
      if (fields) current.set(record.id, fields);
    }
    deals.sort((a, b) => byId(a.id, b.id));
    return { deals, activities, current };
  }
}

/**
 * Two ORed groups in one window: deals in the given stages, and deals playercoach wrote before
 * (so one that left those stages loses its credit). An empty IN is refused by HubSpot: left out.
 */
function stageOrWritten(window: Filter[], stageIds: string[]): Filter[][] {
  const written = [...window, { propertyName: 'pc_evaluated_at', operator: 'HAS_PROPERTY' }];
  return stageIds.length === 0
    ? [written]
    : [[...window, { propertyName: 'dealstage', operator: 'IN', values: stageIds }], written];
}

function ownerDomains(owners: readonly HsOwner[]): string[] {
  const domains = owners
    .map((o) => (o.email ?? '').split('@')[1]?.toLowerCase())
    .filter((d): d is string => !!d);
  return [...new Set(domains)].sort();
}

function encodeCursor(c: ChangeCursor): string {
  return Buffer.from(JSON.stringify(c), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string, now: number): ChangeCursor {
  let c: Partial<ChangeCursor>;
  try {
    c = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Partial<ChangeCursor>;
  } catch {
    throw new InputError(`cursor: not one this connector gave (${cursor.slice(0, 40)})`);
  }
  if (
    c.v !== 1 ||
    typeof c.since !== 'number' ||
    typeof c.until !== 'number' ||
    !['deals', 'meetings', 'calls'].includes(c.phase ?? '') ||
    (c.after !== null && typeof c.after !== 'string')
  ) {
    throw new InputError(`cursor: not one this connector gave (${cursor.slice(0, 40)})`);
  }
  // A finished sweep leaves `until` open: the new sweep's upper bound is now.
  return { ...(c as ChangeCursor), until: c.until === 0 ? now : c.until };
}
