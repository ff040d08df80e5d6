/**
 * OAuth `state`: a random value tying a callback to the install it started. Kept in Redis under
 * `oauthState` with what the callback needs (provider, tenant id, PKCE verifier). Taken with GETDEL,
 * so a state works once; its age is checked against the app's clock (Redis' TTL only collects the
 * ones never used). Missing, unknown, expired, reused or for the other provider: a 400.
 */
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { InputError } from '../../errors.js';
import type { KeyLayout } from '../../store/keys.js';
import { tenantIdSchema } from '../../tenants/tenant.js';

export const STATE_LIFETIME_MS = 10 * 60 * 1000;

const pendingSchema = z.object({
  provider: z.enum(['salesforce', 'hubspot']),
  tenant: tenantIdSchema,
  /** Display name for a tenant the install creates. */
  name: z.string().optional(),
  createdAt: z.number(),
  codeVerifier: z.string().optional(),
});

export type PendingInstall = z.infer<typeof pendingSchema>;

export interface OAuthStates {
  /** Stores a new pending install and returns its state value. */
  issue(pending: Omit<PendingInstall, 'createdAt'>): Promise<string>;
  /** Takes the pending install of `state` (once); a 400 if it is missing, unknown, expired, used or not for `provider`. */
  take(state: unknown, provider: PendingInstall['provider']): Promise<PendingInstall>;
}

export function createOAuthStates(deps: { redis: Redis; keys: KeyLayout; now(): number }): OAuthStates {
  return {
    async issue(pending) {
      const state = randomBytes(24).toString('base64url');
      const record: PendingInstall = { ...pending, createdAt: deps.now() };
      // Redis keeps it a little longer than it is valid, so an expired state is refused as expired.
      const ttlSeconds = Math.ceil((STATE_LIFETIME_MS * 2) / 1000);
      await deps.redis.set(deps.keys.oauthState(state), JSON.stringify(record), 'EX', ttlSeconds);
      return state;
    },

    async take(state, provider) {
      if (typeof state !== 'string' || !/^[A-Za-z0-9_-]{16,128}$/.test(state)) {
        throw new InputError('state: missing or malformed; start the install again');
      }
      const raw = await deps.redis.getdel(deps.keys.oauthState(state));
      if (raw === null) throw new InputError('state: unknown or already used; start the install again');
      const pending = pendingSchema.parse(JSON.parse(raw));
      if (deps.now() - pending.createdAt > STATE_LIFETIME_MS) {
        throw new InputError('state: expired; start the install again');
      }
      if (pending.provider !== provider) {
        throw new InputError(`state: issued for a ${pending.provider} install, not ${provider}`);
      }
      return pending;
    },
  };
}
