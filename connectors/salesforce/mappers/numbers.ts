/** Salesforce numbers (JSON doubles) to the decimal strings the domain uses, and back. */
import { Decimal } from 'decimal.js';

/** A number whose shortest decimal form has at most 2 decimals: "12000", "-12000.5", "99.99". */
const CENTS = /^-?\d+(?:\.\d\d?)?$/;

/** A Currency value as a 2-decimal string: 12000.5 → "12000.50". */
export function money(value: number | null | undefined): string {
  if (value === null || value === undefined || value === 0) return '0.00';
  // Decimal reads a number from this same shortest form, so when it has at most 2 decimals
  // toFixed(2) only pads it: done here without decimal arithmetic, as a backfill maps hundreds
  // of thousands of amounts.
  const plain = String(value);
  if (CENTS.test(plain)) {
    const dot = plain.indexOf('.');
    return dot === -1 ? `${plain}.00` : dot === plain.length - 2 ? `${plain}0` : plain;
  }
  return new Decimal(value).toFixed(2);
}

/** A plain decimal: 0.92 → "0.92", 60 → "60". */
export function decimal(value: number): string {
  return new Decimal(value).toString();
}

/** A Percent field (52.17) as the domain's ratio with 4 decimals ("0.5217"). */
export function percentToRatio(value: number | null | undefined): string | null {
  return value === null || value === undefined ? null : new Decimal(value).div(100).toFixed(4);
}

/** The domain's ratio ("0.5217") as a Percent field value (52.17). */
export function ratioToPercent(ratio: string | null): number | null {
  return ratio === null ? null : new Decimal(ratio).times(100).toNumber();
}

/** A plain decimal string: "1234.50", "-0.5", "60". */
const PLAIN_DECIMAL = /^-?\d+(?:\.\d+)?$/;

/** A decimal string as the JSON number Salesforce takes. */
export function toNumber(value: string): number {
  // Both round the same digits to the nearest double; Decimal is kept for what Number would
  // not reject (it throws on "", "12abc", ...). Write-back converts every credit it writes.
  return PLAIN_DECIMAL.test(value) ? Number(value) : new Decimal(value).toNumber();
}
