// Protects money arithmetic: half-even rounding from the exact value (never a float, never a
// value already rounded at some working precision), and the exact 2- and 4-decimal formats.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CentsTotal, cents, convertToCents, divRound, Money, ratio4, sumCents } from './money.js';

/** Reference: n / d rounded half-even to dp decimals, with BigInt rationals. */
function referenceDivRound(n: string, d: string, dp: number): string {
  const [ni, ns] = toScaled(n);
  const [di, ds] = toScaled(d);
  // n/d = (ni / 10^ns) / (di / 10^ds); times 10^dp: num / den.
  let num = ni * 10n ** BigInt(ds + dp);
  let den = di * 10n ** BigInt(ns);
  if (den < 0n) {
    num = -num;
    den = -den;
  }
  const negative = num < 0n;
  const a = negative ? -num : num;
  let q = a / den;
  const r2 = (a % den) * 2n;
  if (r2 > den || (r2 === den && q % 2n === 1n)) q += 1n;
  const digits = q.toString().padStart(dp + 1, '0');
  const text = `${digits.slice(0, -dp)}.${digits.slice(-dp)}`;
  return negative && q !== 0n ? `-${text}` : text;
}

function toScaled(s: string): [bigint, number] {
  const [whole, frac = ''] = s.split('.');
  return [BigInt(`${whole}${frac}`), frac.length];
}

describe('divRound', () => {
  it.each([
    ['0.505', '1', '0.50'],
    ['0.515', '1', '0.52'],
    ['-0.505', '1', '-0.50'],
    ['-0.515', '1', '-0.52'],
    ['1.01', '2', '0.50'],
    ['1.03', '2', '0.52'],
    ['12000.50', '0.92', '13044.02'],
    ['1', '3', '0.33'],
    ['2', '3', '0.67'],
    ['-0.001', '1', '0.00'],
    ['-0.005', '1', '0.00'],
    ['5', '-2', '-2.50'],
  ])('%s / %s = %s', (n, d, expected) => {
    expect(divRound(new Money(n), new Money(d), 2)).toBe(expected);
  });

  it('rounds a quotient whose tie hides beyond the working digits correctly', () => {
    // 1 / 3 x 3 is not a tie, but a divisor with many digits puts the tie far out.
    const d = '0.33333333333333333333333333333333333333333333333';
    const n = new Money(d).times('0.005').toString();
    expect(divRound(new Money(n), new Money(d), 2)).toBe('0.00');
    const n2 = new Money(d).times('0.015').toString();
    expect(divRound(new Money(n2), new Money(d), 2)).toBe('0.02');
  });

  it('rounds up a quotient that looks like a tie until its 70th digit', () => {
    // (0.015 + 10^-70) / 3 = 0.005 + 10^-70 / 3: above the tie, however far out.
    const n = new Money('0.015').plus(new Money(10).pow(-70));
    expect(divRound(n, new Money(3), 2)).toBe('0.01');
    expect(divRound(n.negated(), new Money(3), 2)).toBe('-0.01');
    expect(divRound(new Money('0.015'), new Money(3), 2)).toBe('0.00');
  });

  it('divides large amounts exactly, with more digits than the fast division keeps', () => {
    expect(divRound(new Money('10000000000000000000000000'), new Money(3), 2)).toBe(
      '3333333333333333333333333.33',
    );
    expect(divRound(new Money('20000000000000000000000000.03'), new Money(2), 2)).toBe(
      '10000000000000000000000000.02',
    );
    expect(() => divRound(new Money(10).pow(70), new Money(1), 2)).toThrow(RangeError);
  });

  it('matches a BigInt reference on arbitrary amounts and divisors', () => {
    const decimal = (maxScale: number) =>
      fc
        .tuple(fc.bigInt({ min: -(10n ** 14n), max: 10n ** 14n }), fc.integer({ min: 0, max: maxScale }))
        .map(([v, scale]) => {
          const neg = v < 0n;
          const digits = (neg ? -v : v).toString().padStart(scale + 1, '0');
          const text = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
          return neg ? `-${text}` : text;
        });
    fc.assert(
      fc.property(decimal(6), decimal(8), fc.constantFrom(2, 4), (n, d, dp) => {
        fc.pre(!new Money(d).isZero());
        expect(divRound(new Money(n), new Money(d), dp)).toBe(referenceDivRound(n, d, dp));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('cents and conversions', () => {
  it.each([
    ['12', '12.00'],
    ['12.5', '12.50'],
    ['007.10', '7.10'],
    ['-0', '0.00'],
    ['-0.00', '0.00'],
    ['-3.5', '-3.50'],
    ['100.005', '100.00'],
    ['100.015', '100.02'],
    ['100.0250001', '100.03'],
    ['-100.005', '-100.00'],
  ])('cents(%s) = %s', (amount, expected) => {
    expect(cents(amount)).toBe(expected);
  });

  it('converts a split portion as round2(amount x percent / 100 / rate)', () => {
    expect(convertToCents('12000.50', '60', new Money('0.92'))).toBe('7826.41');
    expect(convertToCents('12000.50', '40', new Money('0.92'))).toBe('5217.61');
    expect(convertToCents('0.05', '50', new Money('1'))).toBe('0.02');
    expect(convertToCents('0.07', '50', new Money('1'))).toBe('0.04');
  });

  it('sums cents exactly, with two decimals', () => {
    expect(sumCents(['0.10', '0.20'])).toBe('0.30');
    expect(sumCents([])).toBe('0.00');
    expect(sumCents(['99999999999999999.99', '0.01'])).toBe('100000000000000000.00');
  });

  it('gives attainment with four decimals, half-even, or null for a zero quota', () => {
    expect(ratio4('13044.02', '250000.00')).toBe('0.0522');
    expect(ratio4('1.00', '20000.00')).toBe('0.0000');
    expect(ratio4('3.00', '20000.00')).toBe('0.0002');
    expect(ratio4('0.00', '100.00')).toBe('0.0000');
    expect(ratio4('5.00', '0.00')).toBeNull();
  });
});

describe('CentsTotal', () => {
  const total = (amounts: string[]) => {
    const t = new CentsTotal();
    for (const a of amounts) t.add(a);
    return t.toString();
  };

  it.each([
    [[], '0.00'],
    [['0.05'], '0.05'],
    [['-0.25'], '-0.25'],
    [['10.10', '-10.10'], '0.00'],
    [['1.99', '-2.00'], '-0.01'],
    [['1234.50', '0.50'], '1235.00'],
    // Far past 2^53 cents: a double would have lost the last cent.
    [['90071992547409.93', '0.01', '0.01'], '90071992547409.95'],
  ])('adds %j to %s', (amounts, expected) => {
    expect(total(amounts)).toBe(expected);
  });

  it('equals decimal.js on arbitrary cent amounts', () => {
    const amount = fc
      .bigInt({ min: -(10n ** 20n), max: 10n ** 20n })
      .map((c) => new Money(c.toString()).div(100).toFixed(2));
    fc.assert(
      fc.property(fc.array(amount, { maxLength: 30 }), (amounts) => {
        const expected = amounts.reduce((s, a) => s.plus(a), new Money(0)).toFixed(2);
        expect(total(amounts)).toBe(expected === '-0.00' ? '0.00' : expected);
      }),
    );
  });

  it('refuses an amount that is not in cents, rather than add it wrongly', () => {
    expect(() => total(['12.5'])).toThrow(/not an amount in cents: 12.5/);
    expect(() => total(['12'])).toThrow(RangeError);
  });
});
