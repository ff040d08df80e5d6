/**
 * The org snapshot, version 1 (DESIGN.md "Normalized model"): what every connector produces and
 * the engine consumes. Parsing is in two steps: the zod schema checks the shape of each record,
 * then `checkReferences` checks what one record says about another (an owner that names no user,
 * a currency with no rate). Both report every problem, each naming the record and the field.
 */
import { DateTime } from 'luxon';
import { z } from 'zod';
import { InputError } from '../errors.js';

const DECIMAL = /^-?\d+(\.\d+)?$/;

/** Money and percentages travel as decimal strings; a JSON number is refused so no float sneaks in. */
export const decimalString = z
  .string({ error: 'must be a decimal string such as "1200.50" (not a number)' })
  .regex(DECIMAL, 'must be a decimal string such as "1200.50"');

export const isoDate = z
  .string({ error: 'must be a date string YYYY-MM-DD' })
  .refine((s) => /^\d{4}-\d{2}-\d{2}$/.test(s) && DateTime.fromISO(s).isValid, 'must be a date YYYY-MM-DD');

/** An instant: ISO 8601 with a zone designator (Z or an offset), so it names one moment. */
export const isoInstant = z
  .string({ error: 'must be an ISO 8601 instant string' })
  .refine(
    (s) =>
      /^\d{4}-\d{2}-\d{2}T.*(Z|[+-]\d{2}:?\d{2})$/.test(s) && DateTime.fromISO(s, { setZone: true }).isValid,
    'must be an ISO 8601 instant with a zone, such as "2026-03-10T15:00:00Z"',
  );

export const currencyCode = z
  .string()
  .regex(/^[A-Z]{3}$/, 'must be a 3-letter ISO currency code such as "USD"');

export const timeZone = z
  .string()
  .refine((s) => DateTime.local().setZone(s).isValid, 'must be an IANA time zone such as "America/New_York"');

/** `FY2027-Q1` or `FY2027-M01`. */
export const periodLabel = z
  .string()
  .regex(/^FY\d{4}-(Q[1-4]|M(0[1-9]|1[0-2]))$/, 'must be a period label such as "FY2026-Q1" or "FY2026-M03"');

const id = z.string().min(1, 'must be a non-empty id');

export const userSchema = z.object({
  id,
  name: z.string(),
  email: z.string(),
  managerId: id.nullable(),
  active: z.boolean(),
});

export const managerChangeSchema = z.object({
  userId: id,
  managerId: id.nullable(),
  from: isoDate,
});

export const splitSchema = z.object({
  userId: id,
  percent: decimalString,
});

export const dealSchema = z.object({
  id,
  name: z.string(),
  ownerId: id,
  accountId: id.nullable().default(null),
  amount: decimalString,
  currency: currencyCode,
  closeDate: isoDate,
  won: z.boolean(),
  splits: z.array(splitSchema).default([]),
});

export const PARTICIPANT_ROLES = ['organizer', 'attendee'] as const;
export const PARTICIPANT_STATUSES = [
  'accepted',
  'declined',
  'tentative',
  'needsAction',
  'attended',
  'noShow',
] as const;
export type ParticipantStatus = (typeof PARTICIPANT_STATUSES)[number];

export const participantSchema = z
  .object({
    userId: id.optional(),
    contactId: id.optional(),
    email: z.string().optional(),
    external: z.boolean().optional(),
    role: z.enum(PARTICIPANT_ROLES),
    status: z.enum(PARTICIPANT_STATUSES),
  })
  .refine((p) => p.userId !== undefined || p.contactId !== undefined || p.email !== undefined, {
    message: 'a participant needs a userId, a contactId or an email',
  });

export const ACTIVITY_KINDS = ['meeting', 'call'] as const;
export type ActivityKind = (typeof ACTIVITY_KINDS)[number];

export const activitySchema = z
  .object({
    id,
    kind: z.enum(ACTIVITY_KINDS),
    dealIds: z.array(id).default([]),
    accountId: id.nullable().default(null),
    start: isoInstant.nullable().default(null),
    date: isoDate.nullable().default(null),
    canceled: z.boolean().default(false),
    participants: z.array(participantSchema),
  })
  .refine((a) => a.start !== null || a.date !== null, {
    message: 'an activity needs a start instant or a date',
    path: ['start'],
  });

export const quotaSchema = z.object({
  managerId: id,
  period: periodLabel,
  amount: decimalString,
  currency: currencyCode.optional(),
});

export const rateSchema = z.object({
  currency: currencyCode,
  rate: decimalString.refine((s) => !/^-|^0+(\.0+)?$/.test(s), 'must be a positive decimal'),
  from: isoDate,
});

export const snapshotSchema = z.object({
  version: z.literal(1, { error: 'must be 1 (the only snapshot version there is)' }),
  tenant: z.string().min(1),
  corporateCurrency: currencyCode,
  timezone: timeZone,
  fiscalYearStartMonth: z.number().int().min(1).max(12),
  internalDomains: z.array(z.string().min(1)).default([]),
  users: z.array(userSchema),
  managerHistory: z.array(managerChangeSchema).default([]),
  deals: z.array(dealSchema),
  activities: z.array(activitySchema),
  quotas: z.array(quotaSchema).default([]),
  rates: z.array(rateSchema).default([]),
});

