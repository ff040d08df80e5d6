/**
 * Every HubSpot failure → the project's PlayercoachError (src/errors.ts), by one table:
 *
 * | HubSpot says                                   | code              | retryable | wait                      |
 * |------------------------------------------------|-------------------|-----------|---------------------------|
 * | 429 policyName TEN_SECONDLY_ROLLING            | RATE_LIMITED      | yes       | the window (header, 10 s) |
 * | 429 "You have reached your secondly limit."    | RATE_LIMITED      | yes       | 1 s                       |
 * | 429 policyName DAILY                           | BUDGET_EXHAUSTED  | yes       | until midnight (portal tz)|
 * | 429 anything else                              | RATE_LIMITED      | yes       | Retry-After, else 10 s    |
 * | 401                                            | AUTH_EXPIRED      | yes       | after a token refresh     |
 * | 403                                            | UNAUTHORIZED      | no        |                           |
 * | 404                                            | NOT_FOUND         | no        |                           |
 * | 409                                            | CONFLICT          | no        |                           |
 * | 423                                            | RECORD_LOCKED     | yes       | backoff                   |
 * | 5xx, network error, timeout                    | CRM_UNAVAILABLE   | yes       | backoff                   |
 * | any other 4xx                                  | CRM_REJECTED      | no        |                           |
 * | anything else                                  | INTERNAL          | no        |                           |
 *
 * A 401 is retryable because HubSpot does not reliably tell an expired token from a bad one
 * (CRM-FACTS.md H8): the caller refreshes once and tries again. Per-input errors inside a 207 are
 * classified by `classifyBatchInputError` on their `status` and `category`.
 */
import { DateTime } from 'luxon';
import { isPlayercoachError, PlayercoachError } from '../../src/errors.js';

const SECONDLY_MESSAGE = 'You have reached your secondly limit.';
const NETWORK_CODES = [
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'UND_ERR_SOCKET',
  'EAI_AGAIN',
];

export interface ClassifyContext {
  now?: number;
  /** The portal's time zone; HubSpot resets the daily limit at its midnight. */
  timezone?: string;
}

interface ApiExceptionLike {
  code: number;
  body?: unknown;
  headers?: Record<string, string | undefined>;
}

function isApiException(err: unknown): err is ApiExceptionLike {
  return typeof err === 'object' && err !== null && typeof (err as { code?: unknown }).code === 'number';
}

function header(headers: ApiExceptionLike['headers'], name: string): string | undefined {
  if (!headers) return undefined;
  const wanted = name.toLowerCase();
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === wanted) return v;
  return undefined;
}

function bodyField(body: unknown, field: string): string | undefined {
  if (typeof body === 'string') {
    try {
      return bodyField(JSON.parse(body), field);
    } catch {
      return undefined;
    }
  }
  if (typeof body !== 'object' || body === null) return undefined;
  const value = (body as Record<string, unknown>)[field];
  return typeof value === 'string' ? value : undefined;
}

function msUntilMidnight(now: number, timezone: string): number {
  const local = DateTime.fromMillis(now, { zone: timezone });
  return Math.max(1000, local.plus({ days: 1 }).startOf('day').toMillis() - now);
}

