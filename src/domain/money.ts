/**
 * Money arithmetic for the engine. Amounts are decimal strings in and out; in between they are
 * decimal.js values, never floats. Every rounding is half-even (DESIGN.md "Crediting rules" 5 and
 * 7) and exact: a quotient is rounded from its true value, not from a value already rounded to
 * some working precision, so an amount that lands exactly on .005 goes to the even cent.
 */
import { Decimal } from 'decimal.js';

/**
 * Additions and multiplications of decimal strings are exact as long as the result fits in the
 * precision, so it is set far above any amount a CRM can hold. Divisions go through `divRound`.
 */
export const Money = Decimal.clone({
  precision: 200,
  rounding: Decimal.ROUND_HALF_EVEN,
  toExpNeg: -1000,
  toExpPos: 1000,
});
export type Money = InstanceType<typeof Money>;

/**
 * Divisions, truncated toward zero; `divRound` then rounds exactly. A quotient needs its integer
 * digits plus the kept decimals plus one more: 24 significant digits cover every amount below
 * 10^19 at 4 decimals, and the 60-digit division takes over beyond (a long division costs in
 * proportion to the digits it makes, and this one runs for every foreign-currency deal).
 */
const Truncated = Decimal.clone({
  precision: 24,
  rounding: Decimal.ROUND_DOWN,
  toExpNeg: -1000,
  toExpPos: 1000,
});
const WideTruncated = Decimal.clone({
  precision: 60,
  rounding: Decimal.ROUND_DOWN,
  toExpNeg: -1000,
  toExpPos: 1000,
});

export const ZERO: Money = new Money(0);
export const ONE: Money = new Money(1);
const HUNDRED: Money = new Money(100);

/** A decimal string with at most two decimals and no exponent: already a cent amount. */
const CENTS = /^-?\d+(\.\d{1,2})?$/;
/** Already in the output form: no leading zeros, exactly two decimals, not negative zero. */
const CANONICAL_CENTS = /^(?:0|-?[1-9]\d*|-0(?=\.\d*[1-9]))\.\d\d$/;

/** Formats with exactly `dp` decimals; the value must already be rounded to `dp`. */
function fixed(value: Money, dp: number): string {
  // toFixed on a value with no more than dp decimals only pads; "-0.00" is normalised to "0.00".
  const out = value.toFixed(dp);
  return value.isZero() ? `0.${'0'.repeat(dp)}` : out;
}

/**
 * n / d rounded half-even to `dp` decimals, exactly, as a string with exactly `dp` decimals. The
 * truncated quotient (with at least one decimal past `dp`) lies on the same side of every
 * rounding midpoint as the true one, except when it lands exactly on a midpoint (…5 in the first dropped place, nothing
 * after): that is a true tie only if the division was exact; otherwise the true quotient lies
 * beyond it and rounds away from zero.
 */
export function divRound(n: Money | string, d: Money, dp: number): string {
  if (d.isZero()) throw new RangeError('division by zero');
  let q: Decimal = Truncated.div(n, d);
  // q.e is the exponent of its first digit: 24 digits must reach the first dropped place.
  if (q.e + 1 + dp + 1 > Truncated.precision) q = WideTruncated.div(n, d);
  if (q.e + 1 + dp + 1 > WideTruncated.precision) throw new RangeError(`amount too large to convert: ${n}`);
  const pastTie =
    q.decimalPlaces() === dp + 1 &&
    q
      .times(new Money(10).pow(dp + 1))
      .mod(10)
      .abs()
      .eq(5) &&
    !new Money(q).times(d).eq(n);
  const out = q.toFixed(dp, pastTie ? Decimal.ROUND_UP : Decimal.ROUND_HALF_EVEN);
  return isNegativeZero(out) ? out.slice(1) : out;
}

/** "-0.00" and the like: a negative quotient that rounds to zero prints without its sign. */
function isNegativeZero(text: string): boolean {
  return text.charCodeAt(0) === 45 /* - */ && !/[1-9]/.test(text);
}

/** round2(amount): half-even to cents, as a string with exactly two decimals. */
export function round2(value: Money): string {
  return fixed(value.toDecimalPlaces(2, Decimal.ROUND_HALF_EVEN), 2);
}

