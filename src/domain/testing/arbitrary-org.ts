/**
 * fast-check arbitraries for small but varied orgs and policies: every rule's inputs vary (time
 * zones, fiscal starts, history, splits, statuses, externals by flag, contact and domain, date-only
 * activities, unknown deal and user ids), and every generated org passes parseSnapshot.
 */
import fc from 'fast-check';
import { DateTime } from 'luxon';
import type { PolicyInput } from '../policy.js';
import { PARTICIPANT_STATUSES, type SnapshotInput } from '../snapshot.js';
import { USERS } from './org-builder.js';

type ActivityInput = SnapshotInput['activities'][number];
type ParticipantInput = ActivityInput['participants'][number];
type DealInput = SnapshotInput['deals'][number];

const USER_IDS = USERS.map((u) => u.id);
const ZONES = ['America/New_York', 'UTC', 'Asia/Kathmandu', 'Australia/Sydney', 'Pacific/Honolulu'];
// A short range, so that most activities fall in most deals' windows and many decisions are credited.
const FIRST_DAY = DateTime.fromISO('2025-12-01', { zone: 'UTC' });
const DAYS = 150;

const day = fc.integer({ min: 0, max: DAYS }).map((n) => FIRST_DAY.plus({ days: n }).toISODate()!);
const closeDay = fc.integer({ min: 60, max: DAYS - 5 }).map((n) => FIRST_DAY.plus({ days: n }).toISODate()!);
const instant = fc.integer({ min: 0, max: DAYS * 96 }).map(
  (quarterHours) =>
    FIRST_DAY.plus({ minutes: quarterHours * 15 })
      .toUTC()
      .toISO({ suppressMilliseconds: true })!,
);

const amount = fc
  .tuple(
    fc.integer({ min: 0, max: 5_000_000 }),
    fc.integer({ min: 0, max: 999 }),
    fc.constantFrom(0, 1, 2, 3),
  )
  .map(([whole, frac, scale]) =>
    scale === 0 ? `${whole}` : `${whole}.${String(frac).padStart(3, '0').slice(0, scale)}`,
  );

const percent = fc.constantFrom('100', '50', '60', '40', '33.33', '33.34', '25', '12.5', '0');

// Mostly the statuses that count, so that participation is common; every status appears.
const status = fc.oneof(
  { arbitrary: fc.constantFrom('accepted' as const, 'attended' as const), weight: 3 },
  { arbitrary: fc.constantFrom(...PARTICIPANT_STATUSES), weight: 2 },
);

const participant: fc.Arbitrary<ParticipantInput> = fc.oneof(
  fc.record({
    // The managers (M1, M2 and their director D1) more often than the reps.
    userId: fc.oneof(
      { arbitrary: fc.constantFrom('M1', 'M2', 'D1'), weight: 3 },
      { arbitrary: fc.constantFrom(...USER_IDS, 'GHOST'), weight: 1 },
    ),
    role: fc.constantFrom('organizer' as const, 'attendee' as const, 'attendee' as const),
    status,
  }),
  fc
    .record(
      {
        contactId: fc.constantFrom('C1', 'C2', 'C3'),
        email: fc.constantFrom('buyer@globex.com', 'cfo@initech.com', 'x@acme.com'),
        external: fc.boolean(),
        role: fc.constant('attendee' as const),
        status,
      },
      { requiredKeys: ['role', 'status'] },
    )
    .filter((p) => p.contactId !== undefined || p.email !== undefined),
);

export interface ArbitraryOrgOptions {
  maxDeals?: number;
  maxActivities?: number;
}

