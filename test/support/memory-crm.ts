/**
 * A CRM held in memory behind the CrmConnector interface, for the job tests that need to steer
 * what the CRM does at one precise moment (fail a write, die right after one, run out of API
 * calls). It keeps a modification stamp per deal for incremental pulls, pages closed deals by
 * (closeDate, id), counts every call, and counts writes per record so a test can assert that no
 * record was written twice. The end-to-end tests use the sandbox CRMs over HTTP instead.
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
  WriteBackReport,
  WriteFailure,
} from '../../connectors/types.js';
import type { OrgInput } from '../../src/domain/org-context.js';
import type { Activity, Deal, Quota } from '../../src/domain/snapshot.js';
import {
  type AttainmentFields,
  type CrmFieldState,
  type DealFields,
  diffWriteBack,
  type UserFields,
  type WriteBackPlan,
} from '../../src/domain/write-back.js';
import { PlayercoachError } from '../../src/errors.js';

export interface MemoryCrmHooks {
  /** Called before each write-back; throw to fail the whole call. */
  beforeWrite?(plan: WriteBackPlan): void;
  /** Called after the values landed, before the report is returned; throw to "die" mid write-back. */
  afterWrite?(plan: WriteBackPlan): void;
  /** Per-record failures to report instead of writing. */
  failRecord?(objectType: WriteFailure['objectType'], recordId: string): WriteFailure | null;
}

export class MemoryCrm {
  org: OrgInput;
  readonly deals = new Map<string, Deal>();
  readonly activities = new Map<string, Activity>();
  readonly dealFields = new Map<string, DealFields>();
  readonly attainmentFields = new Map<string, AttainmentFields>();
  readonly userFields = new Map<string, UserFields>();
  /** Writes per record, keyed `deal:<id>`, `attainment:<key>`, `user:<id>`. */
  readonly writes = new Map<string, number>();
  readonly calls = { pullOrg: 0, pullDeals: 0, pullChanged: 0, pullClosed: 0, resolve: 0, writeBack: 0 };
  apiLimit = 1_000_000;
  hooks: MemoryCrmHooks = {};
  private stamp = 0;
  /** Modification stamp per deal, as SystemModstamp would be. */
  readonly stamps = new Map<string, number>();

  constructor(org: OrgInput, deals: Deal[] = [], activities: Activity[] = []) {
    this.org = org;
    for (const d of deals) this.putDeal(d);
    for (const a of activities) this.putActivity(a);
  }

  putDeal(d: Deal): void {
    this.deals.set(d.id, d);
    this.stamps.set(d.id, ++this.stamp);
  }

  putActivity(a: Activity): void {
    this.activities.set(a.id, a);
    for (const id of a.dealIds) if (this.deals.has(id)) this.stamps.set(id, ++this.stamp);
  }

  setQuotas(quotas: Quota[]): void {
    this.org = { ...this.org, quotas };
  }

  get totalCalls(): number {
    return Object.values(this.calls).reduce((a, b) => a + b, 0);
  }

  connector(): CrmConnector {
    return new MemoryConnector(this);
  }

  batch(ids: Iterable<string>): DealBatch {
    const deals: Deal[] = [];
    for (const id of ids) {
      const d = this.deals.get(id);
      if (d) deals.push(structuredClone(d));
    }
    const wanted = new Set(deals.map((d) => d.id));
    const activities = [...this.activities.values()]
      .filter((a) => a.dealIds.some((id) => wanted.has(id)))
      .map((a) => structuredClone(a));
    const current = new Map<string, DealFields>();
    for (const d of deals) {
      const f = this.dealFields.get(d.id);
      if (f) current.set(d.id, { ...f });
    }
    return { deals, activities, current };
  }

  charge(): void {
    if (this.totalCalls >= this.apiLimit) {
      throw new PlayercoachError('BUDGET_EXHAUSTED', 'daily API limit reached', { provider: 'salesforce' });
    }
  }
}

class MemoryConnector implements CrmConnector {
  readonly kind = 'salesforce' as const;
  constructor(private readonly crm: MemoryCrm) {}

  async pullOrg(): Promise<OrgData> {
    this.crm.charge();
    this.crm.calls.pullOrg++;
    const { org } = this.crm;
    return {
      corporateCurrency: org.corporateCurrency,
      timezone: org.timezone,
      fiscalYearStartMonth: org.fiscalYearStartMonth,
      internalDomains: [...org.internalDomains],
      users: structuredClone(org.users),
      rates: structuredClone(org.rates),
      quotas: structuredClone(org.quotas),
      current: { attainment: new Map(this.crm.attainmentFields), users: new Map(this.crm.userFields) },
    };
  }

