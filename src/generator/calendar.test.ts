// Protects the generator's calendar: fiscal quarter labels under a non-calendar fiscal year (named
// by the year the fiscal year ends in) and meeting instants converted through the tenant's zone.
import { describe, expect, it } from 'vitest';
import { BUSINESS_SLOTS, Calendar, EVENING_SLOTS, PAST_QUARTERS } from './calendar.js';

describe('Calendar', () => {
  it('covers eight fiscal quarters up to asOf, named for the year a February fiscal year ends in', () => {
    const c = new Calendar('2026-11-15', 'America/New_York', 2);
    expect(c.quarters).toHaveLength(PAST_QUARTERS + 1);
    expect(c.quarters.map((q) => q.label)).toEqual([
      'FY2026-Q1',
      'FY2026-Q2',
      'FY2026-Q3',
      'FY2026-Q4',
      'FY2027-Q1',
      'FY2027-Q2',
      'FY2027-Q3',
      'FY2027-Q4',
    ]);
    const first = c.quarters[0]!;
    expect(c.days[first.startIdx]).toBe('2025-02-01');
    expect(c.days[c.quarters[3]!.endIdx]).toBe('2026-01-31');
    expect(c.days[c.quarters[7]!.startIdx]).toBe('2026-11-01');
    expect(c.days[c.quarters[7]!.endIdx]).toBe('2026-11-15');
    expect(c.days[c.asOfIdx]).toBe('2026-11-15');
    expect(c.quarterOfDay[first.startIdx - 1]).toBe(-1);
  });

  it('names calendar fiscal years by their own year and October ones by the next', () => {
    expect(new Calendar('2026-11-15', 'UTC', 1).quarters.at(-1)!.label).toBe('FY2026-Q4');
    const october = new Calendar('2025-03-01', 'UTC', 10);
    expect(october.quarters.at(-1)!.label).toBe('FY2025-Q2');
    expect(october.days[october.quarters.at(-1)!.startIdx]).toBe('2025-01-01');
  });

  it('turns local slots into UTC instants across daylight saving time', () => {
    const c = new Calendar('2026-11-15', 'America/New_York', 2);
    const day = (iso: string) => c.days.indexOf(iso);
    const nine = BUSINESS_SLOTS.first + 4; // 08:00 + 4 x 15 minutes
    expect(c.instant(day('2026-01-12'), nine)).toBe('2026-01-12T14:00:00Z');
    expect(c.instant(day('2026-07-13'), nine)).toBe('2026-07-13T13:00:00Z');
    // 21:00 in New York is the next day in UTC.
    expect(c.instant(day('2026-07-13'), EVENING_SLOTS.first + 8)).toBe('2026-07-14T01:00:00Z');
    expect(c.instant(day('2026-07-13'), nine)).toBe(c.instant(day('2026-07-13'), nine));
  });
});
