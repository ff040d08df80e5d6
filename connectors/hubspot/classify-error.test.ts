// Protects the HubSpot error table: every row of classify-error.ts, so a 429 policy, a 401 or a
// 5xx is never handled as something else.
import { describe, expect, it } from 'vitest';
import { PlayercoachError } from '../../src/errors.js';
import { classifyBatchInputError, classifyHubSpotError } from './classify-error.js';

const apiError = (code: number, body: unknown, headers: Record<string, string> = {}) =>
  Object.assign(new Error(`HTTP-Code: ${code}`), { code, body, headers });

// 2026-03-10 15:00 UTC is 11:00 in New York (daylight time since 8 March): midnight is 13 h away.
const NOW = Date.parse('2026-03-10T15:00:00Z');

describe('classifyHubSpotError', () => {
  const rows: Array<
    [string, unknown, { code: string; retryable: boolean; retryAfterMs?: number; providerCode?: string }]
  > = [
    [
      '429 TEN_SECONDLY_ROLLING waits the window from the header',
      apiError(
        429,
        { status: 'error', policyName: 'TEN_SECONDLY_ROLLING', errorType: 'RATE_LIMIT', message: 'x' },
        { 'x-hubspot-ratelimit-interval-milliseconds': '10000' },
      ),
      { code: 'RATE_LIMITED', retryable: true, retryAfterMs: 10_000, providerCode: 'TEN_SECONDLY_ROLLING' },
    ],
    [
      '429 TEN_SECONDLY_ROLLING without the header waits 10 s',
      apiError(429, { policyName: 'TEN_SECONDLY_ROLLING' }),
      { code: 'RATE_LIMITED', retryable: true, retryAfterMs: 10_000, providerCode: 'TEN_SECONDLY_ROLLING' },
    ],
    [
      '429 secondly (search) waits 1 s',
      apiError(429, {
        status: 'error',
        message: 'You have reached your secondly limit.',
        errorType: 'RATE_LIMIT',
      }),
      { code: 'RATE_LIMITED', retryable: true, retryAfterMs: 1000, providerCode: 'SECONDLY' },
    ],
    [
      '429 DAILY pauses until midnight in the portal time zone',
      apiError(429, { policyName: 'DAILY', message: 'daily' }),
      { code: 'BUDGET_EXHAUSTED', retryable: true, retryAfterMs: 13 * 3600 * 1000, providerCode: 'DAILY' },
    ],
    [
      '429 of another kind honours Retry-After',
      apiError(429, { message: 'slow down' }, { 'Retry-After': '3' }),
      { code: 'RATE_LIMITED', retryable: true, retryAfterMs: 3000 },
    ],
    [
      '401 expired token is retried after a refresh',
      apiError(401, { category: 'EXPIRED_AUTHENTICATION', message: 'expired' }),
      { code: 'AUTH_EXPIRED', retryable: true, providerCode: 'EXPIRED_AUTHENTICATION' },
    ],
    [
      '403 is permanent',
      apiError(403, { category: 'MISSING_SCOPES' }),
      { code: 'UNAUTHORIZED', retryable: false },
    ],
    [
      '404 is permanent',
      apiError(404, { category: 'OBJECT_NOT_FOUND' }),
      { code: 'NOT_FOUND', retryable: false },
    ],
    [
      '409 is permanent',
      apiError(409, { category: 'OBJECT_ALREADY_EXISTS' }),
      { code: 'CONFLICT', retryable: false },
    ],
    [
      '423 locked backs off',
      apiError(423, { category: 'LOCKED' }),
      { code: 'RECORD_LOCKED', retryable: true },
    ],
    [
      '400 validation is permanent',
      apiError(400, { category: 'VALIDATION_ERROR', message: 'bad' }),
      { code: 'CRM_REJECTED', retryable: false, providerCode: 'VALIDATION_ERROR' },
    ],
    [
      '500 backs off',
      apiError(500, { category: 'INTERNAL_ERROR' }),
      { code: 'CRM_UNAVAILABLE', retryable: true },
    ],
    [
      '502 with a non-JSON body backs off',
      apiError(502, '<html>bad gateway</html>'),
      { code: 'CRM_UNAVAILABLE', retryable: true },
    ],
    [
      'a refused connection backs off',
      Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } }),
      { code: 'CRM_UNAVAILABLE', retryable: true, providerCode: 'ECONNREFUSED' },
    ],
    [
      'a timeout backs off',
      Object.assign(new Error('timed out'), { name: 'TimeoutError' }),
      { code: 'CRM_UNAVAILABLE', retryable: true },
    ],
    [
      'a programming error is not retried',
      new RangeError('bad index'),
      { code: 'INTERNAL', retryable: false },
    ],
    ['a non-error value is not retried', 'boom', { code: 'INTERNAL', retryable: false }],
  ];

  it.each(rows)('%s', (_name, raw, want) => {
    const err = classifyHubSpotError(raw, { now: NOW, timezone: 'America/New_York' });
    expect(err).toBeInstanceOf(PlayercoachError);
    expect({ code: err.code, retryable: err.retryable }).toEqual({
      code: want.code,
      retryable: want.retryable,
    });
    if (want.retryAfterMs !== undefined) expect(err.retryAfterMs).toBe(want.retryAfterMs);
    if (want.providerCode !== undefined) expect(err.providerCode).toBe(want.providerCode);
  });

  it('passes a PlayercoachError through unchanged', () => {
    const original = new PlayercoachError('CONFLICT', 'x');
    expect(classifyHubSpotError(original)).toBe(original);
  });
});

describe('classifyBatchInputError', () => {
  it.each([
    [{ category: 'INTERNAL_ERROR', status: 'error' }, true],
    [{ category: 'RATE_LIMITS' }, true],
    [{ category: 'LOCKED' }, true],
    [{ category: 'OBJECT_NOT_FOUND', status: 'error' }, false],
    [{ category: 'VALIDATION_ERROR' }, false],
    [{ category: 'WHATEVER', status: '503' }, true],
  ])('%j retryable=%s', (e, retryable) => {
    expect(classifyBatchInputError(e).retryable).toBe(retryable);
  });
});
