/**
 * Everything about a tenant's org that does not change from deal to deal, indexed once:
 * users, manager history, rates, quotas, and caches for the dates every deal asks about.
 * `prepareOrg` builds it; `evaluateDeal` and the attainment functions read it.
 */
import { type LocalDates, localDatesIn } from './activity-dates.js';
import { ManagerIndex } from './managers.js';
import { cents } from './money.js';
import { parseDay, periodOfDay } from './periods.js';
import type { Policy } from './policy.js';
import { RateIndex } from './rates.js';
import type { ActivityKind, ParticipantStatus, Snapshot, User } from './snapshot.js';

/** The snapshot without its deals and activities: what the engine indexes once per tenant. */
export type OrgInput = Omit<Snapshot, 'deals' | 'activities'>;

/** What the engine needs to know about one close date; shared by all deals closing that day. */
export interface CloseDay {
  closeDate: string;
  /** The fiscal period of the close date under the policy's period kind. */
  period: string;
  /** closeDate - lookbackDays: the window is [windowStart, closeDate], both ends included. */
  windowStart: string;
  /**
   * Reasons of managers absent from all N counting activities, at index N, shared by the deals
   * of the day. An array, not a Map: N is a handful, and this is read for most decisions.
   */
  absentReasons: string[];
}

export interface QuotaEntry {
  managerId: string;
  period: string;
  /** Corporate currency, rounded half-even to cents. */
  amount: string;
}

export interface OrgContext {
  readonly org: OrgInput;
  readonly policy: Policy;
  readonly users: ReadonlyMap<string, User>;
  readonly managers: ManagerIndex;
  readonly rates: RateIndex;
  /** Keyed by `quotaKey(managerId, period)`. */
  readonly quotas: ReadonlyMap<string, QuotaEntry>;
  readonly internalDomains: ReadonlySet<string>;
  readonly countedStatuses: ReadonlySet<ParticipantStatus>;
  readonly activityKinds: ReadonlySet<ActivityKind>;
  readonly dates: LocalDates;
  closeDay(closeDate: string): CloseDay;
  /** A user's name for sentences, or the id when the snapshot does not know the user. */
  nameOf(userId: string): string;
}

/** A map key for a (manager, period) pair; NUL cannot occur in an id or a period label. */
export function quotaKey(managerId: string, period: string): string {
  return `${managerId}\u0000${period}`;
}

export function prepareOrg(org: OrgInput, policy: Policy): OrgContext {
  const users = new Map<string, User>();
  for (const u of org.users) users.set(u.id, u);
  const quotas = new Map<string, QuotaEntry>();
  for (const q of org.quotas) {
    quotas.set(quotaKey(q.managerId, q.period), {
      managerId: q.managerId,
      period: q.period,
      amount: cents(q.amount),
    });
  }
  const closeDays = new Map<string, CloseDay>();
  return {
    org,
    policy,
    users,
    managers: new ManagerIndex(org.users, org.managerHistory),
    rates: new RateIndex(org.corporateCurrency, org.rates),
    quotas,
    internalDomains: new Set(org.internalDomains.map((d) => d.toLowerCase())),
    countedStatuses: new Set(policy.countedStatuses),
    activityKinds: new Set(policy.activityKinds),
    dates: localDatesIn(org.timezone),
    closeDay(closeDate) {
      let day = closeDays.get(closeDate);
      if (day === undefined) {
        // One parse serves the period and the window: luxon costs tens of microseconds a date.
        const parsed = parseDay(closeDate);
        day = {
          closeDate,
          period: periodOfDay(parsed, org.fiscalYearStartMonth, policy.period),
          windowStart: parsed.minus({ days: policy.lookbackDays }).toISODate()!,
          absentReasons: [],
        };
        closeDays.set(closeDate, day);
      }
      return day;
    },
    nameOf(userId) {
      return users.get(userId)?.name || userId;
    },
  };
}
