/**
 * The date of an activity (DESIGN.md "Crediting rules" 1): its `start` instant as a calendar
 * date in the tenant time zone, or its `date` when it has no start.
 *
 * A luxon DateTime costs microseconds and there are millions of activities, so conversions are
 * cached, every answer still coming from luxon:
 * - per UTC day: where the zone's offset is the same at both ends of the day (every day but the
 *   few with an offset change), luxon gives the local date at the start of the day, the local
 *   date at its end, and the start of that last local day, the one local midnight in between;
 *   an instant of that day then only needs a comparison with that midnight;
 * - on a day with an offset change, per 15-minute bucket: every offset in use today is a
 *   multiple of 15 minutes, so a local midnight falls on a bucket boundary and a bucket has one
 *   local date. That is checked with luxon at both ends of each bucket; where the ends disagree
 *   (historic zones with odd offsets) the instant is converted exactly.
 *
 * Five million activities mean five million instants to place, so the common shapes
 * `YYYY-MM-DDTHH:MM:SSZ` and `YYYY-MM-DDTHH:MM:SS.sssZ` (what both connectors hand over) skip
 * parsing into epoch milliseconds: the UTC calendar day is looked up by its digits (a map of the
 * few thousand days an org's activities fall on, each day's steady split cached as above, the
 * day validated and placed by Date.UTC once), and the time of day is compared with that day's
 * local midnight. That costs a third of a string-keyed cache lookup, and allocates nothing.
 *
 * Any other instant (an offset, a two-digit year, a day past its month's end): the forms
 * ECMAScript defines exactly go to `Date.parse` (checked by a regular expression), anything else
 * to luxon.
 */
import { DateTime } from 'luxon';

const DAY_MS = 24 * 60 * 60 * 1000;
const BUCKET_MS = 15 * 60 * 1000;

