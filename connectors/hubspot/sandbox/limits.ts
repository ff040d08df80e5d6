/**
 * What stands in front of every API route, in HubSpot's order: authentication (401 with
 * EXPIRED_AUTHENTICATION once a token has outlived `expires_in`), the daily limit, the rolling
 * 10-second limit, the search endpoints' own per-second limit, then the injected faults (latency,
 * a seeded share of 502s). Each answer carries the X-HubSpot-RateLimit-* headers; each 429 carries
 * the body the SDK recognises (`policyName: TEN_SECONDLY_ROLLING`, `DAILY`, or the search message
 * "You have reached your secondly limit."). Every call is counted by endpoint for /__sandbox/stats.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendError } from './errors.js';
import { type Switches, seededSequence } from './switches.js';
import type { TokenStore } from './tokens.js';

const TYPE_PARAMS = ['objectType', 'fromObjectType', 'toObjectType'];

export interface CallStats {
  total: number;
  byEndpoint: Record<string, number>;
  rateLimited: number;
  /** 429s by policy: TEN_SECONDLY_ROLLING, SECONDLY (search), DAILY. */
  rateLimitedBy: Record<string, number>;
  injected5xx: number;
  unauthorized: number;
}

export class Limits {
  private window: number[] = [];
  private readonly searchWindows = new Map<string, number[]>();
  private dailyUsed = 0;
  private dailyDay = '';
  private byEndpoint = new Map<string, number>();
  private total = 0;
  private rateLimited = 0;
  private rateLimitedBy: Record<string, number> = {};
  private injected5xx = 0;
  private unauthorized = 0;
  private random: () => number;
  private seed: number;

  constructor(
    private readonly switches: () => Switches,
    private readonly tokens: TokenStore,
    private readonly now: () => number,
  ) {
    this.seed = switches().seed;
    this.random = seededSequence(this.seed);
  }

  /** The endpoint a call is counted under: the route with its object types filled in. */
  static endpoint(request: FastifyRequest): string {
    let url = request.routeOptions.url ?? request.url.split('?')[0] ?? '';
    const params = (request.params ?? {}) as Record<string, string>;
    for (const name of TYPE_PARAMS) {
      if (params[name] !== undefined) url = url.replace(`:${name}`, params[name]);
    }
    return `${request.method} ${url}`;
  }

  /** Counts a call by endpoint (OAuth calls too, which no limit applies to). */
  count(request: FastifyRequest): void {
    const endpoint = Limits.endpoint(request);
    this.byEndpoint.set(endpoint, (this.byEndpoint.get(endpoint) ?? 0) + 1);
    this.total++;
  }

  /** A fastify onRequest hook for API routes. Sends the refusal itself and returns the reply, or nothing. */
  async check(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
    const sw = this.switches();
    if (sw.seed !== this.seed) {
      this.seed = sw.seed;
      this.random = seededSequence(sw.seed);
    }
    this.count(request);
    if (sw.latencyMs > 0) await new Promise((r) => setTimeout(r, sw.latencyMs));

    const auth = request.headers.authorization ?? '';
    const token = auth.startsWith('Bearer ') ? auth.slice(7) : '';
    const state = token === '' ? 'invalid' : this.tokens.check(token);
    if (state !== 'ok') {
      this.unauthorized++;
      return state === 'expired'
        ? sendError(reply, 401, 'EXPIRED_AUTHENTICATION', 'The OAuth token used to make this call expired.', {
            context: { expiredAt: ['unknown'] },
          })
        : sendError(
            reply,
            401,
            'INVALID_AUTHENTICATION',
            'Authentication credentials not found. This API supports OAuth 2.0 authentication.',
          );
    }

    const now = this.now();
    const day = new Date(now).toISOString().slice(0, 10);
    if (day !== this.dailyDay) {
      this.dailyDay = day;
      this.dailyUsed = 0;
    }
    this.window = this.window.filter((t) => t > now - sw.rateWindowMs);
    const headers = (remaining: number) => {
      reply.header('X-HubSpot-RateLimit-Daily', String(sw.dailyLimit));
      reply.header(
        'X-HubSpot-RateLimit-Daily-Remaining',
        String(Math.max(0, sw.dailyLimit - this.dailyUsed)),
      );
      reply.header('X-HubSpot-RateLimit-Interval-Milliseconds', String(sw.rateWindowMs));
      reply.header('X-HubSpot-RateLimit-Max', String(sw.tenSecondlyLimit));
      reply.header('X-HubSpot-RateLimit-Remaining', String(Math.max(0, remaining)));
    };

    const limited = (policy: string) => {
      this.rateLimited++;
      this.rateLimitedBy[policy] = (this.rateLimitedBy[policy] ?? 0) + 1;
    };
    if (this.dailyUsed >= sw.dailyLimit) {
      limited('DAILY');
      headers(sw.tenSecondlyLimit - this.window.length);
      return sendError(reply, 429, 'RATE_LIMITS', 'You have reached your daily limit.', {
        errorType: 'RATE_LIMIT',
        policyName: 'DAILY',
      });
    }
    if (this.window.length >= sw.tenSecondlyLimit) {
      limited('TEN_SECONDLY_ROLLING');
      headers(0);
      return sendError(reply, 429, 'RATE_LIMITS', 'You have reached your ten_secondly_rolling limit.', {
        errorType: 'RATE_LIMIT',
        policyName: 'TEN_SECONDLY_ROLLING',
      });
    }
    if (request.method === 'POST' && /\/search$/.test(request.routeOptions.url ?? '')) {
      const recent = (this.searchWindows.get(token) ?? []).filter((t) => t > now - 1000);
      if (recent.length >= sw.searchPerSecond) {
        limited('SECONDLY');
        this.searchWindows.set(token, recent);
        headers(sw.tenSecondlyLimit - this.window.length);
        return sendError(reply, 429, 'RATE_LIMITS', 'You have reached your secondly limit.', {
          errorType: 'RATE_LIMIT',
        });
      }
      recent.push(now);
      this.searchWindows.set(token, recent);
    }
    this.window.push(now);
    this.dailyUsed++;
    headers(sw.tenSecondlyLimit - this.window.length);

    if (sw.errorRate5xx > 0 && this.random() < sw.errorRate5xx) {
      this.injected5xx++;
      return sendError(reply, 502, 'INTERNAL_ERROR', 'Bad gateway (injected by the sandbox).');
    }
    return undefined;
  }

  /** Draws from the seeded sequence: should this batch input fail with a retryable error? */
  failInput(): boolean {
    const rate = this.switches().batchInputErrorRate;
    return rate > 0 && this.random() < rate;
  }

  stats(): CallStats {
    const byEndpoint = Object.fromEntries(
      [...this.byEndpoint.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1)),
    );
    return {
      total: this.total,
      byEndpoint,
      rateLimited: this.rateLimited,
      rateLimitedBy: { ...this.rateLimitedBy },
      injected5xx: this.injected5xx,
      unauthorized: this.unauthorized,
    };
  }

  resetStats(): void {
    this.byEndpoint = new Map();
    this.total = 0;
    this.rateLimited = 0;
    this.rateLimitedBy = {};
    this.injected5xx = 0;
    this.unauthorized = 0;
  }
}
