/**
 * Dated conversion rates (DESIGN.md "rates"): the rate of a currency on a date is the entry with
 * the latest `from` on or before it. Rates are units of the currency per one unit of the
 * corporate currency, as Salesforce's ConversionRate; the corporate currency is always 1, whatever
 * an entry for it says.
 */
import { compareText } from './compare.js';
import { convertToCents, Money, ONE } from './money.js';
import type { Rate } from './snapshot.js';

interface DatedRate {
  from: string;
  rate: Money;
}

/** How many converted amounts `wholeInCents` remembers, over all rates: a few MB at most. */
const MAX_REMEMBERED = 100_000;

export class RateIndex {
  private readonly corporateCurrency: string;
  private readonly byCurrency = new Map<string, DatedRate[]>();
  /** rate -> amount -> the amount converted at that rate, in cents. */
  private readonly converted = new Map<Money, Map<string, string>>();
  private remembered = 0;

  constructor(corporateCurrency: string, rates: readonly Rate[]) {
    this.corporateCurrency = corporateCurrency;
    for (const r of rates) {
      let list = this.byCurrency.get(r.currency);
      if (list === undefined) {
        list = [];
        this.byCurrency.set(r.currency, list);
      }
      list.push({ from: r.from, rate: new Money(r.rate) });
    }
    // Same-day entries are refused by parseSnapshot; if one slips through, the higher rate sorts
    // last and wins, so the order of the input cannot matter.
    for (const list of this.byCurrency.values()) {
      list.sort((a, b) => compareText(a.from, b.from) || a.rate.cmp(b.rate));
    }
  }

  /** The rate in effect on `date`, or undefined when there is none (parseSnapshot refuses that). */
  rateOn(currency: string, date: string): Money | undefined {
    if (currency === this.corporateCurrency) return ONE;
    const list = this.byCurrency.get(currency);
    if (list === undefined) return undefined;
    for (let i = list.length - 1; i >= 0; i--) {
      const r = list[i]!;
      if (r.from <= date) return r.rate;
    }
    return undefined;
  }

  /**
   * convertToCents(amount, null, rate), remembered per rate. Deal amounts repeat (price points,
   * round figures: half the foreign-currency deals of a generated org share their amount and rate
   * with an earlier one), and an exact decimal division costs microseconds, a map hit a tenth of
   * that. Bounded, so a tenant whose every amount differs only fills it once.
   */
  wholeInCents(amount: string, rate: Money): string {
    if (rate === ONE) return convertToCents(amount, null, rate);
    let byAmount = this.converted.get(rate);
    if (byAmount === undefined) {
      byAmount = new Map();
      this.converted.set(rate, byAmount);
    }
    let out = byAmount.get(amount);
    if (out === undefined) {
      out = convertToCents(amount, null, rate);
      if (this.remembered < MAX_REMEMBERED) {
        byAmount.set(amount, out);
        this.remembered++;
      }
    }
    return out;
  }
}
