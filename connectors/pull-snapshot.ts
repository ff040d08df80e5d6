/**
 * A whole org through any CrmConnector: the org-wide data, then every page of deals closed in a
 * date range with their activities, as an org snapshot plus what the CRM's write-back fields hold
 * now. Used by round-trip tests, benchmarks and snapshot exports.
 */
import type { Activity, Deal, Snapshot } from '../src/domain/snapshot.js';
import type { CrmFieldState, DealFields } from '../src/domain/write-back.js';
import type { CrmConnector } from './types.js';

export interface PullSnapshotOptions {
  tenant: string;
  from: string;
  to: string;
  pageSize?: number;
  splits?: boolean;
  accountActivities?: boolean;
  /** Default 'all': a snapshot holds every deal's activities. */
  activitiesOf?: 'won' | 'all';
}

export async function pullSnapshot(
  connector: CrmConnector,
  options: PullSnapshotOptions,
): Promise<{ snapshot: Snapshot; current: CrmFieldState; pages: number }> {
  const org = await connector.pullOrg();
  const deals: Deal[] = [];
  const activities = new Map<string, Activity>();
  const dealFields = new Map<string, DealFields>();
  let page: string | null = null;
  let pages = 0;
  do {
    const batch = await connector.pullClosedBetween({ from: options.from, to: options.to }, page, {
      pageSize: options.pageSize ?? 2000,
      splits: options.splits ?? true,
      accountActivities: options.accountActivities ?? true,
      activitiesOf: options.activitiesOf ?? 'all',
    });
    deals.push(...batch.deals);
    // An account's deal-less activities come with every page holding one of its deals.
    for (const a of batch.activities) activities.set(a.id, a);
    for (const [id, fields] of batch.current) dealFields.set(id, fields);
    page = batch.next;
    pages++;
  } while (page !== null);
  return {
    snapshot: {
      version: 1,
      tenant: options.tenant,
      corporateCurrency: org.corporateCurrency,
      timezone: org.timezone,
      fiscalYearStartMonth: org.fiscalYearStartMonth,
      internalDomains: org.internalDomains,
      users: org.users,
      managerHistory: [],
      deals,
      activities: [...activities.values()],
      quotas: org.quotas,
      rates: org.rates,
    },
    current: { deals: dealFields, attainment: org.current.attainment, users: org.current.users },
    pages,
  };
}
