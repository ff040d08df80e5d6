/**
 * The one way SOQL is built: a tagged template that escapes every interpolated value by its type,
 * so no query is ever pasted together from strings (Cal.com's `WHERE Email IN ('${...}')` is the
 * counter-example). Strings become quoted literals, arrays become IN lists, `soqlDate` and
 * `soqlDateTime` wrap date literals, and `soqlFields` is the only way to put names into a query.
 * https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_select_quotedstringescapes.htm
 */

export class SoqlDate {
  constructor(readonly value: string) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) throw new RangeError(`not a SOQL date: ${JSON.stringify(value)}`);
  }
}

export class SoqlDateTime {
  readonly value: string;
  constructor(instant: string | number) {
    const ms = typeof instant === 'number' ? instant : parseInstant(instant);
    if (!Number.isFinite(ms)) throw new RangeError(`not an instant: ${JSON.stringify(instant)}`);
    const iso = new Date(ms).toISOString();
    // Salesforce stamps whole seconds; keep milliseconds only when there are some.
    this.value = iso.endsWith('.000Z') ? `${iso.slice(0, 19)}Z` : iso;
  }
}

/** Field and object names: checked, never escaped, because they are not values. */
export class SoqlNames {
  readonly value: string;
  constructor(names: readonly string[]) {
    for (const n of names) {
      if (!/^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)*$/.test(n))
        throw new RangeError(`not a SOQL name: ${n}`);
    }
    this.value = names.join(', ');
  }
}

/** A complete nested SELECT, itself built with `soql`, to place in a field list. */
export class SoqlFragment {
  constructor(readonly value: string) {}
}

export type SoqlValue =
  | string
  | number
  | boolean
  | null
  | SoqlDate
  | SoqlDateTime
  | SoqlNames
  | SoqlFragment
  | readonly (string | number | SoqlDate)[];

export const soqlDate = (value: string) => new SoqlDate(value);
export const soqlDateTime = (instant: string | number) => new SoqlDateTime(instant);
export const soqlFields = (names: readonly string[]) => new SoqlNames(names);

/** The characters `quoteSoqlString` escapes; ids and most values have none of them. */
const NEEDS_ESCAPE = /[\\'"\n\r\t\b\f]/;

/** `'O\'Brien'`: backslash, quotes and control characters escaped as SOQL wants. */
export function quoteSoqlString(value: string): string {
  // The IN lists of a backfill quote hundreds of thousands of ids: skip the walk when it would copy.
  if (!NEEDS_ESCAPE.test(value)) return `'${value}'`;
  let out = "'";
  for (const ch of value) {
    switch (ch) {
      case '\\':
        out += '\\\\';
        break;
      case "'":
        out += "\\'";
        break;
      case '"':
        out += '\\"';
        break;
      case '\n':
        out += '\\n';
        break;
      case '\r':
        out += '\\r';
        break;
      case '\t':
        out += '\\t';
        break;
      case '\b':
        out += '\\b';
        break;
      case '\f':
        out += '\\f';
        break;
      default:
        out += ch;
    }
  }
  return `${out}'`;
}

function literal(value: SoqlValue): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return quoteSoqlString(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new RangeError(`not a SOQL number: ${value}`);
    return String(value);
  }
  if (value instanceof SoqlDate || value instanceof SoqlDateTime || value instanceof SoqlNames)
    return value.value;
  if (value instanceof SoqlFragment) return value.value;
  if (Array.isArray(value)) {
    if (value.length === 0) throw new RangeError('an IN list needs at least one value');
    return `(${value.map((v) => literal(v)).join(', ')})`;
  }
  throw new TypeError(`cannot put ${String(value)} into SOQL`);
}

export function soql(strings: TemplateStringsArray, ...values: SoqlValue[]): string {
  let out = strings[0]!;
  values.forEach((v, i) => {
    out += literal(v) + strings[i + 1]!;
  });
  return out;
}

/** A subquery or other SOQL piece built with `soql`, for use inside another `soql` template. */
export function soqlFragment(strings: TemplateStringsArray, ...values: SoqlValue[]): SoqlFragment {
  return new SoqlFragment(soql(strings, ...values));
}

/**
 * Splits `ids` so that each query `build(chunk)` stays under `maxLength` characters (SOQL's limit
 * is 100,000; the margin leaves room for Salesforce's own expansion of the statement) and holds at
 * most `maxItems` ids.
 */
export function inBatches(
  ids: readonly string[],
  build: (chunk: readonly string[]) => string,
  { maxLength = 90_000, maxItems = Number.POSITIVE_INFINITY }: { maxLength?: number; maxItems?: number } = {},
): string[] {
  if (ids.length === 0) return [];
  const base = build(['']).length - 2;
  const out: string[] = [];
  let chunk: string[] = [];
  let length = base;
  for (const id of ids) {
    const cost = quoteSoqlString(id).length + 2;
    if (chunk.length > 0 && (length + cost > maxLength || chunk.length >= maxItems)) {
      out.push(build(chunk));
      chunk = [];
      length = base;
    }
    chunk.push(id);
    length += cost;
  }
  out.push(build(chunk));
  return out;
}

function parseInstant(s: string): number {
  const m = /^(.*T\d{2}:\d{2}:\d{2}(?:\.\d+)?)([+-]\d{2})(\d{2})$/.exec(s);
  return Date.parse(m === null ? s : `${m[1]}${m[2]}:${m[3]}`);
}
