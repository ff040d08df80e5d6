/**
 * The one place that constructs @hubspot/api-client `Client`s, and the wrapper every call goes
 * through.
 *
 * The SDK keeps its retry and limiter decorators in a process-wide singleton that each
 * `new Client()` overwrites (CRM-FACTS.md H11). So, deliberately and always the same way: every
 * Client here is built with `numberOfApiCallRetries: 0` and no `limiterOptions`, which leaves the
 * SDK with no decorators at all: it never sleeps 10 s × n on a 429 nor retries behind our back.
 * Pacing, retries and refresh happen in `HubSpotApi.call`: our own rolling 10-second window and
 * search window per portal (rate-limit.ts), the error table (classify-error.ts), one token refresh
 * on a 401, backoff on 5xx. Nothing else in the project may construct a Client.
 */
import { Client } from '@hubspot/api-client';
import type { Logger } from '../../src/logger.js';
import { silentLogger } from '../../src/logger.js';
import type { TokenManager } from './auth.js';
import { classifyHubSpotError } from './classify-error.js';
import type { PortalLimits } from './rate-limit.js';

export function createSdkClient(
  opts: { basePath: string; accessToken?: string },
  onResponse?: (headers: Record<string, string>) => void,
): Client {
  return new Client({
    basePath: opts.basePath,
    ...(opts.accessToken === undefined ? {} : { accessToken: opts.accessToken }),
    numberOfApiCallRetries: 0,
    ...(onResponse
      ? {
          middleware: [
            {
              post: (ctx: { headers: Record<string, string> }) => {
                onResponse(ctx.headers);
                return ctx;
              },
            },
          ],
        }
      : {}),
  } as ConstructorParameters<typeof Client>[0]);
}

export interface CallOptions {
  /** A search call: also paced by the per-second search window. */
  search?: boolean;
}

const MAX_RATE_LIMIT_RETRIES = 6;
const MAX_UNAVAILABLE_RETRIES = 5;

export class HubSpotApi {
  /** Calls made, for reports and benchmarks. */
  calls = 0;
  private client: Client | null = null;
  private clientToken = '';
  private daily: { limit: number; remaining: number } | null = null;

  constructor(
    readonly basePath: string,
    private readonly tokens: TokenManager,
    private readonly limits: PortalLimits,
    private readonly timezone: () => string | undefined,
    private readonly logger: Logger = silentLogger,
    private readonly retryBaseMs = 200,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {}

  /** The daily budget as HubSpot last reported it in X-HubSpot-RateLimit-Daily(-Remaining). */
  dailyUsage(): { limit: number; remaining: number } | null {
    return this.daily;
  }

  private clientFor(token: string): Client {
    if (this.client === null || this.clientToken !== token) {
      this.client = createSdkClient({ basePath: this.basePath, accessToken: token }, (headers) =>
        this.observe(headers),
      );
      this.clientToken = token;
    }
    return this.client;
  }

  private observe(headers: Record<string, string>): void {
    const limit = Number(headers['x-hubspot-ratelimit-daily']);
    const remaining = Number(headers['x-hubspot-ratelimit-daily-remaining']);
    if (
      Number.isFinite(limit) &&
      Number.isFinite(remaining) &&
      headers['x-hubspot-ratelimit-daily'] !== undefined
    ) {
      this.daily = { limit, remaining };
    }
  }

  /**
   * Runs one API call with pacing, a refresh on 401, waits on 429s and backoff on 5xx. Throws a
   * classified PlayercoachError when retrying is over or pointless.
   */
  async call<T>(label: string, fn: (client: Client) => Promise<T>, options: CallOptions = {}): Promise<T> {
    let rateLimited = 0;
    let unavailable = 0;
    let refreshed = false;
    for (;;) {
      await this.limits.calls.acquire();
      if (options.search) await this.limits.search.acquire();
      const token = await this.tokens.token();
      this.calls++;
      try {
        return await fn(this.clientFor(token));
      } catch (raw) {
        const err = classifyHubSpotError(raw, { timezone: this.timezone() });
        if (err.code === 'AUTH_EXPIRED' && !refreshed) {
          refreshed = true;
          await this.tokens.afterUnauthorized(token);
          continue;
        }
        if (err.code === 'RATE_LIMITED' && rateLimited < MAX_RATE_LIMIT_RETRIES) {
          rateLimited++;
          const wait = err.retryAfterMs ?? 10_000;
          (err.providerCode === 'SECONDLY' ? this.limits.search : this.limits.calls).pauseFor(wait);
          this.logger.warn({ call: label, waitMs: wait, policy: err.providerCode }, 'hubspot rate limited');
          continue;
        }
        if (
          (err.code === 'CRM_UNAVAILABLE' || err.code === 'RECORD_LOCKED') &&
          unavailable < MAX_UNAVAILABLE_RETRIES
        ) {
          const wait = this.retryBaseMs * 2 ** unavailable;
          unavailable++;
          this.logger.warn(
            { call: label, waitMs: wait, status: err.status },
            'hubspot unavailable, backing off',
          );
          await this.sleep(wait);
          continue;
        }
        throw err;
      }
    }
  }

  /** `Client.apiRequest` for endpoints the SDK has no method for; the JSON body or a thrown ApiException-like error. */
  async request<T>(label: string, path: string, qs?: Record<string, string>): Promise<T> {
    return this.call(label, async (client) => {
      const res = await client.apiRequest({ method: 'GET', path, ...(qs ? { qs } : {}) });
      const headers: Record<string, string> = {};
      res.headers.forEach((v, k) => {
        headers[k] = v;
      });
      this.observe(headers);
      const text = await res.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // Not JSON: kept as text for the error message.
      }
      if (!res.ok) throw Object.assign(new Error(`HTTP ${res.status}`), { code: res.status, body, headers });
      return body as T;
    });
  }
}
