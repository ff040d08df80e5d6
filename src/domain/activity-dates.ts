/**
 * The date of an activity (DESIGN.md "Crediting rules" 1): its `start` instant as a calendar
 * date in the tenant time zone, or its `date` when it has no start.
 *
 * A luxon DateTime costs microseconds and there are millions of activities, so instants are
 * mapped to dates through a cache keyed by the 15-minute UTC bucket: every offset in use today is
 * a multiple of 15 minutes, so a local midnight falls on a bucket boundary and the whole bucket
 * has one local date. That is checked with luxon at both ends of each bucket; where the ends
 * disagree (historic zones with odd offsets) the instant is converted exactly instead.
 */
import { DateTime } from 'luxon';

const BUCKET_MS = 15 * 60 * 1000;

/** ISO instants `Date.parse` reads exactly as ECMAScript specifies; anything else goes to luxon. */
const ES_INSTANT =
  /^\d{4}-\d{2}-\d{2}T(?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/;

export class LocalDates {
  readonly timezone: string;
  /** bucket -> local date, or null where the bucket spans a local midnight. */
  private readonly buckets = new Map<number, string | null>();

  constructor(timezone: string) {
    this.timezone = timezone;
  }

  /** The calendar date, in the tenant time zone, of an ISO instant. */
  dateOf(instant: string): string {
    const ms = ES_INSTANT.test(instant) ? Date.parse(instant) : DateTime.fromISO(instant).toMillis();
    if (Number.isNaN(ms)) throw new RangeError(`not an ISO instant: ${instant}`);
    const bucket = Math.floor(ms / BUCKET_MS);
    let date = this.buckets.get(bucket);
    if (date === undefined) {
      const first = this.exact(bucket * BUCKET_MS);
      const last = this.exact(bucket * BUCKET_MS + BUCKET_MS - 1);
      date = first === last ? first : null;
      this.buckets.set(bucket, date);
    }
    return date ?? this.exact(ms);
  }

  private exact(ms: number): string {
    return DateTime.fromMillis(ms, { zone: this.timezone }).toISODate()!;
  }
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
