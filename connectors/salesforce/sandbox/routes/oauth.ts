/**
 * OAuth 2.0 as a connected app sees it: the authorize endpoint (auto-approved, redirecting with
 * `code` and `state`), the token endpoint for the web-server flow (with PKCE), refresh tokens and
 * the JWT bearer flow, and the identity URLs a token response points to.
 * https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_flows.htm&type=5
 */
import { createHash, createHmac, timingSafeEqual, verify } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SandboxState } from '../state.js';

export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const PUBLIC_AUDIENCES = ['https://login.salesforce.com', 'https://test.salesforce.com'];
/** Salesforce accepts an assertion whose exp lies at most 3 minutes ahead (plus clock skew). */
const MAX_ASSERTION_AHEAD_MS = 5 * 60_000;

function oauthError(reply: FastifyReply, status: number, error: string, description: string) {
  return reply
    .code(status)
    .type('application/json;charset=UTF-8')
    .send({ error, error_description: description });
}

function sameSecret(a: string, b: string): boolean {
  const ba = Buffer.from(a);
  const bb = Buffer.from(b);
  return ba.length === bb.length && timingSafeEqual(ba, bb);
}

export function registerOAuthRoutes(app: FastifyInstance, state: SandboxState): void {
  const { tokens, store } = state;

  const tokenResponse = (userId: string, withRefresh: boolean) => {
    const issued = tokens.issue(userId, state.switches.get().tokenLifetimeMs, withRefresh);
    const id = `${state.baseUrl}/id/${state.orgId}/${userId}`;
    const issuedAt = String(issued.issuedAt);
    return {
      access_token: issued.accessToken,
      ...(issued.refreshToken === null ? {} : { refresh_token: issued.refreshToken }),
      signature: createHmac('sha256', state.clientSecret)
        .update(id + issuedAt)
        .digest('base64'),
      scope: withRefresh ? 'refresh_token api' : 'api',
      instance_url: state.baseUrl,
      id,
      token_type: 'Bearer',
      issued_at: issuedAt,
    };
  };

  // https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_web_server_flow.htm&type=5
  app.get('/services/oauth2/authorize', { config: { api: 'oauth' } }, async (request, reply) => {
    const q = request.query as Record<string, string | undefined>;
    if (q['client_id'] !== state.clientId)
      return reply.code(400).type('text/plain').send('error=invalid_client_id');
    const redirect = q['redirect_uri'];
    let target: URL;
    try {
      target = new URL(redirect ?? '');
    } catch {
      return reply.code(400).type('text/plain').send('error=redirect_uri_mismatch');
    }
    if (q['state'] !== undefined) target.searchParams.set('state', q['state']);
    if (q['response_type'] !== 'code') {
      target.searchParams.set('error', 'unsupported_response_type');
      return reply.redirect(target.toString(), 302);
    }
    const challenge = q['code_challenge'] ?? null;
    target.searchParams.set('code', tokens.newCode(state.defaultUserId, redirect!, challenge));
    return reply.redirect(target.toString(), 302);
  });

  app.post('/services/oauth2/token', { config: { api: 'oauth' } }, async (request, reply) => {
    const p = (request.body ?? {}) as Record<string, string | undefined>;
    const grant = p['grant_type'];
    if (grant === 'authorization_code') {
      if (p['client_id'] !== state.clientId)
        return oauthError(reply, 400, 'invalid_client_id', 'client identifier invalid');
      const entry = tokens.takeCode(p['code'] ?? '');
      if (entry === undefined || entry.redirectUri !== p['redirect_uri']) {
        return oauthError(reply, 400, 'invalid_grant', 'invalid authorization code');
      }
      const verifier = p['code_verifier'];
      if (entry.codeChallenge !== null) {
        const expected =
          verifier === undefined ? '' : createHash('sha256').update(verifier).digest('base64url');
        if (!sameSecret(expected, entry.codeChallenge))
          return oauthError(reply, 400, 'invalid_grant', 'invalid code verifier');
      } else if (!sameSecret(p['client_secret'] ?? '', state.clientSecret)) {
        return oauthError(reply, 400, 'invalid_client', 'invalid client credentials');
      }
      return reply.code(200).send(tokenResponse(entry.userId, true));
    }
    if (grant === 'refresh_token') {
      if (p['client_id'] !== state.clientId)
        return oauthError(reply, 400, 'invalid_client_id', 'client identifier invalid');
      if (p['client_secret'] !== undefined && !sameSecret(p['client_secret'], state.clientSecret)) {
        return oauthError(reply, 400, 'invalid_client', 'invalid client credentials');
      }
      const userId = tokens.userOfRefreshToken(p['refresh_token'] ?? '');
      if (userId === undefined)
        return oauthError(reply, 400, 'invalid_grant', 'expired access/refresh token');
      return reply.code(200).send(tokenResponse(userId, false));
    }
    if (grant === JWT_BEARER_GRANT) {
      const outcome = checkAssertion(state, p['assertion'] ?? '');
      if (typeof outcome === 'string') return oauthError(reply, 400, 'invalid_grant', outcome);
      return reply.code(200).send(tokenResponse(outcome.userId, false));
    }
    return oauthError(reply, 400, 'unsupported_grant_type', 'grant type not supported');
  });

  app.post('/services/oauth2/revoke', { config: { api: 'oauth' } }, async (request, reply) => {
    const token = (request.body as Record<string, string | undefined> | null)?.['token'];
    if (token !== undefined) tokens.revoke(token);
    return reply.code(200).send();
  });

  const bearerUser = (request: FastifyRequest): string | null => {
    const auth = request.headers.authorization ?? '';
    const checked = tokens.check(auth.replace(/^(Bearer|OAuth)\s+/i, ''));
    return typeof checked === 'object' ? checked.userId : null;
  };

  const identity = (userId: string) => {
    const user = store.table('User').get(userId);
    return {
      id: `${state.baseUrl}/id/${state.orgId}/${userId}`,
      user_id: userId,
      organization_id: state.orgId,
      username: user?.['Username'] ?? null,
      email: user?.['Email'] ?? null,
      display_name: user?.['Name'] ?? null,
      active: user?.['IsActive'] !== false,
      urls: {
        rest: `${state.baseUrl}/services/data/v{version}/`,
        sobjects: `${state.baseUrl}/services/data/v{version}/sobjects/`,
        query: `${state.baseUrl}/services/data/v{version}/query/`,
        metadata: `${state.baseUrl}/services/Soap/m/{version}/${state.orgId}`,
      },
    };
  };

  app.get('/id/:orgId/:userId', { config: { api: 'identity' } }, async (request, reply) => {
    const caller = bearerUser(request);
    const { orgId, userId } = request.params as { orgId: string; userId: string };
    if (caller === null) return reply.code(403).type('text/plain').send('Bad_OAuth_Token');
    if (orgId !== state.orgId || store.table('User').get(userId) === undefined) return reply.code(404).send();
    return reply.code(200).send(identity(userId));
  });

  app.get('/services/oauth2/userinfo', { config: { api: 'identity' } }, async (request, reply) => {
    const caller = bearerUser(request);
    if (caller === null) return reply.code(403).type('text/plain').send('Bad_OAuth_Token');
    const info = identity(caller);
    return reply
      .code(200)
      .send({ sub: info.id, ...info, preferred_username: info.username, name: info.display_name });
  });
}

