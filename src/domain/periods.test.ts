// Protects fiscal period labels: fiscal years named by the calendar year they END in, M01 = the
// first fiscal month, and the current period read in the tenant time zone.
import { describe, expect, it } from 'vitest';
import { currentPeriod, periodOf } from './periods.js';

describe('periodOf', () => {
  it.each([
    // Calendar fiscal year.
    ['2026-01-01', 1, 'FY2026-Q1', 'FY2026-M01'],
    ['2026-03-31', 1, 'FY2026-Q1', 'FY2026-M03'],
    ['2026-04-01', 1, 'FY2026-Q2', 'FY2026-M04'],
    ['2026-12-31', 1, 'FY2026-Q4', 'FY2026-M12'],
    // February start: 1 Feb 2026 - 31 Jan 2027 is FY2027.
    ['2026-01-31', 2, 'FY2026-Q4', 'FY2026-M12'],
    ['2026-02-01', 2, 'FY2027-Q1', 'FY2027-M01'],
    ['2026-04-30', 2, 'FY2027-Q1', 'FY2027-M03'],
    ['2026-05-01', 2, 'FY2027-Q2', 'FY2027-M04'],
    ['2026-12-31', 2, 'FY2027-Q4', 'FY2027-M11'],
    ['2027-01-31', 2, 'FY2027-Q4', 'FY2027-M12'],
    ['2028-02-29', 2, 'FY2029-Q1', 'FY2029-M01'],
    // July and December starts.
    ['2026-06-30', 7, 'FY2026-Q4', 'FY2026-M12'],
    ['2026-07-01', 7, 'FY2027-Q1', 'FY2027-M01'],
    ['2025-12-01', 12, 'FY2026-Q1', 'FY2026-M01'],
    ['2026-11-30', 12, 'FY2026-Q4', 'FY2026-M12'],
  ])('%s with fiscal start month %i is %s / %s', (date, start, quarter, month) => {
    expect(periodOf(date, start, 'quarter')).toBe(quarter);
    expect(periodOf(date, start, 'month')).toBe(month);
  });

  it('refuses a string that is not a date', () => {
    expect(() => periodOf('2026-02-30', 1, 'quarter')).toThrow(RangeError);
  });
});

describe('currentPeriod', () => {
  it('reads asOf on the tenant calendar: 03:00Z on 1 Feb is still 31 Jan in New York', () => {
    expect(currentPeriod('2026-02-01T03:00:00Z', 'America/New_York', 2, 'quarter')).toBe('FY2026-Q4');
    expect(currentPeriod('2026-02-01T05:00:00Z', 'America/New_York', 2, 'quarter')).toBe('FY2027-Q1');
    expect(currentPeriod('2026-02-01T05:00:00Z', 'America/New_York', 2, 'month')).toBe('FY2027-M01');
    expect(currentPeriod('2026-01-31T20:00:00Z', 'Asia/Tokyo', 2, 'month')).toBe('FY2027-M01');
  });
});