/** A decimal string rounded half-even to cents; strings already in cents skip decimal.js. */
export function cents(amount: string): string {
  // Most amounts already are cents: hand the same string back rather than a copy of it.
  if (CANONICAL_CENTS.test(amount)) return amount;
  if (CENTS.test(amount)) return padCents(amount);
  return round2(new Money(amount));
}

/** "12" -> "12.00", "12.5" -> "12.50", "-0" -> "0.00", "007.10" -> "7.10". */
function padCents(amount: string): string {
  const dot = amount.indexOf('.');
  const whole = dot < 0 ? amount : amount.slice(0, dot);
  const frac = dot < 0 ? '' : amount.slice(dot + 1);
  const negative = whole.startsWith('-');
  const digits = (negative ? whole.slice(1) : whole).replace(/^0+(?=\d)/, '');
  const out = `${digits}.${frac.padEnd(2, '0')}`;
  if (negative && /[1-9]/.test(out)) return `-${out}`;
  return out;
}

/**
 * An amount in a foreign currency converted to the corporate currency and rounded to cents:
 * round2(amount x percent / 100 / rate). `percent` null means the whole amount. `rate` follows
 * Salesforce's ConversionRate, units of the currency per one unit of the corporate currency.
 */
export function convertToCents(amount: string, percent: string | null, rate: Money): string {
  // rateOn hands back ONE itself for the corporate currency: an identity check, no comparison.
  if (percent === null) return rate === ONE ? cents(amount) : divRound(amount, rate, 2);
  return divRound(new Money(amount).times(percent), rate.times(HUNDRED), 2);
}

/** Sums cent strings exactly; the result has exactly two decimals. */
export function sumCents(values: Iterable<string>): string {
  let total = ZERO;
  for (const v of values) total = total.plus(new Money(v));
  return fixed(total, 2);
}

/**
 * An exact running total of cent amounts, as the attainment tallies keep one per manager-period.
 * Every amount the engine makes has exactly two decimals (`cents`, `convertToCents`, `sumCents`),
 * so each is a whole number of cents, and the total is a whole number of cents too: integer
 * addition, with no rounding anywhere. A million-deal recompute adds two million amounts; parsing
 * each into a decimal.js value and adding it cost a fifth of the recompute.
 *
 * The cents are read digit by digit into `small`, a JS number used only for whole numbers below
 * 2^53, where every integer and every sum of two is exact. An amount with more digits than that
 * guarantees, or a sum that would leave that range, goes to `big`, a BigInt, exact at any size.
 */
export class CentsTotal {
  private small = 0;
  private big = 0n;

  /** Adds an amount with exactly two decimals ("1234.50", "-0.25"). */
  add(amount: string): void {
    const point = amount.length - 3;
    const negative = amount.charCodeAt(0) === 45; /* - */
    const from = negative ? 1 : 0;
    if (point <= from || amount.charCodeAt(point) !== 46 /* . */) {
      throw new RangeError(`not an amount in cents: ${amount}`);
    }
    // 15 digits of cents stay below 10^15 < 2^53 - 10^15: the sum below cannot lose a cent either.
    if (amount.length - from - 1 > 15) {
      this.big += BigInt(amount.slice(0, point) + amount.slice(point + 1));
      return;
    }
    let cents = 0;
    for (let i = from; i < amount.length; i++) {
      if (i === point) continue;
      const digit = amount.charCodeAt(i) - 48;
      if (digit < 0 || digit > 9) throw new RangeError(`not an amount in cents: ${amount}`);
      cents = cents * 10 + digit;
    }
    this.small += negative ? -cents : cents;
    if (this.small >= 1e15 || this.small <= -1e15) {
      this.big += BigInt(this.small);
      this.small = 0;
    }
  }

  /** The total with exactly two decimals: "0.00", "-0.25", "1234.50". */
  toString(): string {
    const total = this.big + BigInt(this.small);
    const negative = total < 0n;
    const digits = String(negative ? -total : total).padStart(3, '0');
    const point = digits.length - 2;
    return `${negative ? '-' : ''}${digits.slice(0, point)}.${digits.slice(point)}`;
  }
}

/** numerator / denominator half-even to 4 decimals ("0.5217"), or null when the denominator is zero. */
export function ratio4(numerator: string, denominator: string): string | null {
  const d = new Money(denominator);
  if (d.isZero()) return null;
  return divRound(numerator, d, 4);
}
