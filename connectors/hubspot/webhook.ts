/**
 * HubSpot webhook requests: signature checks and event parsing
 * (https://developers.hubspot.com/docs/apps/legacy-apps/authentication/validating-requests).
 *
 * - v3 (`X-HubSpot-Signature-v3`, checked whenever present): base64 HMAC-SHA256 with the client
 *   secret over method + URI + raw body + `X-HubSpot-Request-Timestamp`; requests more than
 *   5 minutes from now are refused. The docs ask to decode a few percent-encoded characters in the
 *   URI first; both the URI as given and that decoded form are accepted.
 * - else by `X-HubSpot-Signature-Version`: v1 = hex sha256(secret + body), v2 = hex
 *   sha256(secret + method + URI + body), in `X-HubSpot-Signature`.
 * Always over the raw bytes, compared in constant time.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { InputError } from '../../src/errors.js';
import type { ChangeEvent } from '../types.js';

export const SIGNATURE_MAX_AGE_MS = 5 * 60 * 1000;

export type SignatureCheck =
  | { ok: true }
  | { ok: false; reason: 'missing' | 'stale' | 'mismatch' | 'unsupported-version' };

export interface SignedRequest {
  method: string;
  /** The full public URL as HubSpot called it, query string included. */
  url: string;
  rawBody: Buffer;
  headers: Record<string, string | string[] | undefined>;
  clientSecret: string;
  now: number;
}

function headerValue(headers: SignedRequest['headers'], name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [k, v] of Object.entries(headers)) {
    if (k.toLowerCase() === wanted) return Array.isArray(v) ? v[0] : v;
  }
  return undefined;
}

function sameBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

const V3_DECODE: Array<[RegExp, string]> = [
  [/%3A/gi, ':'],
  [/%2F/gi, '/'],
  [/%3F/gi, '?'],
  [/%40/gi, '@'],
  [/%21/gi, '!'],
  [/%24/gi, '$'],
  [/%27/gi, "'"],
  [/%28/gi, '('],
  [/%29/gi, ')'],
  [/%2A/gi, '*'],
  [/%2C/gi, ','],
  [/%3B/gi, ';'],
];

function decodeForV3(url: string): string {
  return V3_DECODE.reduce((s, [re, ch]) => s.replace(re, ch), url);
}

export function verifyHubSpotSignature(req: SignedRequest): SignatureCheck {
  const method = req.method.toUpperCase();
  const v3 = headerValue(req.headers, 'x-hubspot-signature-v3');
  if (v3 !== undefined) {
    const stamp = headerValue(req.headers, 'x-hubspot-request-timestamp');
    const ts = Number(stamp);
    if (stamp === undefined || !Number.isFinite(ts)) return { ok: false, reason: 'missing' };
    if (Math.abs(req.now - ts) > SIGNATURE_MAX_AGE_MS) return { ok: false, reason: 'stale' };
    const given = Buffer.from(v3, 'base64');
    for (const uri of new Set([req.url, decodeForV3(req.url)])) {
      // Fed in parts rather than concatenated: the body is up to 100 events, and a copy per check is
      // a measurable share of the acknowledgement's CPU.
      const expected = createHmac('sha256', req.clientSecret)
        .update(method + uri, 'utf8')
        .update(req.rawBody)
        .update(String(stamp), 'utf8')
        .digest();
      if (sameBytes(given, expected)) return { ok: true };
    }
    return { ok: false, reason: 'mismatch' };
  }
  const signature = headerValue(req.headers, 'x-hubspot-signature');
  if (signature === undefined) return { ok: false, reason: 'missing' };
  const version = (headerValue(req.headers, 'x-hubspot-signature-version') ?? 'v1').toLowerCase();
  let source: Buffer;
  if (version === 'v1') source = Buffer.concat([Buffer.from(req.clientSecret, 'utf8'), req.rawBody]);
  else if (version === 'v2') {
    source = Buffer.concat([Buffer.from(req.clientSecret + method + req.url, 'utf8'), req.rawBody]);
  } else return { ok: false, reason: 'unsupported-version' };
  const expected = createHash('sha256').update(source).digest();
  if (!/^[0-9a-f]{64}$/i.test(signature)) return { ok: false, reason: 'mismatch' };
  return sameBytes(Buffer.from(signature, 'hex'), expected)
    ? { ok: true }
    : { ok: false, reason: 'mismatch' };
}

export const MAX_EVENTS_PER_REQUEST = 100;

/**
 * The fields playercoach reads from an event; HubSpot's others (subscriptionId, appId,
 * propertyName, propertyValue, changeSource, sourceId, ...) are dropped here. Validating only these
 * keeps the acknowledgement cheap: checking every field of 100 events cost more than parsing them.
 */
const eventSchema = z.object({
  eventId: z.number().int(),
  portalId: z.number().int(),
  occurredAt: z.number().int(),
  subscriptionType: z.string().min(1),
  objectId: z.number().int(),
  objectTypeId: z.string().optional(),
  attemptNumber: z.number().int().optional(),
});

const batchSchema = z.array(eventSchema);

export type HubSpotWebhookEvent = z.infer<typeof eventSchema>;

/** The body of a webhook request: a JSON array of at most 100 events. */
export function parseHubSpotEvents(rawBody: Buffer): HubSpotWebhookEvent[] {
  let json: unknown;
  try {
    json = JSON.parse(rawBody.toString('utf8'));
  } catch {
    throw new InputError('webhook body: not valid JSON');
  }
  if (!Array.isArray(json)) throw new InputError('webhook body: must be a JSON array of events');
  if (json.length > MAX_EVENTS_PER_REQUEST) {
    throw new InputError(
      `webhook body: ${json.length} events, at most ${MAX_EVENTS_PER_REQUEST} per request`,
    );
  }
  const parsed = batchSchema.safeParse(json);
  if (!parsed.success) {
    throw new InputError(
      parsed.error.issues.map((issue) => {
        const [index, ...rest] = issue.path;
        return `events[${String(index)}].${rest.join('.')}: ${issue.message}`;
      }),
    );
  }
  return parsed.data;
}

const OBJECT_TYPE_IDS: Record<string, ChangeEvent['objectType']> = {
  '0-3': 'deal',
  '0-47': 'meeting',
  '0-48': 'call',
};

function objectTypeOf(e: HubSpotWebhookEvent): ChangeEvent['objectType'] | null {
  const prefix = e.subscriptionType.split('.')[0];
  if (prefix === 'deal' || prefix === 'meeting' || prefix === 'call') return prefix;
  if (prefix === 'object' && e.objectTypeId !== undefined) return OBJECT_TYPE_IDS[e.objectTypeId] ?? null;
  return null;
}

/**
 * Events → change events: deals, meetings and calls only, deduplicated by eventId (HubSpot
 * retries and may send an event twice), one per object (its latest change), oldest first.
 */
export function toChangeEvents(events: readonly HubSpotWebhookEvent[]): ChangeEvent[] {
  const seen = new Set<number>();
  const latest = new Map<string, { type: ChangeEvent['objectType']; id: string; at: number }>();
  for (const e of events) {
    if (seen.has(e.eventId)) continue;
    seen.add(e.eventId);
    const type = objectTypeOf(e);
    if (type === null) continue;
    const key = `${type}:${e.objectId}`;
    const prev = latest.get(key);
    if (!prev || prev.at < e.occurredAt) latest.set(key, { type, id: String(e.objectId), at: e.occurredAt });
  }
  return [...latest.values()]
    .sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : 1))
    .map((c) => ({ objectType: c.type, id: c.id, occurredAt: new Date(c.at).toISOString() }));
}
