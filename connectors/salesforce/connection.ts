/**
 * The connector's way into Salesforce: one jsforce Connection (API version set explicitly), a
 * transport that ignores proxy variables and jsforce's own retries, our retry policy on top,
 * and queries that page through `nextRecordsUrl`. Long queries (a 2,000-id IN list) and several
 * queries at once go through /composite, which takes up to 5 query subrequests in a body and
 * counts as one API call, where a GET would break the 16 KB limit on URI and headers.
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_composite_post.htm
 */
import { Connection } from 'jsforce';
import { Transport } from 'jsforce/lib/transport.js';
import { StreamPromise } from 'jsforce/lib/util/promise.js';
import type { Logger } from '../../src/logger.js';
import { SALESFORCE_API_VERSION } from './api-version.js';
import { classifySalesforceError } from './classify-error.js';

type HttpRequest = Parameters<Transport['httpRequest']>[0];
type HttpRequestOptions = NonNullable<Parameters<Transport['httpRequest']>[1]>;

/**
 * jsforce reads HTTP(S)_PROXY at load time and ignores NO_PROXY, and retries GETs on 5xx with
 * sleeps of up to 8 s that ignore Retry-After. This transport connects directly and leaves
 * retrying to `withRetry`, so a 503 burst costs milliseconds in tests and backoff is ours.
 */
export class DirectTransport extends Transport {
  /** Requests sent, OAuth token calls included. */
  requests = 0;

  constructor(private readonly timeoutMs: number | undefined) {
    super();
  }

  override httpRequest(req: HttpRequest, options: HttpRequestOptions = {}) {
    this.requests++;
    const sent = super.httpRequest(req, {
      ...options,
      httpProxy: undefined,
      retry: { maxRetries: 0 },
      // See utf8Body: read as Latin-1, the byte-for-byte copy, and decoded as UTF-8 only if needed.
      encoding: 'latin1',
      ...(this.timeoutMs === undefined ? {} : { timeout: this.timeoutMs }),
    });
    return StreamPromise.create(() => ({
      stream: sent.stream(),
      promise: sent.then((res) => ({ ...res, body: utf8Body(res.body) })),
    }));
  }
}

/**
 * A response body read as Latin-1, as its UTF-8 text. Query responses run to megabytes and are
 * almost always plain ASCII (ids, dates, picklist values), for which both decodings give the same
 * string; jsforce's own UTF-8 decoding of them took more worker CPU than parsing their JSON.
 * Latin-1 maps each byte to one character, so any other body is turned back into its exact bytes
 * and decoded as UTF-8, invalid sequences included, as jsforce would have.
 */
export function utf8Body(latin1: string): string {
  // Plain ASCII exactly when UTF-8 would take one byte a character. V8 counts that several
  // times faster than a regular expression finds a byte above 0x7f (measured on 8 MB bodies).
  return Buffer.byteLength(latin1, 'utf8') === latin1.length
    ? latin1
    : Buffer.from(latin1, 'latin1').toString('utf8');
}

export interface RetryPolicy {
  /** Tries in all, the first included. */
  attempts: number;
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 6, baseMs: 500, maxMs: 30_000 };

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs `fn` again on retryable failures with exponential backoff (half of it jittered), honouring
 * a provider's retry-after up to `maxMs`. A spent daily budget is thrown at once: waiting it out
 * is the queue's job, not a connector call's.
 */
export async function withRetry<T>(fn: () => Promise<T>, policy: RetryPolicy, log?: Logger): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (raw) {
      const err = classifySalesforceError(raw);
      if (!err.retryable || err.code === 'BUDGET_EXHAUSTED' || attempt >= policy.attempts) throw err;
      const backoff = Math.min(policy.maxMs, err.retryAfterMs ?? policy.baseMs * 2 ** (attempt - 1));
      const wait = backoff / 2 + Math.random() * (backoff / 2);
      log?.warn(
        { code: err.code, providerCode: err.providerCode, attempt, waitMs: Math.round(wait) },
        'salesforce call failed, retrying',
      );
      await sleep(wait);
    }
  }
}

export interface QueryPage<T> {
  totalSize: number;
  done: boolean;
  nextRecordsUrl?: string;
  records: T[];
}

interface CompositeResponse {
  compositeResponse: { body: unknown; httpStatusCode: number; referenceId: string }[];
}

/** Past this, a query URL goes in a composite body rather than a GET (Salesforce allows 16,384 bytes of URI and headers). */
const DIRECT_URL_LIMIT = 8_000;
const QUERIES_PER_COMPOSITE = 5;
const COMPOSITES_IN_FLIGHT = 2;

/**
 * `fn` over `items` with at most `limit` calls pending at once; the answers in item order. After a
 * failure no further call is started, and the failure is thrown once the calls already pending
 * have ended: a write-back that fails leaves no request of its own still running behind it, so
 * the retry that reads the CRM back sees everything that was going to land.
 */
