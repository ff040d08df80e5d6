/**
 * What playercoach writes into the CRM (DESIGN.md "What lands in the CRM"), in domain terms.
 * Connectors map these to their own fields (Salesforce PC_..._c, HubSpot pc_...) and map what
 * they read back from the CRM into the same shapes, so "only what changed" is decided here,
 * once, for both CRMs.
 */
import { Decimal } from 'decimal.js';
import { NOT_WON_FIELDS } from './deal-fields.js';

/** The fields on one deal (Opportunity / HubSpot deal). */
export interface DealFields {
  /** At least one evaluated manager was credited. */
  involved: boolean;
  /** The credited manager of the lowest level (level 1 before level 2); null when none. */
  creditedManagerId: string | null;
  /** That manager's credit in the deal's own currency, 2 decimals; "0.00" when none. */
  credit: string;
  /** Sentences for people: who was credited and why, or why not. */
  reason: string;
}

/** One attainment record per manager and period (Salesforce PC_Manager_Attainment__c). */
export interface AttainmentFields {
  managerId: string;
  period: string;
  /** Corporate currency, 2 decimals; null where there is no quota. */
  quota: string | null;
  credited: string;
  /** A ratio with 4 decimals ("0.5217" is 52.17%); null where there is no quota or it is zero. */
  attainment: string | null;
  assistedDeals: number;
  teamWonDeals: number;
  teamWonAmount: string;
}

/** The current-period figures on a manager's user record. */
export interface UserFields {
  currentAttainment: string | null;
  currentCredited: string;
}

export interface WriteBackPlan {
  /** Stamped on every deal written (PC_Evaluated_At__c); never a reason to write by itself. */
  evaluatedAt: string;
  deals: Array<{ dealId: string } & DealFields>;
  /** `key` is `<managerId>:<period>`, the external id PC_Key__c. */
  attainment: Array<{ key: string } & AttainmentFields>;
  users: Array<{ userId: string } & UserFields>;
}

/** What the CRM holds now, as read by a pull. A record missing from a map has empty fields. */
export interface CrmFieldState {
  deals: ReadonlyMap<string, DealFields>;
  attainment: ReadonlyMap<string, AttainmentFields>;
  users: ReadonlyMap<string, UserFields>;
}

export const EMPTY_FIELD_STATE: CrmFieldState = { deals: new Map(), attainment: new Map(), users: new Map() };

export function attainmentKey(managerId: string, period: string): string {
  return `${managerId}:${period}`;
}

function sameMoney(a: string | null, b: string | null): boolean {
  // The same text is the same amount: most comparisons end here, without parsing two decimals
  // (a third of a second of a 100k-deal backfill).
  if (a === b) return true;
  if (a === null || b === null) return false;
  return new Decimal(a).equals(new Decimal(b));
}

export function sameDealFields(a: DealFields, b: DealFields): boolean {
  // The amount last: the other fields are compared as they are, and usually decide.
  return (
    a.involved === b.involved &&
    a.creditedManagerId === b.creditedManagerId &&
    a.reason === b.reason &&
    sameMoney(a.credit, b.credit)
  );
}

export function sameAttainmentFields(a: AttainmentFields, b: AttainmentFields): boolean {
  return (
    a.managerId === b.managerId &&
    a.period === b.period &&
    sameMoney(a.quota, b.quota) &&
    sameMoney(a.credited, b.credited) &&
    sameMoney(a.attainment, b.attainment) &&
    a.assistedDeals === b.assistedDeals &&
    a.teamWonDeals === b.teamWonDeals &&
    sameMoney(a.teamWonAmount, b.teamWonAmount)
  );
}

export function sameUserFields(a: UserFields, b: UserFields): boolean {
  return (
    sameMoney(a.currentAttainment, b.currentAttainment) && sameMoney(a.currentCredited, b.currentCredited)
  );
}

/**
 * Whether a deal's fields must be written, given what the CRM holds (`now`, undefined when
 * playercoach never wrote the deal). A deal never written that is not won has nothing to say: it
 * is left untouched rather than stamped "not credited" (a backfill would otherwise write every
 * lost deal of the org once). A deal that loses its win after it was written is still cleared,
 * since its fields then differ.
 */
export function dealNeedsWrite(desired: DealFields, now: DealFields | undefined): boolean {
  return !sameDealFields(desired, now ?? NOT_WON_FIELDS);
}

/** Keeps only the records whose values differ from what the CRM holds. */
export function diffWriteBack(desired: WriteBackPlan, current: CrmFieldState): WriteBackPlan {
  return {
    evaluatedAt: desired.evaluatedAt,
    deals: desired.deals.filter((d) => dealNeedsWrite(d, current.deals.get(d.dealId))),
    attainment: desired.attainment.filter((a) => {
      const now = current.attainment.get(a.key);
      return now === undefined || !sameAttainmentFields(a, now);
    }),
    users: desired.users.filter((u) => {
      const now = current.users.get(u.userId);
      return now === undefined || !sameUserFields(u, now);
    }),
  };
}

export function isEmptyPlan(plan: WriteBackPlan): boolean {
  return plan.deals.length === 0 && plan.attainment.length === 0 && plan.users.length === 0;
}
