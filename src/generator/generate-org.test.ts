// Protects the synthetic org every sandbox, test, benchmark and the demo load: it must be a valid
// snapshot, the same for a seed, hold only what Salesforce and HubSpot can hold, and have the
// shares (won, currencies, cancellations, date-only calls, splits...) the issue asks for.
import { Decimal } from 'decimal.js';
import { DateTime } from 'luxon';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Activity, parseSnapshot, type Snapshot } from '../domain/snapshot.js';
import { InputError } from '../errors.js';
import { contactName } from './accounts.js';
import { Calendar } from './calendar.js';
import { generateOrg } from './generate-org.js';

const N = 5000;
let org: Snapshot;

beforeAll(() => {
  org = generateOrg({ deals: N });
});

const share = (part: number, whole: number) => part / whole;
const meetings = () => org.activities.filter((a) => a.kind === 'meeting');
const calls = () => org.activities.filter((a) => a.kind === 'call');
const daysBetween = (from: string, to: string) =>
  DateTime.fromISO(to, { zone: 'utc' }).diff(DateTime.fromISO(from, { zone: 'utc' }), 'days').days;
const localDate = (a: Activity, zone: string) =>
  a.start === null ? a.date! : DateTime.fromISO(a.start, { zone: 'utc' }).setZone(zone).toISODate()!;

describe('generateOrg', () => {
  it('makes a snapshot that passes parseSnapshot unchanged', () => {
    expect(parseSnapshot(JSON.parse(JSON.stringify(org)))).toEqual(org);
    // Also straight from memory, where records share frozen arrays and participant objects.
    expect(parseSnapshot(org)).toEqual(org);
  });

  it('passes parseSnapshot for other seeds, sizes, dates and fiscal years', () => {
    for (const options of [
      { deals: 1, seed: 0 },
      { deals: 7, seed: 4294967295, fiscalYearStartMonth: 1 },
      { deals: 300, seed: 3, asOf: '2025-03-01', fiscalYearStartMonth: 10, timezone: 'Europe/Berlin' },
      { deals: 200, seed: 9, activitiesPerDeal: 0 },
    ]) {
      expect(() => parseSnapshot(JSON.parse(JSON.stringify(generateOrg(options))))).not.toThrow();
    }
  });

  it('is deterministic for a seed and differs between seeds', () => {
    const a = JSON.stringify(generateOrg({ deals: 500, seed: 42 }));
    expect(JSON.stringify(generateOrg({ deals: 500, seed: 42 }))).toBe(a);
    expect(JSON.stringify(generateOrg({ deals: 500, seed: 43 }))).not.toBe(a);
  });

  it('refuses bad options with one message per problem', () => {
    expect(() => generateOrg({ deals: 0 })).toThrow(InputError);
    expect(() => generateOrg({ deals: 1.5 })).toThrow(/deals: must be a whole number/);
    expect(() => generateOrg({ deals: 10, asOf: '2026-02-30' })).toThrow(/asOf: must be a date/);
    expect(() => generateOrg({ deals: 10, seed: -1 })).toThrow(/seed:/);
    expect(() => generateOrg({ deals: 10, timezone: 'Mars/Base' })).toThrow(/timezone:/);
    expect(() => generateOrg({ deals: 10, fiscalYearStartMonth: 13 })).toThrow(/fiscalYearStartMonth:/);
    try {
      generateOrg({ deals: -1, activitiesPerDeal: -2 });
    } catch (err) {
      expect((err as InputError).issues).toHaveLength(2);
    }
  });
});