export function classifyHubSpotError(err: unknown, ctx: ClassifyContext = {}): PlayercoachError {
  if (isPlayercoachError(err)) return err;
  const now = ctx.now ?? Date.now();
  if (isApiException(err) && err.code >= 400) {
    const status = err.code;
    const message = bodyField(err.body, 'message') ?? `HubSpot answered HTTP ${status}`;
    const category = bodyField(err.body, 'category');
    const base = { provider: 'hubspot' as const, status, cause: err };
    if (status === 429) {
      const policy = bodyField(err.body, 'policyName');
      if (policy === 'DAILY') {
        return new PlayercoachError('BUDGET_EXHAUSTED', `HubSpot daily API limit reached: ${message}`, {
          ...base,
          retryable: true,
          retryAfterMs: msUntilMidnight(now, ctx.timezone ?? 'UTC'),
          providerCode: 'DAILY',
        });
      }
      if (policy === 'TEN_SECONDLY_ROLLING') {
        const windowMs = Number(header(err.headers, 'x-hubspot-ratelimit-interval-milliseconds'));
        return new PlayercoachError('RATE_LIMITED', `HubSpot 10-second limit reached: ${message}`, {
          ...base,
          retryable: true,
          retryAfterMs: Number.isFinite(windowMs) && windowMs > 0 ? windowMs : 10_000,
          providerCode: 'TEN_SECONDLY_ROLLING',
        });
      }
      if (message === SECONDLY_MESSAGE) {
        return new PlayercoachError('RATE_LIMITED', `HubSpot search per-second limit reached`, {
          ...base,
          retryable: true,
          retryAfterMs: 1000,
          providerCode: 'SECONDLY',
        });
      }
      const retryAfter = Number(header(err.headers, 'retry-after'));
      return new PlayercoachError('RATE_LIMITED', `HubSpot rate limit: ${message}`, {
        ...base,
        retryable: true,
        retryAfterMs: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : 10_000,
        providerCode: policy ?? category ?? 'RATE_LIMIT',
      });
    }
    if (status === 401) {
      return new PlayercoachError('AUTH_EXPIRED', `HubSpot refused the access token: ${message}`, {
        ...base,
        retryable: true,
        providerCode: category ?? 'UNAUTHORIZED',
      });
    }
    if (status >= 500) {
      return new PlayercoachError('CRM_UNAVAILABLE', `HubSpot is unavailable (HTTP ${status}): ${message}`, {
        ...base,
        retryable: true,
        providerCode: category ?? `HTTP_${status}`,
      });
    }
    const permanent: Record<number, 'UNAUTHORIZED' | 'NOT_FOUND' | 'CONFLICT'> = {
      403: 'UNAUTHORIZED',
      404: 'NOT_FOUND',
      409: 'CONFLICT',
    };
    if (status === 423) {
      return new PlayercoachError('RECORD_LOCKED', `HubSpot record locked: ${message}`, {
        ...base,
        retryable: true,
        providerCode: category ?? 'LOCKED',
      });
    }
    return new PlayercoachError(
      permanent[status] ?? 'CRM_REJECTED',
      `HubSpot rejected the request: ${message}`,
      {
        ...base,
        retryable: false,
        providerCode: category ?? `HTTP_${status}`,
      },
    );
  }
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code ?? (err.cause as { code?: unknown } | undefined)?.code;
    const network =
      err.name === 'AbortError' ||
      err.name === 'TimeoutError' ||
      err.name === 'FetchError' ||
      (err instanceof TypeError && /fetch failed/i.test(err.message)) ||
      (typeof code === 'string' && NETWORK_CODES.includes(code));
    if (network) {
      return new PlayercoachError('CRM_UNAVAILABLE', `HubSpot could not be reached: ${err.message}`, {
        provider: 'hubspot',
        retryable: true,
        providerCode: typeof code === 'string' ? code : err.name,
        cause: err,
      });
    }
    return new PlayercoachError('INTERNAL', `HubSpot call failed: ${err.message}`, {
      provider: 'hubspot',
      cause: err,
    });
  }
  return new PlayercoachError('INTERNAL', `HubSpot call failed: ${String(err)}`, { provider: 'hubspot' });
}

const RETRYABLE_CATEGORIES = ['RATE_LIMITS', 'INTERNAL_ERROR', 'LOCKED', 'TIMEOUT'];

/** One error of a 207 answer (`{status, category, message, context}`). */
export function classifyBatchInputError(e: { category?: string; status?: string; subCategory?: string }): {
  code: string;
  retryable: boolean;
} {
  const category = e.category ?? 'UNKNOWN';
  const httpStatus = Number(e.status);
  const retryable =
    RETRYABLE_CATEGORIES.includes(category) || (Number.isFinite(httpStatus) && httpStatus >= 500);
  return { code: category, retryable };
}