export function arbitraryOrg({
  maxDeals = 5,
  maxActivities = 20,
}: ArbitraryOrgOptions = {}): fc.Arbitrary<SnapshotInput> {
  const dealIds = Array.from({ length: maxDeals }, (_, i) => `DL${i}`);
  const deal: fc.Arbitrary<DealInput> = fc.record({
    id: fc.constantFrom(...dealIds),
    name: fc.constant('Deal'),
    ownerId: fc.constantFrom(...USER_IDS),
    accountId: fc.constantFrom('A1', 'A2', null),
    amount,
    currency: fc.constantFrom('USD', 'EUR'),
    closeDate: closeDay,
    won: fc.oneof({ arbitrary: fc.constant(true), weight: 4 }, { arbitrary: fc.constant(false), weight: 1 }),
    splits: fc.array(
      fc.record({ userId: fc.constantFrom(...USER_IDS), percent: percent as fc.Arbitrary<string> }),
      {
        maxLength: 3,
      },
    ),
  });
  /** Activities linked mostly to deals that exist, sometimes to none or to a deal id that names none. */
  const activity = (existing: readonly string[]): fc.Arbitrary<ActivityInput> =>
    fc
      .record({
        id: fc.integer({ min: 0, max: 999 }).map((n) => `AC${n}`),
        kind: fc.constantFrom('meeting' as const, 'call' as const),
        dealIds: fc.oneof(
          {
            arbitrary: fc.uniqueArray(fc.constantFrom(...existing), { minLength: 1, maxLength: 2 }),
            weight: 5,
          },
          { arbitrary: fc.uniqueArray(fc.constantFrom(...dealIds, 'GONE'), { maxLength: 2 }), weight: 2 },
        ),
        accountId: fc.constantFrom('A1', 'A2', null),
        start: fc.option(instant, { freq: 3 }),
        date: fc.option(day),
        canceled: fc.oneof(
          { arbitrary: fc.constant(false), weight: 4 },
          { arbitrary: fc.constant(true), weight: 1 },
        ),
        participants: fc.array(participant, { minLength: 1, maxLength: 5 }),
      })
      .map((a) => (a.start === null && a.date === null ? { ...a, date: '2026-01-15' } : a));

  return fc
    .record({
      version: fc.constant(1 as const),
      tenant: fc.constant('acme'),
      corporateCurrency: fc.constant('USD'),
      timezone: fc.constantFrom(...ZONES),
      fiscalYearStartMonth: fc.integer({ min: 1, max: 12 }),
      internalDomains: fc.constantFrom(['acme.com'], ['acme.com', 'initech.com']).map((d) => [...d]),
      users: fc.constant(USERS),
      managerHistory: fc.uniqueArray(
        fc.record({
          userId: fc.constantFrom(...USER_IDS),
          managerId: fc.constantFrom(...USER_IDS, null),
          from: day,
        }),
        { maxLength: 5, selector: (h) => `${h.userId} ${h.from}` },
      ),
      deals: fc.uniqueArray(deal, {
        minLength: 1,
        maxLength: maxDeals,
        selector: (d) => d.id,
        size: 'medium',
      }),
      quotas: fc.uniqueArray(
        fc.record({
          managerId: fc.constantFrom(...USER_IDS),
          period: fc.constantFrom('FY2026-Q1', 'FY2026-Q2', 'FY2026-Q4', 'FY2027-Q1', 'FY2026-M03'),
          amount: fc.constantFrom('0', '1000', '25000.50', '123456.789'),
        }),
        { maxLength: 4, selector: (q) => `${q.managerId} ${q.period}` },
      ),
      rates: fc
        .uniqueArray(
          fc.record({
            currency: fc.constant('EUR'),
            rate: fc.constantFrom('0.92', '1.1', '0.333'),
            from: day,
          }),
          {
            maxLength: 3,
            selector: (r) => r.from,
          },
        )
        .map((rates) => [{ currency: 'EUR', rate: '0.9', from: '2020-01-01' }, ...rates]),
    })
    .chain((org) =>
      fc
        .uniqueArray(activity(org.deals.map((d) => d.id)), {
          minLength: 1,
          maxLength: maxActivities,
          selector: (a) => a.id,
          size: 'medium',
        })
        .map((activities): SnapshotInput => ({ ...org, activities })),
    );
}

export const arbitraryPolicy: fc.Arbitrary<PolicyInput> = fc.record({
  // Mostly wide windows and one activity needed, so that many decisions are credited.
  lookbackDays: fc.oneof(
    { arbitrary: fc.constantFrom(90, 120), weight: 4 },
    { arbitrary: fc.constantFrom(0, 1, 30), weight: 1 },
  ),
  activityKinds: fc.constantFrom(
    ['meeting', 'call'] as const,
    ['meeting'] as const,
    ['call', 'meeting'] as const,
  ),
  countedStatuses: fc.constantFrom(
    ['accepted', 'attended'] as const,
    ['attended', 'tentative', 'accepted'] as const,
  ),
  requireExternalParticipant: fc.boolean(),
  minActivities: fc.oneof(
    { arbitrary: fc.constant(1), weight: 4 },
    { arbitrary: fc.integer({ min: 2, max: 3 }), weight: 1 },
  ),
  includeAccountActivities: fc.boolean(),
  managerLevels: fc.constantFrom(1 as const, 2 as const),
  creditBasis: fc.constantFrom('owner' as const, 'splits' as const),
  period: fc.constantFrom('quarter' as const, 'month' as const),
});

/** A seeded shuffle (mulberry32), so a failing case replays from fast-check's seed. */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** Every array of a snapshot and a policy, shuffled, down to participants, deal ids and splits. */
export function shuffleAll(
  input: SnapshotInput,
  policy: PolicyInput,
  seed: number,
): [SnapshotInput, PolicyInput] {
  let n = seed;
  const mix = <T>(items: readonly T[] | undefined): T[] => shuffled(items ?? [], n++);
  return [
    {
      ...input,
      internalDomains: mix(input.internalDomains),
      users: mix(input.users),
      managerHistory: mix(input.managerHistory),
      deals: mix(input.deals).map((d) => ({ ...d, splits: mix(d.splits) })),
      activities: mix(input.activities).map((a) => ({
        ...a,
        dealIds: mix(a.dealIds),
        participants: mix(a.participants),
      })),
      quotas: mix(input.quotas),
      rates: mix(input.rates),
    },
    { ...policy, activityKinds: mix(policy.activityKinds), countedStatuses: mix(policy.countedStatuses) },
  ];
}
