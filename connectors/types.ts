/**
 * The contract every CRM connector implements. Connectors turn CRM records into the normalized
 * org snapshot (src/domain/snapshot.ts) and domain write-back values into CRM fields; they know
 * nothing about queues, Redis or HTTP, and import only domain types.
 *
 * Construction (credentials, token refresh, API version, manager mapping) is per provider:
 * see `createSalesforceConnector` and `createHubSpotConnector`.
 */
import type { Activity, Deal, Quota, Rate, User } from '../src/domain/snapshot.js';
import type {
  AttainmentFields,
  CrmFieldState,
  DealFields,
  UserFields,
  WriteBackPlan,
} from '../src/domain/write-back.js';

export const CRM_KINDS = ['salesforce', 'hubspot'] as const;
export type CrmKind = (typeof CRM_KINDS)[number];

/** What the crediting policy needs pulled beyond deals and their own activities. */
export interface PullOptions {
  /** Pull deal splits (policy `creditBasis: "splits"`). */
  splits: boolean;
  /** Also pull activities linked to the deals' accounts and to no deal (policy `includeAccountActivities`). */
  accountActivities: boolean;
  /**
   * Whose activities to pull: 'won' only those of won deals (with `accountActivities`, also
   * those of won deals' accounts), which is all the engine reads, since a deal that is not won
   * credits nobody whoever was in the room; 'all' (the default) those of every deal, for
   * snapshot exports and explain. A backfill's lost deals are a quarter of its deals.
   */
  activitiesOf?: 'won' | 'all';
}

/** The org-wide part of a snapshot, plus what the write-back fields on users and attainment records hold now. */
export interface OrgData {
  corporateCurrency: string;
  /** The org's time zone as the CRM reports it (Salesforce Organization, HubSpot account details). */
  timezone: string;
  fiscalYearStartMonth: number;
  /** Email domains of the org's own users. */
  internalDomains: string[];
  /** `managerId` is the manager the CRM (or, for HubSpot, the tenant's mapping) names today. */
  users: User[];
  rates: Rate[];
  /** Quotas entered in the CRM (Salesforce PC_Manager_Attainment__c.PC_Quota__c, HubSpot custom object). */
  quotas: Quota[];
  current: {
    attainment: Map<string, AttainmentFields>;
    users: Map<string, UserFields>;
  };
}

/** Deals with everything the engine needs to evaluate them. */
export interface DealBatch {
  /** Every requested deal that exists, won or not (a deal that stopped being won must lose its credit). */
  deals: Deal[];
  /** The activities linked to these deals (and to their accounts, when asked). */
  activities: Activity[];
  /** What the write-back fields on these deals hold now. */
  current: Map<string, DealFields>;
}

export interface DealPage extends DealBatch {
  /** Opaque token for the next page; null on the last one. */
  next: string | null;
}

export interface ChangedDeals extends DealBatch {
  /** Opaque cursor to pass next time; persist it only after the batch has been processed. */
  cursor: string;
  /** True when more changes are waiting past this batch: call again with `cursor`. */
  more: boolean;
}

/** A change a webhook or an incremental pull reported. */
export interface ChangeEvent {
  objectType: 'deal' | 'meeting' | 'call';
  id: string;
  /** ISO instant of the change in the CRM, when known. */
  occurredAt: string | null;
}

export interface WriteFailure {
  objectType: 'deal' | 'attainment' | 'user';
  recordId: string;
  code: string;
  message: string;
  retryable: boolean;
}

export interface WriteBackReport {
  written: { deals: number; attainment: number; users: number };
  /** Records left alone because the CRM already holds the desired values. */
  unchanged: { deals: number; attainment: number; users: number };
  /** Records that could not be written after the connector's own retries; never dropped silently. */
  failures: WriteFailure[];
  /** API calls this write-back made. */
  calls: number;
}

export interface InstallReport {
  created: string[];
  existing: string[];
  updated: string[];
  /** What the CRM account cannot take, each with the reason (a HubSpot portal without custom objects). */
  skipped?: string[];
}

export interface ApiUsage {
  used: number;
  limit: number;
  remaining: number;
}

export interface CrmConnector {
  readonly kind: CrmKind;

  pullOrg(): Promise<OrgData>;

  /** The given deals and their activities (webhook path). Ids that name no deal are left out. */
  pullDeals(ids: readonly string[], options: PullOptions): Promise<DealBatch>;

  /**
   * Deals changed since `cursor` (null: in the last `lookbackMs`), including deals whose activities
   * changed, for the reconcile job. The cursor is (modification time, id), never a time alone.
   */
  pullChangedSince(
    cursor: string | null,
    options: PullOptions & { lookbackMs: number; limit: number },
  ): Promise<ChangedDeals>;

  /** One page of deals whose close date lies in [from, to] (inclusive, YYYY-MM-DD), for backfills. */
  pullClosedBetween(
    range: { from: string; to: string },
    page: string | null,
    options: PullOptions & { pageSize: number },
  ): Promise<DealPage>;

  /**
   * How many deals `pullClosedBetween` would return for this range, in one cheap call, so a
   * backfill can show its progress against a total; null when the CRM cannot say.
   */
  countClosedBetween(range: { from: string; to: string }): Promise<number | null>;

  /** The deals that changed activities (meetings, calls) are linked to. */
  resolveDealIds(changes: readonly ChangeEvent[]): Promise<string[]>;

  /** Writes the records of `desired` whose values differ from `current`, in the largest batches the CRM allows. */
  writeBack(desired: WriteBackPlan, current: CrmFieldState): Promise<WriteBackReport>;

  /** Creates the custom fields, objects and permissions; a second run changes nothing. */
  install(): Promise<InstallReport>;

  /** The org's API budget as the CRM last reported it; null when the CRM does not say. */
  apiUsage(): Promise<ApiUsage | null>;
}
