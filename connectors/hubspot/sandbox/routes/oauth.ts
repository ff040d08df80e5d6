/**
 * OAuth 2.0 of the sandbox app (spec: PublicApiSpecs/Auth/Oauth/Rollouts/279897/v3/oauth.json).
 * `GET /oauth/authorize` approves at once and redirects to `redirect_uri` with `code` and `state`
 * (standing in for app.hubspot.com's consent screen); `POST /oauth/v1/token` exchanges a code or a
 * refresh token (form-encoded, as the SDK sends it) for tokens whose `expires_in` is honoured.
 */
import type { RouteModule } from '../context.js';

interface TokenForm {
  grant_type?: string;
  client_id?: string;
  client_secret?: string;
  redirect_uri?: string;
  code?: string;
  refresh_token?: string;
}

export const oauthRoutes: RouteModule = (app, { tokens, switches, app: sandboxApp, store }) => {
  app.get<{ Querystring: { client_id?: string; redirect_uri?: string; state?: string; scope?: string } }>(
    '/oauth/authorize',
    async (req, reply) => {
      const { client_id: clientId, redirect_uri: redirectUri, state } = req.query;
      if (clientId !== sandboxApp.clientId || !redirectUri) {
        return reply
          .code(400)
          .send({ status: 'BAD_CLIENT_ID', message: 'unknown client_id or missing redirect_uri' });
      }
      const target = new URL(redirectUri);
      target.searchParams.set('code', tokens.newCode(redirectUri));
      if (state !== undefined) target.searchParams.set('state', state);
      return reply.redirect(target.toString(), 302);
    },
  );

  app.post<{ Body: TokenForm }>('/oauth/v1/token', async (req, reply) => {
    const form = req.body ?? {};
    const bad = (status: string, message: string) =>
      reply.code(400).send({ status, message, correlationId: '' });
    if (form.client_id !== sandboxApp.clientId || form.client_secret !== sandboxApp.clientSecret) {
      return bad('BAD_CLIENT_ID', 'missing or unknown client id or secret');
    }
    const lifetime = switches().tokenLifetimeMs;
    let issued: ReturnType<typeof tokens.issue>;
    if (form.grant_type === 'authorization_code') {
      const redirect = form.code ? tokens.takeCode(form.code) : null;
      if (redirect === null) return bad('BAD_AUTH_CODE', 'missing or unknown auth code');
      if (redirect !== form.redirect_uri) return bad('BAD_REDIRECT_URI', 'redirect_uri does not match');
      issued = tokens.issue(lifetime);
    } else if (form.grant_type === 'refresh_token') {
      if (!form.refresh_token || !tokens.hasRefreshToken(form.refresh_token)) {
        return bad('BAD_REFRESH_TOKEN', 'missing or unknown refresh token');
      }
      issued = tokens.issue(lifetime, form.refresh_token);
    } else {
      return bad('BAD_GRANT_TYPE', `unsupported grant_type ${String(form.grant_type)}`);
    }
    return {
      token_type: 'bearer',
      access_token: issued.accessToken,
      refresh_token: issued.refreshToken,
      expires_in: issued.expiresIn,
    };
  });

  app.get<{ Params: { token: string } }>('/oauth/v1/access-tokens/:token', async (req, reply) => {
    const state = tokens.check(req.params.token);
    if (state !== 'ok')
      return reply.code(404).send({ status: 'error', message: 'token not found or expired' });
    return {
      token: req.params.token,
      hub_id: store.portalId,
      app_id: sandboxApp.appId,
      scopes: ['crm.objects.deals.read', 'crm.objects.deals.write', 'crm.schemas.custom.write'],
      token_type: 'access',
    };
  });
};
