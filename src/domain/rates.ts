/**
 * Dated conversion rates (DESIGN.md "rates"): the rate of a currency on a date is the entry with
 * the latest `from` on or before it. Rates are units of the currency per one unit of the
 * corporate currency, as Salesforce's ConversionRate; the corporate currency is always 1, whatever
 * an entry for it says.
 */
import { compareText } from './compare.js';
import { Money, ONE } from './money.js';
import type { Rate } from './snapshot.js';

interface DatedRate {
  from: string;
  rate: Money;
}

export class RateIndex {
  private readonly corporateCurrency: string;
  private readonly byCurrency = new Map<string, DatedRate[]>();

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
}