export async function inFlight<I, O>(
  items: readonly I[],
  limit: number,
  fn: (item: I) => Promise<O>,
): Promise<O[]> {
  const out: O[] = new Array(items.length);
  let next = 0;
  const failures: unknown[] = [];
  const lane = async () => {
    while (next < items.length && failures.length === 0) {
      const at = next++;
      try {
        out[at] = await fn(items[at]!);
      } catch (err) {
        failures.push(err);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  if (failures.length > 0) throw failures[0];
  return out;
}

export interface SalesforceApiOptions {
  instanceUrl: string;
  loginUrl: string;
  accessToken: string;
  /** Gets a new access token when Salesforce answers 401 INVALID_SESSION_ID; jsforce then replays the call. */
  refresh?: () => Promise<string>;
  fetchTimeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  logger?: Logger;
}

export class SalesforceApi {
  readonly conn: Connection;
  readonly transport: DirectTransport;
  readonly retry: RetryPolicy;
  private readonly log: Logger | undefined;

  constructor(options: SalesforceApiOptions) {
    this.conn = new Connection({
      instanceUrl: options.instanceUrl,
      loginUrl: options.loginUrl,
      accessToken: options.accessToken,
      version: SALESFORCE_API_VERSION,
      ...(options.refresh === undefined
        ? {}
        : {
            refreshFn: (_conn, callback) => {
              options.refresh!().then(
                (token) => callback(null, token),
                (err: Error) => callback(err),
              );
            },
          }),
    });
    this.transport = new DirectTransport(options.fetchTimeoutMs);
    this.conn._transport = this.transport;
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.log = options.logger;
  }

  /** API calls made so far through this connection (token refreshes use their own client). */
  get calls(): number {
    return this.transport.requests;
  }

  /** One REST call (a path relative to /services/data/vXX.X, or absolute), with retries. */
  request<T>(method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, body?: unknown): Promise<T> {
    return withRetry(() => this.send<T>(method, url, body), this.retry, this.log);
  }

  private async send<T>(method: string, url: string, body?: unknown): Promise<T> {
    return (await this.conn.request<T>({
      method: method as 'GET',
      url,
      ...(body === undefined
        ? {}
        : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    })) as T;
  }

  /** Runs the queries and returns every record of each, following nextRecordsUrl. */
  queryAll<T>(soqls: readonly string[]): Promise<T[][]> {
    return this.queryMapped<T, T>(soqls, (records) => records);
  }

  /**
   * `queryAll` with each page of records handed to `map` as soon as it arrives, and only what
   * `map` returns kept: a pull that turns rows into something smaller lets the raw rows (megabytes
   * of parsed JSON per call) go while they are young, rather than holding every page until the
   * last arrives.
   */
  async queryMapped<T, R>(
    soqls: readonly string[],
    map: (records: T[], query: number) => R[],
  ): Promise<R[][]> {
    const results: R[][] = soqls.map(() => []);
    let pending = soqls.map((q, index) => ({
      index,
      url: `/services/data/v${SALESFORCE_API_VERSION}/query?q=${encodeURIComponent(q)}`,
    }));
    while (pending.length > 0) {
      const next: typeof pending = [];
      const take = (index: number, page: QueryPage<T>) => {
        const mapped = map(page.records, index);
        // A query's first page (most queries have only one) is kept as mapped, not copied.
        if (results[index]!.length === 0) results[index] = mapped;
        else for (const r of mapped) results[index]!.push(r);
        if (!page.done && page.nextRecordsUrl !== undefined) next.push({ index, url: page.nextRecordsUrl });
      };
      const only = pending.length === 1 ? pending[0]! : null;
      if (only !== null && this.conn.instanceUrl.length + only.url.length <= DIRECT_URL_LIMIT) {
        take(only.index, await this.request<QueryPage<T>>('GET', only.url));
      } else {
        const batches: (typeof pending)[] = [];
        for (let start = 0; start < pending.length; start += QUERIES_PER_COMPOSITE)
          batches.push(pending.slice(start, start + QUERIES_PER_COMPOSITE));
        // A few calls in flight: Salesforce runs the next batch while this side reads the last.
        await inFlight(batches, COMPOSITES_IN_FLIGHT, async (batch) => {
          const answers = await this.composite<QueryPage<T>>(batch.map((p) => p.url));
          answers.forEach((page, i) => {
            take(batch[i]!.index, page);
          });
        });
        // Follow-up pages in query order, whichever call answered first.
        next.sort((a, b) => a.index - b.index);
      }
      pending = next;
    }
    return results;
  }

  async query<T>(soql: string): Promise<T[]> {
    return (await this.queryAll<T>([soql]))[0]!;
  }

  /** GET subrequests in one composite call; a failed subrequest fails the call with its own error. */
  composite<T>(urls: readonly string[]): Promise<T[]> {
    const body = {
      allOrNone: false,
      compositeRequest: urls.map((url, i) => ({ method: 'GET', url, referenceId: `r${i}` })),
    };
    return withRetry(
      async () => {
        const res = await this.send<CompositeResponse>('POST', '/composite', body);
        return res.compositeResponse.map((sub) => {
          if (sub.httpStatusCode < 400) return sub.body as T;
          const first = (Array.isArray(sub.body) ? sub.body[0] : sub.body) as {
            errorCode?: string;
            message?: string;
          } | null;
          const errorCode = first?.errorCode ?? `ERROR_HTTP_${sub.httpStatusCode}`;
          throw classifySalesforceError({ name: errorCode, errorCode, message: first?.message ?? '' });
        });
      },
      this.retry,
      this.log,
    );
  }
}
