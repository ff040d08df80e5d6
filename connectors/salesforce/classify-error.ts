/**
 * Salesforce failures in the project's one error type. Salesforce signals its API budget with
 * 403 REQUEST_LIMIT_EXCEEDED (never 429): "TotalRequests Limit exceeded" is the daily budget,
 * other messages the concurrent long-request limit. Unavailability (503 and friends), lock
 * contention and network errors are retryable; a query or write Salesforce rejects is not.
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm
 */
import { type ErrorCode, isPlayercoachError, PlayercoachError } from '../../src/errors.js';

/** How long to wait on a daily budget that is spent: it frees up gradually over a rolling 24 hours. */
export const BUDGET_RETRY_AFTER_MS = 15 * 60_000;
const CONCURRENCY_RETRY_AFTER_MS = 5_000;

interface Rule {
  code: ErrorCode;
  retryable: boolean;
  retryAfterMs?: number;
}

const RULES: Record<string, Rule> = {
  SERVER_UNAVAILABLE: { code: 'CRM_UNAVAILABLE', retryable: true },
  UNABLE_TO_LOCK_ROW: { code: 'RECORD_LOCKED', retryable: true },
  INVALID_SESSION_ID: { code: 'AUTH_EXPIRED', retryable: false },
  invalid_grant: { code: 'AUTH_EXPIRED', retryable: false },
  invalid_client: { code: 'UNAUTHORIZED', retryable: false },
  invalid_client_id: { code: 'UNAUTHORIZED', retryable: false },
  INSUFFICIENT_ACCESS: { code: 'UNAUTHORIZED', retryable: false },
  INSUFFICIENT_ACCESS_OR_READONLY: { code: 'UNAUTHORIZED', retryable: false },
  API_DISABLED_FOR_ORG: { code: 'UNAUTHORIZED', retryable: false },
  API_CURRENTLY_DISABLED: { code: 'UNAUTHORIZED', retryable: false },
  NOT_FOUND: { code: 'NOT_FOUND', retryable: false },
  ENTITY_IS_DELETED: { code: 'NOT_FOUND', retryable: false },
  INVALID_FIELD: { code: 'CRM_REJECTED', retryable: false },
  INVALID_TYPE: { code: 'CRM_REJECTED', retryable: false },
  MALFORMED_QUERY: { code: 'CRM_REJECTED', retryable: false },
  INVALID_QUERY_FILTER_OPERATOR: { code: 'CRM_REJECTED', retryable: false },
  INVALID_QUERY_LOCATOR: { code: 'CRM_REJECTED', retryable: false },
  INVALID_FIELD_FOR_INSERT_UPDATE: { code: 'CRM_REJECTED', retryable: false },
  FIELD_INTEGRITY_EXCEPTION: { code: 'CRM_REJECTED', retryable: false },
  INVALID_CROSS_REFERENCE_KEY: { code: 'CRM_REJECTED', retryable: false },
  REQUIRED_FIELD_MISSING: { code: 'CRM_REJECTED', retryable: false },
  STRING_TOO_LONG: { code: 'CRM_REJECTED', retryable: false },
  JSON_PARSER_ERROR: { code: 'CRM_REJECTED', retryable: false },
  DUPLICATE_VALUE: { code: 'CONFLICT', retryable: false },
  DUPLICATE_EXTERNAL_ID: { code: 'CONFLICT', retryable: false },
  MULTIPLE_CHOICES: { code: 'CONFLICT', retryable: false },
  EXCEEDED_ID_LIMIT: { code: 'CRM_REJECTED', retryable: false },
  ALL_OR_NONE_OPERATION_ROLLED_BACK: { code: 'CRM_REJECTED', retryable: true },
};

const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETDOWN',
  'ENETUNREACH',
  'EHOSTDOWN',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
]);