/** ISO instants `Date.parse` reads exactly as ECMAScript specifies; anything else goes to luxon. */
const ES_INSTANT =
  /^\d{4}-\d{2}-\d{2}T(?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/;

/** A UTC calendar day: its first millisecond, and its steady split (null on an offset change). */
interface UtcDay {
  first: number;
  split: SteadyDay | null;
}

/** One UTC day with one offset: local date `before` until the local midnight `cut`, then `after`. */
interface SteadyDay {
  cut: number;
  before: string;
  after: string;
}

export class LocalDates {
  readonly timezone: string;
  /** UTC day number -> its steady split, or null on a day when the offset changes. */
  private readonly days = new Map<number, SteadyDay | null>();
  /** bucket -> local date, or null where the bucket spans a local midnight. */
  private readonly buckets = new Map<number, string | null>();
  /** yyyymmdd of a UTC calendar day -> its first millisecond and split, or null when no such day. */
  private readonly utcDays = new Map<number, UtcDay | null>();

  constructor(timezone: string) {
    this.timezone = timezone;
  }

  /** The calendar date, in the tenant time zone, of an ISO instant. */
  dateOf(instant: string): string {
    const length = instant.length;
    if (
      (length === 20 || (length === 24 && instant.charCodeAt(19) === 46)) /* . */ &&
      instant.charCodeAt(length - 1) === 90 /* Z */ &&
      instant.charCodeAt(4) === 45 /* - */ &&
      instant.charCodeAt(7) === 45 &&
      instant.charCodeAt(10) === 84 /* T */ &&
      instant.charCodeAt(13) === 58 /* : */ &&
      instant.charCodeAt(16) === 58
    ) {
      const hour = digits(instant, 11, 2);
      const minute = digits(instant, 14, 2);
      const second = digits(instant, 17, 2);
      const milli = length === 24 ? digits(instant, 20, 3) : 0;
      const day = this.utcDay(digits(instant, 0, 4), digits(instant, 5, 2), digits(instant, 8, 2));
      // Any NaN field fails these comparisons and leaves the instant to the general path.
      if (day !== null && hour <= 23 && minute <= 59 && second <= 59 && milli >= 0) {
        const ms = day.first + ((hour * 60 + minute) * 60 + second) * 1000 + milli;
        const split = day.split;
        if (split !== null) return ms < split.cut ? split.before : split.after;
        return this.bucketDate(ms);
      }
    }
    return this.dateAt(toMillis(instant));
  }

  /** The UTC calendar day year-month-day, or null when there is no such day (month 13, Feb 30). */
  private utcDay(year: number, month: number, day: number): UtcDay | null {
    const key = year * 10_000 + month * 100 + day;
    let found = this.utcDays.get(key);
    if (found === undefined) {
      found = null;
      // Date.UTC reads years 0-99 as 1900-1999: those go to the general path, which reads them right.
      if (year >= 100 && month >= 1 && month <= 12 && day >= 1 && day <= 31) {
        const first = Date.UTC(year, month - 1, day);
        // Date.UTC carries a day past the end of its month into the next: not this day.
        if (new Date(first).getUTCDate() === day) found = { first, split: this.steadyDayAt(first) };
      }
      // NaN keys (non-digits) are not cached: NaN never equals itself in a comparison, but a Map
      // treats it as one key, and it must not stand for a real day.
      if (!Number.isNaN(key)) remember(this.utcDays, key, found);
    }
    return found;
  }

  /** The local date of an instant given in epoch milliseconds. */
  dateAt(ms: number): string {
    const day = this.steadyDayAt(Math.floor(ms / DAY_MS) * DAY_MS);
    if (day !== null) return ms < day.cut ? day.before : day.after;
    return this.bucketDate(ms);
  }

  /** The steady split of the UTC day starting at `first`, cached; null on an offset change. */
  private steadyDayAt(first: number): SteadyDay | null {
    const dayNumber = first / DAY_MS;
    let day = this.days.get(dayNumber);
    if (day === undefined) {
      day = this.steadyDay(first);
      remember(this.days, dayNumber, day);
    }
    return day;
  }

  private steadyDay(first: number): SteadyDay | null {
    const start = DateTime.fromMillis(first, { zone: this.timezone });
    const end = DateTime.fromMillis(first + DAY_MS - 1, { zone: this.timezone });
    if (start.offset !== end.offset) return null;
    const before = start.toISODate()!;
    const after = end.toISODate()!;
    if (before === after) return { cut: Number.POSITIVE_INFINITY, before, after };
    // One offset all day: the local day of the day's last instant starts at the one local
    // midnight inside this UTC day, that instant's local time of day earlier (luxon's own
    // startOf('day') would cost two more zone lookups, and there are thousands of days).
    const cut = end.toMillis() - (((end.hour * 60 + end.minute) * 60 + end.second) * 1000 + end.millisecond);
    return cut > first ? { cut, before, after } : null;
  }

  private bucketDate(ms: number): string {
    const bucket = Math.floor(ms / BUCKET_MS);
    let date = this.buckets.get(bucket);
    if (date === undefined) {
      const first = this.exact(bucket * BUCKET_MS);
      const last = this.exact(bucket * BUCKET_MS + BUCKET_MS - 1);
      date = first === last ? first : null;
      remember(this.buckets, bucket, date);
    }
    return date ?? this.exact(ms);
  }

  private exact(ms: number): string {
    return DateTime.fromMillis(ms, { zone: this.timezone }).toISODate()!;
  }
}

/**
 * One LocalDates per time zone for the whole process: what it caches depends on the zone alone,
 * and a backfill prepares an org context for every page while the activities of neighbouring
 * pages fall on mostly the same days (placing those days again took a fifth of the evaluation).
 * At most this many zones are kept; past it they all start afresh.
 */
const SHARED_ZONES = 64;
const shared = new Map<string, LocalDates>();

export function localDatesIn(timezone: string): LocalDates {
  let dates = shared.get(timezone);
  if (dates === undefined) {
    if (shared.size >= SHARED_ZONES) shared.clear();
    dates = new LocalDates(timezone);
    shared.set(timezone, dates);
  }
  return dates;
}

/**
 * Epoch milliseconds of an instant `dateOf` could not place by its digits: the forms ECMAScript
 * defines exactly go to Date.parse (checked by a regular expression), anything else to luxon.
 */
function toMillis(instant: string): number {
  const ms = ES_INSTANT.test(instant) ? Date.parse(instant) : DateTime.fromISO(instant).toMillis();
  if (Number.isNaN(ms)) throw new RangeError(`not an ISO instant: ${instant}`);
  return ms;
}

/**
 * A zone's LocalDates lives as long as the process: each cache is bounded, starting afresh past
 * this many entries (an org's activities fall on a few thousand days).
 */
const MAX_CACHED = 100_000;

function remember<K, V>(cache: Map<K, V>, key: K, value: V): void {
  if (cache.size >= MAX_CACHED) cache.clear();
  cache.set(key, value);
}

/** The number written by `length` decimal digits of `s` from `from`, or NaN if one is not a digit. */
function digits(s: string, from: number, length: number): number {
  let n = 0;
  for (let i = from; i < from + length; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return Number.NaN;
    n = n * 10 + c;
  }
  return n;
}

/** `start` in the tenant zone when there is one (it wins over `date`), else `date`. */
export function activityDate(
  dates: LocalDates,
  activity: { start: string | null; date: string | null },
): string {
  if (activity.start !== null) return dates.dateOf(activity.start);
  if (activity.date !== null) return activity.date;
  throw new RangeError('an activity needs a start or a date');
}