/** Checks a JWT bearer assertion: RS256 signature (when a certificate is registered), iss, aud, sub, exp. */
function checkAssertion(state: SandboxState, assertion: string): { userId: string } | string {
  const parts = assertion.split('.');
  if (parts.length !== 3) return 'invalid assertion';
  let header: { alg?: unknown };
  let claims: { iss?: unknown; sub?: unknown; aud?: unknown; exp?: unknown };
  try {
    header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8'));
    claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8'));
  } catch {
    return 'invalid assertion';
  }
  if (header.alg !== 'RS256') return 'invalid assertion algorithm';
  if (state.jwtPublicKey !== null) {
    const ok = verify(
      'RSA-SHA256',
      Buffer.from(`${parts[0]}.${parts[1]}`),
      state.jwtPublicKey,
      Buffer.from(parts[2]!, 'base64url'),
    );
    if (!ok) return 'invalid assertion signature';
  }
  if (claims.iss !== state.clientId) return 'invalid client identifier';
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!audiences.some((a) => a === state.baseUrl || PUBLIC_AUDIENCES.includes(String(a))))
    return 'audience invalid';
  const now = state.store.clock();
  if (typeof claims.exp !== 'number' || claims.exp * 1000 <= now) return 'expired assertion';
  if (claims.exp * 1000 > now + MAX_ASSERTION_AHEAD_MS) return 'assertion expires too far in the future';
  const user = [...state.store.table('User').rows.values()].find(
    (u) => typeof claims.sub === 'string' && String(u['Username']).toLowerCase() === claims.sub.toLowerCase(),
  );
  if (user === undefined) return "user hasn't approved this consumer";
  if (user['IsActive'] === false) return 'inactive user';
  return { userId: user.Id };
}
