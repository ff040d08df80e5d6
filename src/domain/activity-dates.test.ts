// Protects the date of an activity: the 15-minute bucket cache must give exactly what luxon gives
// for the instant in the tenant zone, across DST changes, odd offsets and historic zones.
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { activityDate, LocalDates, localDatesIn } from './activity-dates.js';

const exact = (instant: string, zone: string) => DateTime.fromISO(instant).setZone(zone).toISODate();

describe('LocalDates', () => {
  it.each([
    ['2026-03-16T03:00:00Z', 'America/New_York', '2026-03-15'],
    ['2026-03-16T04:00:00Z', 'America/New_York', '2026-03-16'],
    ['2026-03-08T04:59:59Z', 'America/New_York', '2026-03-07'],
    ['2026-03-08T05:00:00Z', 'America/New_York', '2026-03-08'],
    ['2026-11-01T03:59:59.999Z', 'America/New_York', '2026-10-31'],
    ['2026-11-01T04:00:00Z', 'America/New_York', '2026-11-01'],
    ['2026-03-15T18:14:59Z', 'Asia/Kathmandu', '2026-03-15'],
    ['2026-03-15T18:15:00Z', 'Asia/Kathmandu', '2026-03-16'],
    ['2026-03-16T01:30:00+02:00', 'America/New_York', '2026-03-15'],
    ['2026-03-15T23:59:00Z', 'UTC', '2026-03-15'],
  ])('%s in %s is %s', (instant, zone, expected) => {
    expect(new LocalDates(zone).dateOf(instant)).toBe(expected);
  });

  it.each([
    ['0099-06-01T12:00:00Z', '0099-06-01'],
    ['0000-01-01T12:00:00.000Z', '0000-01-01'],
  ])('reads the two-digit year in %s as it is written, not as 19xx', (instant, expected) => {
    expect(new LocalDates('UTC').dateOf(instant)).toBe(expected);
  });

  it.each(['2026-13-01T10:00:00Z', '2026-01-01T10:60:00Z', '2026-01-0xT10:00:00Z'])(
    'refuses %s, which is no instant',
    (instant) => {
      expect(() => new LocalDates('UTC').dateOf(instant)).toThrow(/not an ISO instant/);
    },
  );

  it('falls back to an exact conversion in a bucket that spans a local midnight', () => {
    // Monrovia kept UTC-0:44:30 until 1972: its midnight falls mid-bucket.
    const dates = new LocalDates('Africa/Monrovia');
    for (const instant of ['1960-06-01T00:44:29Z', '1960-06-01T00:44:30Z', '1960-06-01T00:40:00Z']) {
      expect(dates.dateOf(instant)).toBe(exact(instant, 'Africa/Monrovia'));
    }
    expect(dates.dateOf('1960-06-01T00:44:29Z')).toBe('1960-05-31');
    expect(dates.dateOf('1960-06-01T00:44:30Z')).toBe('1960-06-01');
  });

  it('agrees with luxon for any instant in any of several zones, each zone with its own shared cache', () => {
    const zones = [
      'America/New_York',
      'Europe/Berlin',
      'Asia/Kathmandu',
      'Australia/Lord_Howe',
      'Pacific/Chatham',
    ];
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2030, 0, 1) }),
        fc.constantFrom(...zones),
        (ms, zone) => {
          // Both shapes the connectors hand over: with milliseconds (HubSpot) and without (Salesforce).
          const instant = new Date(ms).toISOString();
          const seconds = `${instant.slice(0, 19)}Z`;
          // The process-wide one of each zone, as every org context uses: the zones interleave.
          expect(localDatesIn(zone).dateOf(instant)).toBe(exact(instant, zone));
          expect(localDatesIn(zone).dateOf(seconds)).toBe(exact(seconds, zone));
        },
      ),
      { numRuns: 3000 },
    );
    expect(localDatesIn('Europe/Berlin')).toBe(localDatesIn('Europe/Berlin'));
    expect(localDatesIn('Europe/Berlin').timezone).toBe('Europe/Berlin');
  });
});

describe('activityDate', () => {
  const dates = new LocalDates('America/New_York');
  it('uses start over date, and date when there is no start', () => {
    expect(activityDate(dates, { start: '2026-03-16T03:00:00Z', date: '2026-03-20' })).toBe('2026-03-15');
    expect(activityDate(dates, { start: null, date: '2026-03-20' })).toBe('2026-03-20');
  });
});