/** The rule for a Salesforce error code and message (REST errorCode, a SaveResult statusCode, a SOAP faultcode). */
export function ruleFor(providerCode: string, message = ''): Rule {
  const code = providerCode.replace(/^[a-z]+:/, '');
  if (code === 'REQUEST_LIMIT_EXCEEDED') {
    return /TotalRequests/i.test(message)
      ? { code: 'BUDGET_EXHAUSTED', retryable: true, retryAfterMs: BUDGET_RETRY_AFTER_MS }
      : { code: 'RATE_LIMITED', retryable: true, retryAfterMs: CONCURRENCY_RETRY_AFTER_MS };
  }
  const known = RULES[code];
  if (known !== undefined) return known;
  const http = /^ERROR_HTTP_(\d{3})$/.exec(code);
  if (http !== null) {
    const status = Number(http[1]);
    if (status === 401) return { code: 'AUTH_EXPIRED', retryable: false };
    if (status === 429 || status === 420)
      return { code: 'RATE_LIMITED', retryable: true, retryAfterMs: CONCURRENCY_RETRY_AFTER_MS };
    if (status >= 500) return { code: 'CRM_UNAVAILABLE', retryable: true };
    return { code: 'CRM_REJECTED', retryable: false };
  }
  if (code === 'UNKNOWN_EXCEPTION') return { code: 'CRM_UNAVAILABLE', retryable: true };
  return { code: 'CRM_REJECTED', retryable: false };
}

/** Errors of the language itself: a bug on our side, not something Salesforce said. */
const JS_ERRORS = new Set(['Error', 'TypeError', 'RangeError', 'ReferenceError', 'SyntaxError']);

interface JsforceLikeError {
  name?: unknown;
  errorCode?: unknown;
  message?: unknown;
  code?: unknown;
  data?: unknown;
  type?: unknown;
}

export function classifySalesforceError(err: unknown): PlayercoachError {
  if (isPlayercoachError(err)) return err;
  const e = (typeof err === 'object' && err !== null ? err : {}) as JsforceLikeError;
  const message = typeof e.message === 'string' ? e.message : String(err);
  const make = (providerCode: string, rule: Rule, text = message) =>
    new PlayercoachError(rule.code, `Salesforce ${providerCode}: ${text}`, {
      retryable: rule.retryable,
      provider: 'salesforce',
      providerCode,
      cause: err,
      ...(rule.retryAfterMs === undefined ? {} : { retryAfterMs: rule.retryAfterMs }),
    });

  // Network trouble below HTTP (node-fetch FetchError, undici, an aborted request on timeout).
  if (typeof e.code === 'string' && NETWORK_CODES.has(e.code))
    return make(e.code, { code: 'CRM_UNAVAILABLE', retryable: true });
  if (e.name === 'AbortError' || e.type === 'request-timeout' || e.name === 'TimeoutError') {
    return make('TIMEOUT', { code: 'CRM_UNAVAILABLE', retryable: true });
  }
  if (e.name === 'FetchError' && typeof e.code !== 'string')
    return make('FETCH_ERROR', { code: 'CRM_UNAVAILABLE', retryable: true });

  // jsforce wraps a failed session refresh, and a failed Bulk API job, in plain Errors.
  if (message.startsWith('Unable to refresh session'))
    return make('INVALID_SESSION_ID', { code: 'AUTH_EXPIRED', retryable: false });
  if (message.startsWith('Ingest job failed'))
    return make('BULK_JOB_FAILED', { code: 'CRM_REJECTED', retryable: false });
  if (e.name === 'JobPollingTimeout')
    return make('BULK_JOB_TIMEOUT', { code: 'CRM_UNAVAILABLE', retryable: true });

  let providerCode = typeof e.errorCode === 'string' ? e.errorCode : typeof e.name === 'string' ? e.name : '';
  let providerMessage = message;
  if (providerCode === 'MULTIPLE_API_ERRORS' && Array.isArray(e.data) && e.data.length > 0) {
    // Several errors: the most actionable one decides (a retryable one only if all are).
    const parts = (e.data as { errorCode?: string; message?: string }[]).map((d) => ({
      code: d.errorCode ?? 'UNKNOWN',
      message: d.message ?? '',
    }));
    const permanent = parts.find((p) => !ruleFor(p.code, p.message).retryable);
    const pick = permanent ?? parts[0]!;
    providerCode = pick.code;
    providerMessage = pick.message;
  }
  if (providerCode === '' || JS_ERRORS.has(providerCode)) {
    return make('UNKNOWN', { code: 'INTERNAL', retryable: false });
  }
  return make(providerCode.replace(/^[a-z]+:/, ''), ruleFor(providerCode, providerMessage), providerMessage);
}
