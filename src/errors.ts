/**
 * The one error type of the project. Every failure that crosses a module boundary is a
 * PlayercoachError: the CLI turns `INVALID_INPUT` into exit code 2, the HTTP app turns it into
 * a 4xx, and the queue worker reads `retryable` and `retryAfterMs` to decide between backoff,
 * rate limiting and the failed set.
 */
export const ERROR_CODES = [
  'INVALID_INPUT',
  'NOT_FOUND',
  'UNAUTHORIZED',
  'CONFLICT',
  'AUTH_EXPIRED',
  'RATE_LIMITED',
  'BUDGET_EXHAUSTED',
  'CRM_UNAVAILABLE',
  'CRM_REJECTED',
  'RECORD_LOCKED',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ErrorOptions {
  retryable?: boolean;
  /** When the provider said how long to wait (Retry-After, a 10-second window, a daily reset). */
  retryAfterMs?: number;
  /** Which CRM answered, when one did. */
  provider?: 'salesforce' | 'hubspot';
  /** The provider's own error code (INVALID_FIELD, TEN_SECONDLY_ROLLING, ...). */
  providerCode?: string;
  /** HTTP status the provider answered with. */
  status?: number;
  cause?: unknown;
}

export class PlayercoachError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  readonly provider: 'salesforce' | 'hubspot' | undefined;
  readonly providerCode: string | undefined;
  readonly status: number | undefined;

  constructor(code: ErrorCode, message: string, options: ErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PlayercoachError';
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.retryAfterMs = options.retryAfterMs;
    this.provider = options.provider;
    this.providerCode = options.providerCode;
    this.status = options.status;
  }
}

/**
 * Bad input from a user: a file, a request body, a CLI flag. `issues` holds one line per problem,
 * each naming the record and the field, so a person can fix all of them in one go.
 */
export class InputError extends PlayercoachError {
  readonly issues: readonly string[];

  constructor(issues: string | readonly string[], options: ErrorOptions = {}) {
    const list = typeof issues === 'string' ? [issues] : issues;
    super('INVALID_INPUT', list.join('\n'), { ...options, retryable: false });
    this.name = 'InputError';
    this.issues = list;
  }
}

export function isPlayercoachError(err: unknown): err is PlayercoachError {
  return err instanceof PlayercoachError;
}