  async pullDeals(ids: readonly string[]): Promise<DealBatch> {
    this.crm.charge();
    this.crm.calls.pullDeals++;
    return this.crm.batch(ids);
  }

  async pullChangedSince(
    cursor: string | null,
    options: { lookbackMs: number; limit: number },
  ): Promise<ChangedDeals> {
    this.crm.charge();
    this.crm.calls.pullChanged++;
    const after = cursor === null ? 0 : Number(cursor);
    const stamps = [...this.crm.stamps.entries()].filter(([, s]) => s > after).sort((a, b) => a[1] - b[1]);
    const page = stamps.slice(0, options.limit);
    const last = page.length > 0 ? page[page.length - 1]![1] : after;
    return {
      ...this.crm.batch(page.map(([id]) => id)),
      cursor: String(last),
      more: stamps.length > page.length,
    };
  }

  async pullClosedBetween(
    range: { from: string; to: string },
    page: string | null,
    options: { pageSize: number },
  ): Promise<DealPage> {
    this.crm.charge();
    this.crm.calls.pullClosed++;
    const key = (d: Deal) => `${d.closeDate}|${d.id}`;
    const inRange = [...this.crm.deals.values()]
      .filter((d) => d.closeDate >= range.from && d.closeDate <= range.to && (page === null || key(d) > page))
      .sort((a, b) => (key(a) < key(b) ? -1 : 1));
    const slice = inRange.slice(0, options.pageSize);
    const next = inRange.length > slice.length ? key(slice[slice.length - 1]!) : null;
    return { ...this.crm.batch(slice.map((d) => d.id)), next };
  }

  async countClosedBetween(range: { from: string; to: string }): Promise<number> {
    this.crm.charge();
    return [...this.crm.deals.values()].filter((d) => d.closeDate >= range.from && d.closeDate <= range.to)
      .length;
  }

  async resolveDealIds(changes: readonly ChangeEvent[]): Promise<string[]> {
    this.crm.charge();
    this.crm.calls.resolve++;
    const ids = new Set<string>();
    for (const c of changes) for (const id of this.crm.activities.get(c.id)?.dealIds ?? []) ids.add(id);
    return [...ids];
  }

  async writeBack(desired: WriteBackPlan, current: CrmFieldState): Promise<WriteBackReport> {
    const plan = diffWriteBack(desired, current);
    this.crm.hooks.beforeWrite?.(plan);
    const failures: WriteFailure[] = [];
    const write = <T>(
      objectType: WriteFailure['objectType'],
      id: string,
      into: Map<string, T>,
      value: T,
    ): boolean => {
      const failure = this.crm.hooks.failRecord?.(objectType, id) ?? null;
      if (failure) {
        failures.push(failure);
        return false;
      }
      into.set(id, value);
      const key = `${objectType}:${id}`;
      this.crm.writes.set(key, (this.crm.writes.get(key) ?? 0) + 1);
      return true;
    };
    let deals = 0;
    let attainment = 0;
    let users = 0;
    for (const { dealId, ...f } of plan.deals) if (write('deal', dealId, this.crm.dealFields, f)) deals++;
    for (const { key, ...f } of plan.attainment)
      if (write('attainment', key, this.crm.attainmentFields, f)) attainment++;
    for (const { userId, ...f } of plan.users) if (write('user', userId, this.crm.userFields, f)) users++;
    const calls =
      Math.ceil(plan.deals.length / 200) +
      Math.ceil(plan.attainment.length / 200) +
      Math.ceil(plan.users.length / 200);
    this.crm.calls.writeBack += calls;
    this.crm.hooks.afterWrite?.(plan);
    return {
      written: { deals, attainment, users },
      unchanged: {
        deals: desired.deals.length - plan.deals.length,
        attainment: desired.attainment.length - plan.attainment.length,
        users: desired.users.length - plan.users.length,
      },
      failures,
      calls,
    };
  }

  async install(): Promise<InstallReport> {
    return { created: [], existing: [], updated: [] };
  }

  async apiUsage(): Promise<ApiUsage> {
    const used = this.crm.totalCalls;
    return { used, limit: this.crm.apiLimit, remaining: Math.max(0, this.crm.apiLimit - used) };
  }
}