export type User = z.infer<typeof userSchema>;
export type ManagerChange = z.infer<typeof managerChangeSchema>;
export type Split = z.infer<typeof splitSchema>;
export type Deal = z.infer<typeof dealSchema>;
export type Participant = z.infer<typeof participantSchema>;
export type Activity = z.infer<typeof activitySchema>;
export type Quota = z.infer<typeof quotaSchema>;
export type Rate = z.infer<typeof rateSchema>;
export type Snapshot = z.infer<typeof snapshotSchema>;
/** What a caller may hand in before defaults are applied (a file, a connector's output). */
export type SnapshotInput = z.input<typeof snapshotSchema>;

/**
 * Names the record a zod issue path points into, so a message reads
 * `deals[3] (id "006D1").amount: ...` rather than `deals.3.amount`.
 */
export function describePath(root: unknown, path: readonly PropertyKey[]): string {
  let out = '';
  let node: unknown = root;
  for (const key of path) {
    if (typeof key === 'number') {
      out += `[${key}]`;
      node = Array.isArray(node) ? node[key] : undefined;
      const recordId = node && typeof node === 'object' ? (node as { id?: unknown }).id : undefined;
      if (typeof recordId === 'string') out += ` (id "${recordId}")`;
    } else {
      out += out === '' ? String(key) : `.${String(key)}`;
      node = node && typeof node === 'object' ? (node as Record<PropertyKey, unknown>)[key] : undefined;
    }
  }
  return out === '' ? '(root)' : out;
}

export function zodIssues(root: unknown, error: z.ZodError): string[] {
  return error.issues.map((issue) => `${describePath(root, issue.path)}: ${issue.message}`);
}

/**
 * Parses and checks a snapshot. Throws an InputError listing every problem; returns the
 * snapshot with defaults filled in.
 */
export function parseSnapshot(raw: unknown): Snapshot {
  const parsed = snapshotSchema.safeParse(raw);
  if (!parsed.success) throw new InputError(zodIssues(raw, parsed.error));
  const problems = checkReferences(parsed.data);
  if (problems.length > 0) throw new InputError(problems);
  return parsed.data;
}

/** Checks what records say about each other (DESIGN.md "Exact semantics"). */
export function checkReferences(s: Snapshot): string[] {
  const problems: string[] = [];
  const users = new Set<string>();
  s.users.forEach((u, i) => {
    if (users.has(u.id)) problems.push(`users[${i}] (id "${u.id}").id: duplicate user id`);
    users.add(u.id);
  });
  const knownUser = (value: string | null, where: string) => {
    if (value !== null && !users.has(value)) problems.push(`${where}: "${value}" names no user`);
  };
  s.users.forEach((u, i) => {
    knownUser(u.managerId, `users[${i}] (id "${u.id}").managerId`);
  });
  // Two changes for one user on one day, or two rates for one currency on one day, would leave
  // the answer to the order of the input; refuse them so the engine never has to guess.
  const historyKeys = new Set<string>();
  s.managerHistory.forEach((h, i) => {
    knownUser(h.userId, `managerHistory[${i}].userId`);
    knownUser(h.managerId, `managerHistory[${i}].managerId`);
    const key = `${h.userId} ${h.from}`;
    if (historyKeys.has(key)) {
      problems.push(`managerHistory[${i}].from: a second manager change for ${h.userId} on ${h.from}`);
    }
    historyKeys.add(key);
  });
  const rateKeys = new Set<string>();
  s.rates.forEach((r, i) => {
    const key = `${r.currency} ${r.from}`;
    if (rateKeys.has(key)) problems.push(`rates[${i}].from: a second ${r.currency} rate from ${r.from}`);
    rateKeys.add(key);
  });

  const ratesByCurrency = new Map<string, string[]>();
  for (const r of s.rates) {
    const froms = ratesByCurrency.get(r.currency) ?? [];
    froms.push(r.from);
    ratesByCurrency.set(r.currency, froms);
  }
  const hasRateOn = (currency: string, date: string) =>
    currency === s.corporateCurrency || (ratesByCurrency.get(currency) ?? []).some((from) => from <= date);

  const deals = new Set<string>();
  s.deals.forEach((d, i) => {
    const at = `deals[${i}] (id "${d.id}")`;
    if (deals.has(d.id)) problems.push(`${at}.id: duplicate deal id`);
    deals.add(d.id);
    knownUser(d.ownerId, `${at}.ownerId`);
    d.splits.forEach((sp, j) => {
      knownUser(sp.userId, `${at}.splits[${j}].userId`);
    });
    if (d.currency !== s.corporateCurrency && !ratesByCurrency.has(d.currency)) {
      problems.push(`${at}.currency: no conversion rate for ${d.currency} in rates`);
    } else if (d.won && !hasRateOn(d.currency, d.closeDate)) {
      problems.push(`${at}.currency: no conversion rate for ${d.currency} in effect on ${d.closeDate}`);
    }
  });

  const activities = new Set<string>();
  s.activities.forEach((a, i) => {
    if (activities.has(a.id)) problems.push(`activities[${i}] (id "${a.id}").id: duplicate activity id`);
    activities.add(a.id);
  });

  const quotaKeys = new Set<string>();
  s.quotas.forEach((q, i) => {
    knownUser(q.managerId, `quotas[${i}].managerId`);
    const key = `${q.managerId} ${q.period}`;
    if (quotaKeys.has(key)) problems.push(`quotas[${i}]: a second quota for ${q.managerId} in ${q.period}`);
    quotaKeys.add(key);
    if (q.currency !== undefined && q.currency !== s.corporateCurrency) {
      problems.push(
        `quotas[${i}].currency: quotas must be in the corporate currency ${s.corporateCurrency}, not ${q.currency}`,
      );
    }
  });
  return problems;
}
