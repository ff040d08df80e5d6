/**
 * `generateOrg`: a realistic synthetic org snapshot (DESIGN.md "Normalized model") for the
 * sandboxes, tests, benchmarks and the demo. Deterministic: the same options give the same
 * snapshot, byte for byte once written; the clock is never read (`asOf` is an option).
 */
import { DateTime } from 'luxon';
import { ChunkedList } from '../domain/chunked-list.js';
import type { Activity, Deal, Snapshot } from '../domain/snapshot.js';
import { InputError } from '../errors.js';
import { buildAccounts } from './accounts.js';
import { ActivityDrawer } from './activities.js';
import { Calendar } from './calendar.js';
import { DealDrawer } from './deals.js';
import { buildHierarchy } from './hierarchy.js';
import { buildQuotas } from './quotas.js';
import { Rng } from './random.js';
import { buildRates } from './rates.js';

export interface GenerateOptions {
  /** How many deals (opportunities); the org's size follows from it. */
  deals: number;
  seed?: number;
  /** The day the snapshot is taken (YYYY-MM-DD): deals close up to it. */
  asOf?: string;
  tenant?: string;
  timezone?: string;
  /** 2 = February, so fiscal quarters are not calendar quarters. */
  fiscalYearStartMonth?: number;
  corporateCurrency?: 'USD';
  /** Mean number of activities per deal. */
  activitiesPerDeal?: number;
}

export const GENERATE_DEFAULTS = {
  seed: 1,
  asOf: '2026-11-15',
  tenant: 'acme',
  timezone: 'America/New_York',
  fiscalYearStartMonth: 2,
  corporateCurrency: 'USD',
  activitiesPerDeal: 5,
} as const;

/** Ids are 9 base-62 digits; activities run at about 5 per deal, so this leaves plenty of room. */
export const MAX_DEALS = 20_000_000;
export const MAX_ACTIVITIES_PER_DEAL = 50;

export function generateOrg(options: GenerateOptions): Snapshot {
  const o = checkOptions(options);
  const root = Rng.fromSeed(o.seed);
  const calendar = new Calendar(o.asOf, o.timezone, o.fiscalYearStartMonth);
  const domain = `${o.tenant.toLowerCase().replace(/[^a-z0-9-]/g, '') || 'acme'}.com`;
  const org = buildHierarchy(root.split(), o.deals, calendar, domain);
  const accounts = buildAccounts(root.split(), o.deals, org.reps.length);
  const rates = buildRates(root.split(), calendar);

  // Millions of records: appended in chunks, each list made one exact-size array at the end.
  const deals = new ChunkedList<Deal>();
  const activities = new ChunkedList<Activity>();
  const dealDrawer = new DealDrawer(root.split(), calendar, org, accounts, rates);
  const activityDrawer = new ActivityDrawer(
    root.split(),
    calendar,
    org,
    accounts,
    o.activitiesPerDeal,
    activities,
    o.deals,
  );
  for (let n = 0; n < o.deals; n++) {
    const deal = dealDrawer.draw(n);
    deals.push(deal);
    activityDrawer.drawFor(deal.id, dealDrawer.facts);
  }
  const quotas = buildQuotas(root.split(), calendar, org, dealDrawer.teamWon);

  return {
    version: 1,
    tenant: o.tenant,
    corporateCurrency: o.corporateCurrency,
    timezone: o.timezone,
    fiscalYearStartMonth: o.fiscalYearStartMonth,
    internalDomains: [domain],
    users: org.users,
    managerHistory: org.managerHistory,
    deals: deals.toArray(),
    activities: activities.toArray(),
    quotas,
    rates: rates.rates,
  };
}

type CheckedOptions = Required<GenerateOptions>;

function checkOptions(options: GenerateOptions): CheckedOptions {
  const o = { ...GENERATE_DEFAULTS, ...stripUndefined(options) } as CheckedOptions;
  const problems: string[] = [];
  if (!Number.isSafeInteger(o.deals) || o.deals < 1 || o.deals > MAX_DEALS) {
    problems.push(`deals: must be a whole number from 1 to ${MAX_DEALS}, not ${String(o.deals)}`);
  }
  if (!Number.isSafeInteger(o.seed) || o.seed < 0 || o.seed > 0xffff_ffff) {
    problems.push(`seed: must be a whole number from 0 to 4294967295, not ${String(o.seed)}`);
  }
  if (
    typeof o.asOf !== 'string' ||
    !/^\d{4}-\d{2}-\d{2}$/.test(o.asOf) ||
    !DateTime.fromISO(o.asOf, { zone: 'utc' }).isValid
  ) {
    problems.push(`asOf: must be a date YYYY-MM-DD, not ${JSON.stringify(o.asOf)}`);
  }
  if (typeof o.tenant !== 'string' || o.tenant === '') problems.push('tenant: must be a non-empty string');
  if (typeof o.timezone !== 'string' || !DateTime.local().setZone(o.timezone).isValid) {
    problems.push(
      `timezone: must be an IANA time zone such as "America/New_York", not ${JSON.stringify(o.timezone)}`,
    );
  }
  if (
    !Number.isInteger(o.fiscalYearStartMonth) ||
    o.fiscalYearStartMonth < 1 ||
    o.fiscalYearStartMonth > 12
  ) {
    problems.push(
      `fiscalYearStartMonth: must be a month number from 1 to 12, not ${String(o.fiscalYearStartMonth)}`,
    );
  }
  if (o.corporateCurrency !== 'USD') {
    problems.push(`corporateCurrency: only "USD" is supported, not ${JSON.stringify(o.corporateCurrency)}`);
  }
  if (
    typeof o.activitiesPerDeal !== 'number' ||
    !Number.isFinite(o.activitiesPerDeal) ||
    o.activitiesPerDeal < 0 ||
    o.activitiesPerDeal > MAX_ACTIVITIES_PER_DEAL
  ) {
    problems.push(
      `activitiesPerDeal: must be a number from 0 to ${MAX_ACTIVITIES_PER_DEAL}, not ${String(o.activitiesPerDeal)}`,
    );
  }
  if (problems.length > 0) throw new InputError(problems);
  return o;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
