/**
 * The days, fiscal quarters and meeting instants the org is drawn over. Every date and instant
 * is computed once with luxon into a table and then shared by index, so millions of records hold
 * a few thousand strings between them and no date arithmetic is done by hand.
 */
import { DateTime } from 'luxon';
import { flatString } from './flat-string.js';

/** How many fiscal quarters before the one containing `asOf` deals close in. */
export const PAST_QUARTERS = 7;
/** Activities reach this far before a deal's close date (beyond the default 90-day window). */
export const ACTIVITY_LEAD_DAYS = 130;

/** Meeting slots: 15-minute steps from 07:00 local time to 22:45. */
export const SLOT_COUNT = 64;
const FIRST_SLOT_HOUR = 7;
/** Business hours 08:00-17:45, as slot indexes. */
export const BUSINESS_SLOTS = { first: 4, last: 43 } as const;
/** Evening 19:00-22:45 local: west of UTC these instants fall on the next UTC date. */
export const EVENING_SLOTS = { first: 48, last: 63 } as const;

export interface FiscalQuarter {
  /** `FY2027-Q1`: the fiscal year is named by the calendar year it ends in. */
  label: string;
  /** Index of its first day in `Calendar.days`. */
  startIdx: number;
  /** Index of its last day, or of `asOf` for the current quarter. */
  endIdx: number;
}

export class Calendar {
  /** ISO dates, `days[0]` being ACTIVITY_LEAD_DAYS before the first quarter. */
  readonly days: string[] = [];
  /** ISO weekday of each day, 1 = Monday, 7 = Sunday. */
  readonly weekday: Uint8Array;
  /** The fiscal quarters deals close in, oldest first; the last one contains `asOf`. */
  readonly quarters: FiscalQuarter[] = [];
  /** Index of each day's quarter in `quarters`, -1 before the first. */
  readonly quarterOfDay: Int8Array;
  readonly asOfIdx: number;
  private readonly instants: (string | undefined)[];
  private readonly firstDay: DateTime;

  constructor(
    asOf: string,
    readonly timezone: string,
    fiscalYearStartMonth: number,
  ) {
    const asOfDay = DateTime.fromISO(asOf, { zone: 'utc' });
    const fyStartYear = asOfDay.month >= fiscalYearStartMonth ? asOfDay.year : asOfDay.year - 1;
    const quarterInYear = Math.floor(((asOfDay.month - fiscalYearStartMonth + 12) % 12) / 3);
    const currentQuarterStart = DateTime.fromObject(
      { year: fyStartYear, month: fiscalYearStartMonth, day: 1 },
      { zone: 'utc' },
    ).plus({ months: 3 * quarterInYear });
    const firstQuarterStart = currentQuarterStart.minus({ months: 3 * PAST_QUARTERS });
    this.firstDay = firstQuarterStart.minus({ days: ACTIVITY_LEAD_DAYS });

    const count = asOfDay.diff(this.firstDay, 'days').days + 1;
    this.weekday = new Uint8Array(count);
    for (let i = 0; i < count; i++) {
      const day = this.firstDay.plus({ days: i });
      this.days.push(day.toISODate()!);
      this.weekday[i] = day.weekday;
    }
    this.asOfIdx = count - 1;

    this.quarterOfDay = new Int8Array(count).fill(-1);
    for (let q = 0; q <= PAST_QUARTERS; q++) {
      const start = firstQuarterStart.plus({ months: 3 * q });
      const next = start.plus({ months: 3 });
      const startIdx = this.indexOf(start);
      const endIdx = Math.min(this.indexOf(next) - 1, this.asOfIdx);
      const fiscalStart = start.month >= fiscalYearStartMonth ? start.year : start.year - 1;
      const fiscalYear = fiscalYearStartMonth === 1 ? fiscalStart : fiscalStart + 1;
      const quarter = Math.floor(((start.month - fiscalYearStartMonth + 12) % 12) / 3) + 1;
      this.quarters.push({ label: `FY${fiscalYear}-Q${quarter}`, startIdx, endIdx });
      this.quarterOfDay.fill(q, startIdx, endIdx + 1);
    }
    this.instants = new Array(count * SLOT_COUNT);
  }

  indexOf(day: DateTime): number {
    return Math.round(day.diff(this.firstDay, 'days').days);
  }

  /** The UTC instant (`2026-03-10T15:00:00Z`) of a slot on a local calendar day, computed once. */
  instant(dayIdx: number, slot: number): string {
    const key = dayIdx * SLOT_COUNT + slot;
    let value = this.instants[key];
    if (value === undefined) {
      const [year, month, day] = this.days[dayIdx]!.split('-').map(Number) as [number, number, number];
      const minutes = FIRST_SLOT_HOUR * 60 + slot * 15;
      value = flatString(
        DateTime.fromObject(
          { year, month, day, hour: Math.floor(minutes / 60), minute: minutes % 60 },
          { zone: this.timezone },
        )
          .toUTC()
          .toISO({ suppressMilliseconds: true })!,
      );
      this.instants[key] = value;
    }
    return value;
  }
}
