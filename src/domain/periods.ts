/**
 * Fiscal periods (DESIGN.md "Crediting rules" 6). A fiscal year starts on the first day of
 * `fiscalYearStartMonth` and is named by the calendar year in which it ENDS: with a February
 * start, 1 Feb 2026 - 31 Jan 2027 is FY2027, February is its M01 and January its M12.
 */
import { DateTime } from 'luxon';

export type PeriodKind = 'quarter' | 'month';

/** The fiscal period label (`FY2027-Q1`, `FY2027-M01`) of a calendar date `YYYY-MM-DD`. */
export function periodOf(date: string, fiscalYearStartMonth: number, kind: PeriodKind): string {
  return periodOfDay(parseDay(date), fiscalYearStartMonth, kind);
}

/** A calendar date `YYYY-MM-DD` as a luxon DateTime at its UTC midnight; a RangeError if it is none. */
export function parseDay(date: string): DateTime {
  const day = DateTime.fromISO(date, { zone: 'UTC' });
  if (!day.isValid) throw new RangeError(`not a date: ${date}`);
  return day;
}

/** periodOf for a date already parsed (a valid luxon DateTime; only its calendar date counts). */
export function periodOfDay(day: DateTime, fiscalYearStartMonth: number, kind: PeriodKind): string {
  // Moving the date back by the months before the fiscal start lines the fiscal year up with a
  // calendar year: its month is the fiscal month, its year the year the fiscal year starts in.
  const shifted = day.minus({ months: fiscalYearStartMonth - 1 });
  const fiscalYear = fiscalYearStartMonth === 1 ? shifted.year : shifted.year + 1;
  const fiscalMonth = shifted.month;
  const suffix =
    kind === 'quarter' ? `Q${Math.ceil(fiscalMonth / 3)}` : `M${String(fiscalMonth).padStart(2, '0')}`;
  return `FY${fiscalYear}-${suffix}`;
}

/** The fiscal period containing the instant `asOf`, on the calendar of the tenant time zone. */
export function currentPeriod(
  asOf: string,
  timezone: string,
  fiscalYearStartMonth: number,
  kind: PeriodKind,
): string {
  const local = DateTime.fromISO(asOf, { zone: timezone });
  if (!local.isValid) throw new RangeError(`not an ISO instant: ${asOf}`);
  return periodOf(local.toISODate()!, fiscalYearStartMonth, kind);
}
