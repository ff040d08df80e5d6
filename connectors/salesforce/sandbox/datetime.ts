/**
 * How the sandbox stores Salesforce datetimes: canonical UTC strings ('2026-03-10T15:00:00.000Z').
 * They order as text, so comparisons and sorts need no parsing, and records stamped together
 * share one string rather than each boxing a number (two million records, three stamps each).
 */

export function storedDateTime(ms: number): string {
  return new Date(ms).toISOString();
}

/** The REST form: "2026-03-10T15:00:00.000+0000". */
export function formatDateTime(stored: string): string {
  return `${stored.slice(0, 23)}+0000`;
}

/**
 * Parses `2024-01-01T00:00:00Z`, `...+01:00`, `...+0100`, with or without milliseconds, into the
 * stored form; null when it is not a datetime.
 */
export function parseDateTime(value: string): string | null {
  // A collection's records usually carry the same instant (when the batch was evaluated).
  if (value === lastParsed.value) return lastParsed.stored;
  const stored = parse(value);
  lastParsed = { value, stored };
  return stored;
}

let lastParsed: { value: string; stored: string | null } = { value: '', stored: null };

function parse(value: string): string | null {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?)(Z|[+-]\d{2}:?\d{2})$/.exec(value);
  if (m === null) return null;
  const zone = m[2] === 'Z' ? 'Z' : `${m[2]!.slice(0, 3)}:${m[2]!.slice(-2)}`;
  const ms = Date.parse(`${m[1]}${zone}`);
  return Number.isNaN(ms) ? null : storedDateTime(ms);
}
