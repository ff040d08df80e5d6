/**
 * A small hand-written org for store and job tests: two managers, three reps, two quarters of
 * quotas, and builders for deals and meetings that the engine credits or not.
 */
import type { OrgInput } from '../../src/domain/org-context.js';
import { DEFAULT_POLICY, type Policy } from '../../src/domain/policy.js';
import type { Activity, Deal, Quota } from '../../src/domain/snapshot.js';

export const QUOTAS: Quota[] = [
  { managerId: 'M1', period: 'FY2026-Q1', amount: '1000.00' },
  { managerId: 'M2', period: 'FY2026-Q1', amount: '2000.00' },
  { managerId: 'M1', period: 'FY2026-Q2', amount: '1500.00' },
];

export function smallOrg(quotas: Quota[] = QUOTAS): OrgInput {
  return {
    version: 1,
    tenant: 'acme',
    corporateCurrency: 'USD',
    timezone: 'America/New_York',
    fiscalYearStartMonth: 1,
    internalDomains: ['acme.com'],
    users: [
      { id: 'M1', name: 'Mia Manager', email: 'mia@acme.com', managerId: null, active: true },
      { id: 'M2', name: 'Moe Manager', email: 'moe@acme.com', managerId: null, active: true },
      { id: 'R1', name: 'Rita Rep', email: 'rita@acme.com', managerId: 'M1', active: true },
      { id: 'R2', name: 'Ray Rep', email: 'ray@acme.com', managerId: 'M1', active: true },
      { id: 'R3', name: 'Rob Rep', email: 'rob@acme.com', managerId: 'M2', active: true },
    ],
    managerHistory: [],
    quotas,
    rates: [{ currency: 'EUR', rate: '0.92', from: '2026-01-01' }],
  };
}

export const POLICY: Policy = DEFAULT_POLICY;

export function deal(id: string, over: Partial<Deal> = {}): Deal {
  return {
    id,
    name: `Deal ${id}`,
    ownerId: 'R1',
    accountId: null,
    amount: '100.00',
    currency: 'USD',
    closeDate: '2026-03-15',
    won: true,
    splits: [],
    ...over,
  };
}

/** A meeting on `date` (noon UTC) with the given internal users and one external buyer. */
export function meeting(id: string, dealIds: string[], userIds: string[], date = '2026-03-10'): Activity {
  return {
    id,
    kind: 'meeting',
    dealIds,
    accountId: null,
    start: `${date}T12:00:00Z`,
    date: null,
    canceled: false,
    participants: [
      ...userIds.map((userId, i) => ({
        userId,
        role: i === 0 ? ('organizer' as const) : ('attendee' as const),
        status: 'accepted' as const,
      })),
      { email: 'buyer@globex.com', role: 'attendee' as const, status: 'accepted' as const },
    ],
  };
}
