/**
 * Dated conversion rates for EUR, GBP and CAD: one entry at the start of every fiscal quarter of
 * the range (the first one on the day the first deals can close, so every won deal has a rate),
 * wandering a little around a realistic level. Values are units per 1 USD with 4 decimals, the
 * way Salesforce's DatedConversionRate holds them.
 */
import type { Rate } from '../domain/snapshot.js';
import type { Calendar } from './calendar.js';
import { BASE_RATES, CURRENCIES } from './currencies.js';
import type { Rng } from './random.js';

export interface Rates {
  rates: Rate[];
  /** rate[currency][quarter] as a number, for sizing amounts and quotas (not for crediting). */
  approx: number[][];
}

export function buildRates(rng: Rng, calendar: Calendar): Rates {
  const rates: Rate[] = [];
  const approx: number[][] = [calendar.quarters.map(() => 1)];
  for (let c = 1; c < CURRENCIES.length; c++) {
    let level = BASE_RATES[c]!;
    const perQuarter: number[] = [];
    for (const q of calendar.quarters) {
      level *= 1 + (rng.float() - 0.5) * 0.04;
      const rate = (Math.round(level * 10_000) / 10_000).toFixed(4);
      perQuarter.push(Number(rate));
      rates.push({ currency: CURRENCIES[c]!, rate, from: calendar.days[q.startIdx]! });
    }
    approx.push(perQuarter);
  }
  return { rates, approx };
}
