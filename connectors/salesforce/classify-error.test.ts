// Protects how Salesforce failures become PlayercoachErrors: every row of the table, so a retry decision cannot drift.
import { describe, expect, it } from 'vitest';
import { PlayercoachError } from '../../src/errors.js';
import { BUDGET_RETRY_AFTER_MS, classifySalesforceError } from './classify-error.js';

function apiError(errorCode: string, message = 'x', data?: unknown) {
  return Object.assign(new Error(message), { name: errorCode, errorCode, data });
}

describe('classifySalesforceError', () => {
  it.each([
    [
      'daily budget',
      apiError('REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.'),
      'BUDGET_EXHAUSTED',
      true,
    ],
    [
      'concurrent limit',
      apiError('REQUEST_LIMIT_EXCEEDED', 'ConcurrentPerOrgLongTxn Limit exceeded'),
      'RATE_LIMITED',
      true,
    ],
    [
      'a bulk job Salesforce failed',
      new Error('Ingest job failed to complete due to: InvalidBatch'),
      'CRM_REJECTED',
      false,
    ],
    [
      'a bulk job still running at the timeout',
      Object.assign(new Error('Polling timed out'), { name: 'JobPollingTimeout' }),
      'CRM_UNAVAILABLE',
      true,
    ],
    ['503 with a code', apiError('SERVER_UNAVAILABLE'), 'CRM_UNAVAILABLE', true],
    ['503 without a body', apiError('ERROR_HTTP_503', '<html>'), 'CRM_UNAVAILABLE', true],
    ['502', apiError('ERROR_HTTP_502'), 'CRM_UNAVAILABLE', true],
    ['500 unknown exception', apiError('UNKNOWN_EXCEPTION'), 'CRM_UNAVAILABLE', true],
    ['429 (not sent by Salesforce, kept safe)', apiError('ERROR_HTTP_429'), 'RATE_LIMITED', true],
    ['lock contention', apiError('UNABLE_TO_LOCK_ROW'), 'RECORD_LOCKED', true],
    [
      'SOAP fault prefix',
      apiError('sf:REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.'),
      'BUDGET_EXHAUSTED',
      true,
    ],
    ['expired session', apiError('INVALID_SESSION_ID'), 'AUTH_EXPIRED', false],
    ['plain 401', apiError('ERROR_HTTP_401'), 'AUTH_EXPIRED', false],
    [
      'revoked refresh token',
      apiError('invalid_grant', 'expired access/refresh token'),
      'AUTH_EXPIRED',
      false,
    ],
    [
      'failed refresh inside jsforce',
      new Error('Unable to refresh session due to: boom'),
      'AUTH_EXPIRED',
      false,
    ],
    ['bad client', apiError('invalid_client_id'), 'UNAUTHORIZED', false],
    ['no access', apiError('INSUFFICIENT_ACCESS_OR_READONLY'), 'UNAUTHORIZED', false],
    ['API off', apiError('API_DISABLED_FOR_ORG'), 'UNAUTHORIZED', false],
    ['unknown field', apiError('INVALID_FIELD'), 'CRM_REJECTED', false],
    ['unknown object', apiError('INVALID_TYPE'), 'CRM_REJECTED', false],
    ['bad SOQL', apiError('MALFORMED_QUERY'), 'CRM_REJECTED', false],
    ['bad filter', apiError('INVALID_QUERY_FILTER_OPERATOR'), 'CRM_REJECTED', false],
    ['read-only field', apiError('INVALID_FIELD_FOR_INSERT_UPDATE'), 'CRM_REJECTED', false],
    ['bad reference', apiError('FIELD_INTEGRITY_EXCEPTION'), 'CRM_REJECTED', false],
    ['bad id', apiError('INVALID_CROSS_REFERENCE_KEY'), 'CRM_REJECTED', false],
    ['missing field', apiError('REQUIRED_FIELD_MISSING'), 'CRM_REJECTED', false],
    ['too long', apiError('STRING_TOO_LONG'), 'CRM_REJECTED', false],
    ['bad JSON', apiError('JSON_PARSER_ERROR'), 'CRM_REJECTED', false],
    ['414 URI too long', apiError('ERROR_HTTP_414'), 'CRM_REJECTED', false],
    ['an unknown code', apiError('SOMETHING_NEW'), 'CRM_REJECTED', false],
    ['duplicate', apiError('DUPLICATE_VALUE'), 'CONFLICT', false],
    ['300 on an external id', apiError('MULTIPLE_CHOICES'), 'CONFLICT', false],
    ['gone', apiError('NOT_FOUND'), 'NOT_FOUND', false],
    ['deleted', apiError('ENTITY_IS_DELETED'), 'NOT_FOUND', false],
    ['rolled back by allOrNone', apiError('ALL_OR_NONE_OPERATION_ROLLED_BACK'), 'CRM_REJECTED', true],
    [
      'several errors, one permanent',
      apiError('MULTIPLE_API_ERRORS', 'Multiple errors', [
        { errorCode: 'SERVER_UNAVAILABLE' },
        { errorCode: 'INVALID_FIELD' },
      ]),
      'CRM_REJECTED',
      false,
    ],
    [
      'connection reset',
      Object.assign(new Error('socket hang up'), { name: 'FetchError', code: 'ECONNRESET' }),
      'CRM_UNAVAILABLE',
      true,
    ],
    [
      'connection refused',
      Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }),
      'CRM_UNAVAILABLE',
      true,
    ],
    ['timeout', Object.assign(new Error('aborted'), { name: 'AbortError' }), 'CRM_UNAVAILABLE', true],
    ['a bug of ours', new TypeError('x is undefined'), 'INTERNAL', false],
    ['not even an Error', 'boom', 'INTERNAL', false],
  ])('%s → %s (retryable %s)', (_name, input, code, retryable) => {
    const err = classifySalesforceError(input);
    expect(err).toBeInstanceOf(PlayercoachError);
    expect(err.code).toBe(code);
    expect(err.retryable).toBe(retryable);
    expect(err.provider).toBe('salesforce');
  });

  it('tells how long to wait on a spent budget, and keeps errors that are already classified', () => {
    expect(
      classifySalesforceError(apiError('REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.'))
        .retryAfterMs,
    ).toBe(BUDGET_RETRY_AFTER_MS);
    const already = new PlayercoachError('NOT_FOUND', 'gone');
    expect(classifySalesforceError(already)).toBe(already);
  });
});
