/**
 * OAuth for a connected app: the web-server flow (authorize URL, callback exchange, PKCE), the
 * JWT bearer flow (an RS256 assertion signed with node:crypto), refresh tokens, and the token
 * keeper the connector uses: on a 401 it refreshes once however many calls failed together
 * (single flight), and hands every new token to `onTokens` for storage.
 * https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_web_server_flow.htm&type=5
 * https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_jwt_flow.htm&type=5
 */
import { createHash, createPrivateKey, randomBytes, sign } from 'node:crypto';
import { OAuth2, type TokenResponse } from 'jsforce';
import { PlayercoachError } from '../../src/errors.js';
import type { Logger } from '../../src/logger.js';
import { classifySalesforceError } from './classify-error.js';
import { DirectTransport } from './connection.js';

export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

export interface SalesforceTokens {
  accessToken: string;
  /** Null for the JWT bearer flow, and on refreshes (Salesforce keeps the refresh token it gave). */
  refreshToken: string | null;
  instanceUrl: string;
  /** The identity URL, `.../id/{orgId}/{userId}`. */
  identityUrl: string;
  orgId: string;
  userId: string;
  issuedAt: string;
}

export interface OAuthClient {
  loginUrl: string;
  clientId: string;
  clientSecret?: string;
  fetchTimeoutMs?: number;
}

function client(c: OAuthClient, redirectUri?: string): OAuth2 {
  const oauth2 = new OAuth2({
    loginUrl: c.loginUrl,
    clientId: c.clientId,
    ...(c.clientSecret === undefined ? {} : { clientSecret: c.clientSecret }),
    ...(redirectUri === undefined ? {} : { redirectUri }),
  });
  oauth2._transport = new DirectTransport(c.fetchTimeoutMs);
  return oauth2;
}

function toTokens(res: TokenResponse, refreshToken: string | null): SalesforceTokens {
  const m = /\/id\/([^/]+)\/([^/?#]+)/.exec(res.id ?? '');
  if (m === null || typeof res.access_token !== 'string' || typeof res.instance_url !== 'string') {
    throw new PlayercoachError(
      'CRM_REJECTED',
      'Salesforce token response lacks access_token, instance_url or id',
      {
        provider: 'salesforce',
      },
    );
  }
  return {
    accessToken: res.access_token,
    refreshToken: res.refresh_token ?? refreshToken,
    instanceUrl: res.instance_url,
    identityUrl: res.id,
    orgId: m[1]!,
    userId: m[2]!,
    issuedAt: res.issued_at ?? String(Date.now()),
  };
}

/** A PKCE verifier and its S256 challenge. */
export function createPkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(48).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** Where to send the admin's browser to approve the connected app. */
export function authorizeUrl(
  c: OAuthClient,
  params: { redirectUri: string; state: string; scope?: string; codeChallenge?: string },
): string {
  return client(c, params.redirectUri).getAuthorizationUrl({
    scope: params.scope ?? 'api refresh_token',
    state: params.state,
    ...(params.codeChallenge === undefined
      ? {}
      : { code_challenge: params.codeChallenge, code_challenge_method: 'S256' }),
  });
}

/** The callback's `code` exchanged for tokens. */
export async function exchangeCode(
  c: OAuthClient,
  params: { redirectUri: string; code: string; codeVerifier?: string },
): Promise<SalesforceTokens> {
  try {
    const res = await client(c, params.redirectUri).requestToken(
      params.code,
      params.codeVerifier === undefined ? {} : { code_verifier: params.codeVerifier },
    );
    return toTokens(res, null);
  } catch (err) {
    throw classifySalesforceError(err);
  }
}

export async function refreshAccessToken(c: OAuthClient, refreshToken: string): Promise<SalesforceTokens> {
  try {
    return toTokens(await client(c).refreshToken(refreshToken), refreshToken);
  } catch (err) {
    throw classifySalesforceError(err);
  }
}

export interface JwtCredentials {
  username: string;
  privateKeyPem: string;
  /** login.salesforce.com, test.salesforce.com, or the login URL (the default). */
  audience?: string;
}

/** An RS256 assertion: iss = client id, sub = username, aud = login URL, exp 3 minutes ahead. */
export function jwtAssertion(
  clientId: string,
  jwt: JwtCredentials,
  loginUrl: string,
  nowMs = Date.now(),
): string {
  const encode = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const header = encode({ alg: 'RS256', typ: 'JWT' });
  const claims = encode({
    iss: clientId,
    sub: jwt.username,
    aud: jwt.audience ?? loginUrl,
    exp: Math.floor(nowMs / 1000) + 180,
  });
  const signature = sign(
    'RSA-SHA256',
    Buffer.from(`${header}.${claims}`),
    createPrivateKey(jwt.privateKeyPem),
  );
  return `${header}.${claims}.${signature.toString('base64url')}`;
}

export async function jwtBearerToken(c: OAuthClient, jwt: JwtCredentials): Promise<SalesforceTokens> {
  try {
    const res = await client(c).requestToken({
      grant_type: JWT_BEARER_GRANT,
      assertion: jwtAssertion(c.clientId, jwt, c.loginUrl),
    });
    return toTokens(res, null);
  } catch (err) {
    throw classifySalesforceError(err);
  }
}

export interface TokenKeeperOptions extends OAuthClient {
  refreshToken?: string | null;
  jwt?: JwtCredentials;
  onTokens?: (tokens: SalesforceTokens) => Promise<void>;
  logger?: Logger;
}

const REFRESH_STORM_LIMIT = 3;
const REFRESH_STORM_WINDOW_MS = 10_000;

/**
 * Gets new access tokens for one connector: by refresh token, or by a new JWT assertion.
 * Concurrent callers share one refresh in flight.
 */
export class TokenKeeper {
  private inFlight: Promise<SalesforceTokens> | null = null;
  private recent: number[] = [];
  /** Refreshes done, for tests and metrics. */
  refreshes = 0;

  constructor(private readonly options: TokenKeeperOptions) {}

  get canRefresh(): boolean {
    return (this.options.refreshToken ?? null) !== null || this.options.jwt !== undefined;
  }

  refresh(): Promise<SalesforceTokens> {
    this.inFlight ??= this.doRefresh().finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  private async doRefresh(): Promise<SalesforceTokens> {
    // A session rejected again right after each refresh would make jsforce refresh forever.
    const now = Date.now();
    this.recent = this.recent.filter((t) => now - t < REFRESH_STORM_WINDOW_MS);
    if (this.recent.length >= REFRESH_STORM_LIMIT) {
      throw new PlayercoachError(
        'AUTH_EXPIRED',
        'Salesforce rejects every new access token; the connection needs to be authorized again',
        {
          provider: 'salesforce',
        },
      );
    }
    this.recent.push(now);
    const { refreshToken, jwt } = this.options;
    let tokens: SalesforceTokens;
    if (refreshToken !== undefined && refreshToken !== null)
      tokens = await refreshAccessToken(this.options, refreshToken);
    else if (jwt !== undefined) tokens = await jwtBearerToken(this.options, jwt);
    else
      throw new PlayercoachError(
        'AUTH_EXPIRED',
        'Salesforce session expired and there is no way to refresh it',
        { provider: 'salesforce' },
      );
    this.refreshes++;
    this.options.logger?.info({ instanceUrl: tokens.instanceUrl }, 'salesforce access token refreshed');
    await this.options.onTokens?.(tokens);
    return tokens;
  }
}
