// Protects the conversion of deal amounts: a remembered conversion is the one for that very rate,
// never the one of another currency or of another dated rate of the same currency.
import { describe, expect, it } from 'vitest';
import { RateIndex } from './rates.js';

describe('RateIndex.wholeInCents', () => {
  const rates = new RateIndex('USD', [
    { currency: 'EUR', from: '2026-01-01', rate: '0.8' },
    { currency: 'EUR', from: '2026-07-01', rate: '0.9' },
    { currency: 'GBP', from: '2026-01-01', rate: '0.8' },
  ]);
  const convert = (amount: string, currency: string, date: string) =>
    rates.wholeInCents(amount, rates.rateOn(currency, date)!);

  it('converts one amount at each dated rate, however often it repeats', () => {
    expect(convert('1000.00', 'EUR', '2026-03-01')).toBe('1250.00');
    expect(convert('1000.00', 'EUR', '2026-08-01')).toBe('1111.11');
    expect(convert('1000.00', 'EUR', '2026-03-02')).toBe('1250.00');
    expect(convert('1000.00', 'EUR', '2026-08-02')).toBe('1111.11');
  });

  it('keeps equal rates of two currencies apart and leaves the corporate currency as it is', () => {
    expect(convert('10.005', 'GBP', '2026-03-01')).toBe('12.51');
    expect(convert('10.005', 'EUR', '2026-03-01')).toBe('12.51');
    expect(convert('10.005', 'USD', '2026-03-01')).toBe('10.00');
  });
});