describe('the hierarchy', () => {
  it('has one VP, directors under the VP, managers under directors, reps under managers', () => {
    const byId = new Map(org.users.map((u) => [u.id, u]));
    const tops = org.users.filter((u) => u.managerId === null);
    expect(tops).toHaveLength(1);
    const level = (id: string): number => {
      const m = byId.get(id)!.managerId;
      return m === null ? 0 : 1 + level(m);
    };
    const counts = [0, 0, 0, 0];
    for (const u of org.users) counts[level(u.id)]!++;
    const [, directors, managers, reps] = counts as [number, number, number, number];
    expect(directors).toBeGreaterThanOrEqual(2);
    expect(reps).toBeGreaterThanOrEqual(N / 200);
    expect(reps).toBeLessThanOrEqual(N / 100);
    expect(reps / managers).toBeGreaterThanOrEqual(5);
    expect(reps / managers).toBeLessThanOrEqual(8);
    expect(new Set(org.deals.map((d) => d.ownerId)).size).toBe(reps);
  });

  it('uses the internal domain for every user, with unique emails, and has inactive users', () => {
    expect(org.internalDomains).toEqual(['acme.com']);
    expect(org.users.every((u) => u.email.endsWith('@acme.com'))).toBe(true);
    expect(new Set(org.users.map((u) => u.email)).size).toBe(org.users.length);
    expect(org.users.some((u) => !u.active)).toBe(true);
  });

  it('dates manager changes, ends each history at the current manager, and has a rare gap', () => {
    const byUser = new Map<string, { managerId: string | null; from: string }[]>();
    for (const h of org.managerHistory) byUser.set(h.userId, [...(byUser.get(h.userId) ?? []), h]);
    expect(byUser.size).toBeGreaterThanOrEqual(2);
    for (const [userId, entries] of byUser) {
      const sorted = [...entries].sort((a, b) => a.from.localeCompare(b.from));
      expect(sorted[sorted.length - 1]!.managerId).toBe(org.users.find((u) => u.id === userId)!.managerId);
      expect(new Set(sorted.map((e) => e.managerId)).size).toBeGreaterThan(1);
    }
    expect(org.managerHistory.some((h) => h.managerId === null)).toBe(true);
  });
});

describe('deals', () => {
  it('are about 72% won, the rest lost', () => {
    const won = share(org.deals.filter((d) => d.won).length, N);
    expect(won).toBeGreaterThanOrEqual(0.69);
    expect(won).toBeLessThanOrEqual(0.75);
  });

  it('are mostly in USD, some in EUR, GBP and CAD', () => {
    const byCurrency = (c: string) => share(org.deals.filter((d) => d.currency === c).length, N);
    expect(byCurrency('USD')).toBeGreaterThan(0.65);
    for (const c of ['EUR', 'GBP', 'CAD']) expect(byCurrency(c)).toBeGreaterThan(0.03);
    expect(byCurrency('USD') + byCurrency('EUR') + byCurrency('GBP') + byCurrency('CAD')).toBeCloseTo(1, 12);
  });

  it('have 2-decimal amounts in a realistic spread', () => {
    expect(org.deals.every((d) => /^\d+\.\d{2}$/.test(d.amount) && Number(d.amount) > 0)).toBe(true);
    const amounts = org.deals.map((d) => Number(d.amount)).sort((a, b) => a - b);
    expect(amounts[Math.floor(N / 2)]).toBeGreaterThan(8_000);
    expect(amounts[Math.floor(N / 2)]).toBeLessThan(40_000);
    expect(amounts[N - 1]! / amounts[Math.floor(N / 2)]!).toBeGreaterThan(10);
  });

  it('close over 6-8 fiscal quarters up to asOf', () => {
    const closes = org.deals.map((d) => d.closeDate).sort();
    expect(closes[N - 1]! <= '2026-11-15').toBe(true);
    expect(closes[0]! >= '2025-02-01').toBe(true);
    expect(daysBetween(closes[0]!, closes[N - 1]!)).toBeGreaterThan(6 * 91);
  });

  it('carry splits on about 10% of deals: 2-3 owners, the deal owner first, percents summing to 100', () => {
    const split = org.deals.filter((d) => d.splits.length > 0);
    expect(share(split.length, N)).toBeGreaterThanOrEqual(0.08);
    expect(share(split.length, N)).toBeLessThanOrEqual(0.12);
    const managerOf = new Map(org.users.map((u) => [u.id, u.managerId]));
    let acrossTeams = 0;
    for (const d of split) {
      expect(d.splits.length === 2 || d.splits.length === 3).toBe(true);
      expect(d.splits[0]!.userId).toBe(d.ownerId);
      expect(new Set(d.splits.map((s) => s.userId)).size).toBe(d.splits.length);
      expect(d.splits.reduce((sum, s) => sum.plus(s.percent), new Decimal(0)).eq(100)).toBe(true);
      if (new Set(d.splits.map((s) => managerOf.get(s.userId))).size > 1) acrossTeams++;
    }
    expect(acrossTeams).toBeGreaterThan(0);
  });

  it('have a rate for every non-USD deal on its close date', () => {
    for (const c of ['EUR', 'GBP', 'CAD']) {
      const entries = org.rates.filter((r) => r.currency === c);
      expect(entries.length).toBeGreaterThanOrEqual(6);
      expect(entries.every((r) => /^\d+\.\d{4}$/.test(r.rate))).toBe(true);
    }
    const eur = Number(org.rates.find((r) => r.currency === 'EUR')!.rate);
    expect(eur).toBeGreaterThan(0.8);
    expect(eur).toBeLessThan(1);
  });
});

