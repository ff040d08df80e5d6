/**
 * Small hand-written orgs for the engine's tests: one director over two managers over reps, a
 * rep with no manager, EUR rates, and builders for deals and activities with sensible defaults
 * that a test overrides only where it matters.
 */
import type { Policy, PolicyInput } from '../policy.js';
import { parsePolicy } from '../policy.js';
import { type Activity, type Deal, parseSnapshot, type Snapshot, type SnapshotInput } from '../snapshot.js';

type DealInput = SnapshotInput['deals'][number];
type ActivityInput = SnapshotInput['activities'][number];
type ParticipantInput = ActivityInput['participants'][number];

export const USERS: SnapshotInput['users'] = [
  { id: 'D1', name: 'Dana Director', email: 'dana@acme.com', managerId: null, active: true },
  { id: 'M1', name: 'Mia Manager', email: 'mia@acme.com', managerId: 'D1', active: true },
  { id: 'M2', name: 'Max Manager', email: 'max@acme.com', managerId: 'D1', active: true },
  { id: 'R1', name: 'Rita Rep', email: 'rita@acme.com', managerId: 'M1', active: true },
  { id: 'R2', name: 'Ray Rep', email: 'ray@acme.com', managerId: 'M2', active: true },
  { id: 'R3', name: 'Rob Rep', email: 'rob@acme.com', managerId: 'M1', active: true },
  { id: 'R4', name: 'Rae Rep', email: 'rae@acme.com', managerId: 'D1', active: false },
  { id: 'R0', name: 'Rex Loner', email: 'rex@acme.com', managerId: null, active: true },
];

export function org(overrides: Partial<SnapshotInput> = {}): SnapshotInput {
  return {
    version: 1,
    tenant: 'acme',
    corporateCurrency: 'USD',
    timezone: 'America/New_York',
    fiscalYearStartMonth: 1,
    internalDomains: ['acme.com'],
    users: USERS,
    managerHistory: [],
    deals: [],
    activities: [],
    quotas: [],
    rates: [{ currency: 'EUR', rate: '0.92', from: '2025-01-01' }],
    ...overrides,
  };
}

/** A won USD deal of Rita's, closing 2026-03-15 (window from 2025-12-15 at 90 days). */
export function deal(overrides: Partial<DealInput> = {}): DealInput {
  return {
    id: 'DL1',
    name: 'Globex renewal',
    ownerId: 'R1',
    accountId: 'A1',
    amount: '1000.00',
    currency: 'USD',
    closeDate: '2026-03-15',
    won: true,
    splits: [],
    ...overrides,
  };
}

export const buyer = (overrides: Partial<ParticipantInput> = {}): ParticipantInput => ({
  contactId: 'C1',
  email: 'buyer@globex.com',
  role: 'attendee',
  status: 'accepted',
  ...overrides,
});

export const user = (
  userId: string,
  status: ParticipantInput['status'] = 'accepted',
  role: ParticipantInput['role'] = 'attendee',
): ParticipantInput => ({ userId, role, status });

/** A meeting on DL1 on 2026-03-10 (local), organized by Rita, attended by Mia and a buyer. */
export function meeting(overrides: Partial<ActivityInput> = {}): ActivityInput {
  return {
    id: '00U1',
    kind: 'meeting',
    dealIds: ['DL1'],
    accountId: 'A1',
    start: '2026-03-10T15:00:00Z',
    date: null,
    canceled: false,
    participants: [user('R1', 'accepted', 'organizer'), user('M1'), buyer()],
    ...overrides,
  };
}

/** A date-only call on DL1 logged by Mia with the buyer. */
export function call(overrides: Partial<ActivityInput> = {}): ActivityInput {
  return {
    id: '00T1',
    kind: 'call',
    dealIds: ['DL1'],
    accountId: 'A1',
    start: null,
    date: '2026-03-12',
    canceled: false,
    participants: [user('M1', 'accepted', 'organizer'), buyer({ status: 'attended' })],
    ...overrides,
  };
}

/** Parses through the real schema, so every test org is a valid one. */
export function snapshotOf(input: SnapshotInput): Snapshot {
  return parseSnapshot(input);
}

export function policyOf(input: PolicyInput = {}): Policy {
  return parsePolicy(input);
}

export type { Activity, Deal };
