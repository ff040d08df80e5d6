/**
 * HubSpot exchange rate → snapshot Rate. HubSpot's `conversionRate` is company-currency units for
 * one unit of `fromCurrencyCode` (at most 6 decimals); the snapshot's rate is the other way round
 * (units of the currency per one unit of the corporate currency, like Salesforce), so the rate is
 * 1 / conversionRate, kept to 10 decimals. `from` is the UTC date of `effectiveAt`.
 */
import { Decimal } from 'decimal.js';
import type { Rate } from '../../../src/domain/snapshot.js';
import type { HsExchangeRate } from './hubspot-types.js';

export function toRate(r: HsExchangeRate): Rate {
  const effective = r.effectiveAt instanceof Date ? r.effectiveAt.toISOString() : r.effectiveAt;
  return {
    currency: r.fromCurrencyCode,
    rate: new Decimal(1).div(new Decimal(r.conversionRate)).toDecimalPlaces(10).toFixed(),
    from: effective.slice(0, 10),
  };
}

/** The conversionRate HubSpot would hold for a snapshot rate: 1 / rate, rounded to 6 decimals. */
export function toConversionRate(rate: string): number {
  return new Decimal(1).div(new Decimal(rate)).toDecimalPlaces(6).toNumber();
}