describe('activities', () => {
  it('average about 5 per deal, with some deals having none', () => {
    const perDeal = share(org.activities.length, N);
    expect(perDeal).toBeGreaterThanOrEqual(4.6);
    expect(perDeal).toBeLessThanOrEqual(5.4);
    const withActivity = new Set(org.activities.flatMap((a) => a.dealIds));
    expect(share(N - withActivity.size, N)).toBeGreaterThan(0.03);
  });

  it('are about 60% meetings and 40% calls, 3% linked only to the account', () => {
    expect(share(meetings().length, org.activities.length)).toBeGreaterThanOrEqual(0.57);
    expect(share(meetings().length, org.activities.length)).toBeLessThanOrEqual(0.63);
    const accountOnly = share(
      org.activities.filter((a) => a.dealIds.length === 0).length,
      org.activities.length,
    );
    expect(accountOnly).toBeGreaterThanOrEqual(0.02);
    expect(accountOnly).toBeLessThanOrEqual(0.04);
  });

  it('link to one deal and its account, or to an account only', () => {
    const deals = new Map(org.deals.map((d) => [d.id, d]));
    const problems: string[] = [];
    for (const a of org.activities) {
      if (a.dealIds.length > 1) problems.push(`${a.id}: linked to ${a.dealIds.length} deals`);
      if (a.accountId === null) problems.push(`${a.id}: no account`);
      if (a.dealIds.length === 1 && deals.get(a.dealIds[0]!)?.accountId !== a.accountId) {
        problems.push(`${a.id}: account ${a.accountId} is not its deal's`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('hold only what both CRMs can hold', () => {
    const users = new Set(org.users.map((u) => u.id));
    const problems: string[] = [];
    const check = (a: Activity, ok: boolean, what: string) => {
      if (!ok) problems.push(`${a.id}: ${what}`);
    };
    for (const a of org.activities) {
      for (const p of a.participants) {
        check(
          a,
          p.userId === undefined || p.contactId === undefined,
          'a participant with userId and contactId',
        );
        check(a, p.external === undefined, 'an external flag');
        if (p.userId !== undefined) {
          check(a, users.has(p.userId) && p.email === undefined, `user participant ${p.userId}`);
        } else {
          check(a, /^003[0-9A-Za-z]{15}$/.test(p.contactId ?? ''), `contact id ${p.contactId}`);
          check(
            a,
            /^[a-z0-9.]+@[a-z0-9.-]+$/.test(p.email ?? '') && !p.email!.endsWith('@acme.com'),
            'email',
          );
          check(a, p.role === 'attendee', 'a contact as organizer');
        }
      }
      const organizers = a.participants.filter((p) => p.role === 'organizer');
      check(a, organizers.length === 1 && organizers[0]!.userId !== undefined, 'not one user organizer');
      const userIds = a.participants.flatMap((p) => (p.userId ? [p.userId] : []));
      check(a, new Set(userIds).size === userIds.length, 'a user twice');
      if (a.kind === 'meeting') {
        check(a, /^00U[0-9A-Za-z]{15}$/.test(a.id), 'meeting id');
        check(a, a.date === null, 'a meeting with a date');
        check(a, /^\d{4}-\d{2}-\d{2}T\d{2}:(00|15|30|45):00Z$/.test(a.start ?? ''), `start ${a.start}`);
        const local = DateTime.fromISO(a.start!, { zone: 'utc' }).setZone(org.timezone);
        check(a, local.hour >= 7 && local.weekday <= 5, `start ${a.start} outside working days and hours`);
      } else {
        check(a, /^00T[0-9A-Za-z]{15}$/.test(a.id), 'call id');
        check(a, !a.canceled, 'a canceled call');
        check(a, (a.start === null) !== (a.date === null), 'a call needs exactly one of start and date');
        check(
          a,
          a.participants.length === 2 && a.participants[1]!.contactId !== undefined,
          'call participants',
        );
        check(a, ['attended', 'noShow'].includes(a.participants[1]!.status), 'call outcome');
      }
    }
    expect(problems).toEqual([]);
  });

  it('keep every contact at one email on its own account domain', () => {
    const emailOf = new Map<string, string>();
    const domainOfAccount = new Map<string, string>();
    for (const a of org.activities) {
      for (const p of a.participants) {
        if (p.contactId === undefined) continue;
        expect(emailOf.get(p.contactId) ?? p.email).toBe(p.email);
        emailOf.set(p.contactId, p.email!);
        const domain = p.email!.split('@')[1]!;
        expect(domainOfAccount.get(a.accountId!) ?? domain).toBe(domain);
        domainOfAccount.set(a.accountId!, domain);
      }
    }
    expect(new Set(domainOfAccount.values()).size).toBe(domainOfAccount.size);
  });

  it('carry contact emails that give the contact a first and last name', () => {
    expect(contactName('nadia.rossi2@atlaslogistics.co.uk')).toEqual({
      firstName: 'Nadia',
      lastName: 'Rossi',
    });
    const names = new Set(
      org.activities.flatMap((a) => a.participants.flatMap((p) => (p.email ? [p.email] : []))),
    );
    for (const email of names) expect(contactName(email).lastName).toMatch(/^[A-Z][a-z]+$/);
  });

  it('cancel about 5% of meetings and leave half of the calls date-only', () => {
    const canceled = share(meetings().filter((a) => a.canceled).length, meetings().length);
    expect(canceled).toBeGreaterThanOrEqual(0.035);
    expect(canceled).toBeLessThanOrEqual(0.065);
    const dateOnly = share(calls().filter((a) => a.start === null).length, calls().length);
    expect(dateOnly).toBeGreaterThanOrEqual(0.46);
    expect(dateOnly).toBeLessThanOrEqual(0.54);
  });

  it('include evening meetings whose UTC date is the next day', () => {
    const shifted = meetings().filter((a) => a.start!.slice(0, 10) !== localDate(a, org.timezone));
    expect(shifted.length).toBeGreaterThan(0);
    expect(share(shifted.length, meetings().length)).toBeLessThan(0.1);
  });

  it('fall mostly in the 90 days before close, some earlier and some after', () => {
    const closeOf = new Map(org.deals.map((d) => [d.id, d.closeDate]));
    const offsets = org.activities
      .filter((a) => a.dealIds.length === 1)
      .map((a) => daysBetween(localDate(a, org.timezone), closeOf.get(a.dealIds[0]!)!));
    const inWindow = share(offsets.filter((d) => d >= 0 && d <= 90).length, offsets.length);
    expect(inWindow).toBeGreaterThan(0.75);
    expect(offsets.some((d) => d > 90 && d <= 122)).toBe(true);
    expect(offsets.some((d) => d < 0)).toBe(true);
    expect(Math.max(...offsets)).toBeLessThanOrEqual(122);
    expect(Math.min(...offsets)).toBeGreaterThanOrEqual(-20);
  });

  it("bring the owner's manager to about a third of deals, sometimes the director", () => {
    const managerOf = new Map(org.users.map((u) => [u.id, u.managerId]));
    const withManager = new Set<string>();
    const withDirector = new Set<string>();
    const ownerOf = new Map(org.deals.map((d) => [d.id, d.ownerId]));
    for (const a of org.activities) {
      if (a.dealIds.length === 0) continue;
      const manager = managerOf.get(ownerOf.get(a.dealIds[0]!)!);
      const director = manager ? managerOf.get(manager) : undefined;
      for (const p of a.participants) {
        if (p.userId !== undefined && p.userId === manager) withManager.add(a.dealIds[0]!);
        if (p.userId !== undefined && p.userId === director) withDirector.add(a.dealIds[0]!);
      }
    }
    expect(share(withManager.size, N)).toBeGreaterThanOrEqual(0.22);
    expect(share(withManager.size, N)).toBeLessThanOrEqual(0.4);
    expect(share(withDirector.size, N)).toBeGreaterThan(0.01);
    expect(share(withDirector.size, N)).toBeLessThan(0.1);
  });

  it('give attendees realistic statuses: mostly accepted, some declined, tentative, needsAction, no-shows', () => {
    const statuses = new Map<string, number>();
    let attendees = 0;
    for (const a of meetings()) {
      for (const p of a.participants) {
        if (p.role !== 'attendee') continue;
        attendees++;
        statuses.set(p.status, (statuses.get(p.status) ?? 0) + 1);
      }
    }
    expect(share(statuses.get('accepted')!, attendees)).toBeGreaterThan(0.7);
    for (const s of ['declined', 'tentative', 'needsAction', 'noShow']) {
      expect(share(statuses.get(s) ?? 0, attendees)).toBeGreaterThan(0.005);
      expect(share(statuses.get(s) ?? 0, attendees)).toBeLessThan(0.12);
    }
    const internalOnly = meetings().filter((a) => a.participants.every((p) => p.userId !== undefined));
    expect(internalOnly.length).toBeGreaterThan(0);
    const unanswered = share(
      calls().filter((a) => a.participants[1]!.status === 'noShow').length,
      calls().length,
    );
    expect(unanswered).toBeGreaterThan(0.1);
    expect(unanswered).toBeLessThan(0.3);
  });
});

describe('quotas', () => {
  it('exist per manager and director per fiscal quarter, with a few missing and one zero', () => {
    const managerOf = new Map(org.users.map((u) => [u.id, u.managerId]));
    const reps = new Set(org.deals.map((d) => d.ownerId));
    const leaders = org.users.filter((u) => u.managerId !== null && !reps.has(u.id));
    const periods = new Set(org.quotas.map((q) => q.period));
    // The quarters of the range (their labels are checked in calendar.test.ts).
    const quarters = new Calendar('2026-11-15', org.timezone, org.fiscalYearStartMonth).quarters;
    expect([...periods].sort()).toEqual(quarters.map((q) => q.label));
    expect(org.quotas.length).toBeLessThan(leaders.length * periods.size);
    expect(org.quotas.length).toBeGreaterThan(leaders.length * periods.size * 0.9);
    expect(org.quotas.filter((q) => q.amount === '0.00')).toHaveLength(1);
    expect(org.quotas.every((q) => leaders.some((u) => u.id === q.managerId))).toBe(true);
    expect(managerOf.size).toBe(org.users.length);
  });

  it("are sized so a manager's attainment lands around 5-30% under the default policy", () => {
    const attainment = [...approximateAttainment(org)].filter(([key]) => key.startsWith('manager'));
    const values = attainment.flatMap(([, v]) => (v === null ? [] : [v])).sort((a, b) => a - b);
    const median = values[Math.floor(values.length / 2)]!;
    expect(median).toBeGreaterThanOrEqual(0.08);
    expect(median).toBeLessThanOrEqual(0.22);
    expect(share(values.filter((v) => v >= 0.05 && v <= 0.3).length, values.length)).toBeGreaterThan(0.75);
  });
});

/**
 * Attainment of each level-1 manager per quarter, by a simplified reading of the default policy
 * (90-day window, a counting participation with a present external, amount / rate), keyed
 * `manager <id> <period>`; null where the quota is zero. Close enough to size quotas with; the
 * engine is the reference.
 */
function approximateAttainment(s: Snapshot): Map<string, number | null> {
  const history = new Map<string, { from: string; managerId: string | null }[]>();
  for (const h of s.managerHistory) history.set(h.userId, [...(history.get(h.userId) ?? []), h]);
  const current = new Map(s.users.map((u) => [u.id, u.managerId]));
  const managerOn = (user: string, date: string) => {
    const entries = (history.get(user) ?? [])
      .filter((h) => h.from <= date)
      .sort((a, b) => a.from.localeCompare(b.from));
    return entries.length > 0 ? entries[entries.length - 1]!.managerId : (current.get(user) ?? null);
  };
  const rateOn = (currency: string, date: string) => {
    const entries = s.rates
      .filter((r) => r.currency === currency && r.from <= date)
      .sort((a, b) => a.from.localeCompare(b.from));
    return entries.length > 0 ? Number(entries[entries.length - 1]!.rate) : 1;
  };
  const period = (date: string) => {
    const d = DateTime.fromISO(date);
    const startYear = d.month >= s.fiscalYearStartMonth ? d.year : d.year - 1;
    const quarter = Math.floor(((d.month - s.fiscalYearStartMonth + 12) % 12) / 3) + 1;
    return `FY${s.fiscalYearStartMonth === 1 ? startYear : startYear + 1}-Q${quarter}`;
  };
  const byDeal = new Map<string, Activity[]>();
  for (const a of s.activities) for (const d of a.dealIds) byDeal.set(d, [...(byDeal.get(d) ?? []), a]);
  const credited = new Map<string, number>();
  for (const deal of s.deals) {
    const manager = managerOn(deal.ownerId, deal.closeDate);
    if (!deal.won || manager === null) continue;
    const involved = (byDeal.get(deal.id) ?? []).some((a) => {
      const days = daysBetween(localDate(a, s.timezone), deal.closeDate);
      const buyer = a.participants.some(
        (p) => p.contactId && p.status !== 'declined' && p.status !== 'noShow',
      );
      const me = a.participants.find((p) => p.userId === manager);
      if (a.canceled || days < 0 || days > 90 || !buyer || !me) return false;
      return me.role === 'organizer'
        ? me.status !== 'declined'
        : me.status === 'accepted' || me.status === 'attended';
    });
    const key = `manager ${manager} ${period(deal.closeDate)}`;
    if (involved)
      credited.set(
        key,
        (credited.get(key) ?? 0) + Number(deal.amount) / rateOn(deal.currency, deal.closeDate),
      );
  }
  const managers = new Set(s.deals.map((d) => current.get(d.ownerId)));
  return new Map(
    s.quotas
      .filter((q) => managers.has(q.managerId))
      .map((q) => {
        const key = `manager ${q.managerId} ${q.period}`;
        return [key, Number(q.amount) === 0 ? null : (credited.get(key) ?? 0) / Number(q.amount)];
      }),
  );
}
