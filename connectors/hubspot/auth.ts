/**
 * OAuth for HubSpot (https://developers.hubspot.com/docs/api/oauth-quickstart-guide): the
 * authorize URL, the code exchange, and an access token that is refreshed before it expires and
 * after a 401, one refresh at a time per tenant (keyed by refresh token, so two connectors of one
 * tenant in one process share it). New tokens go to `onTokens` for the caller to store.
 */
import { PlayercoachError } from '../../src/errors.js';
import { classifyHubSpotError } from './classify-error.js';
import { createSdkClient } from './client.js';

export const DEFAULT_BASE_PATH = 'https://api.hubapi.com';

export const REQUIRED_SCOPES = [
  'oauth',
  'crm.objects.deals.read',
  'crm.objects.deals.write',
  'crm.objects.contacts.read',
  'crm.objects.companies.read',
  'crm.objects.owners.read',
  'crm.schemas.deals.read',
  'crm.schemas.deals.write',
  'settings.currencies.read',
];

/** Custom objects need an Enterprise portal: asked for as optional scopes so others can install. */
export const OPTIONAL_SCOPES = [
  'crm.objects.custom.read',
  'crm.objects.custom.write',
  'crm.schemas.custom.read',
  'crm.schemas.custom.write',
];

export interface HubSpotTokens {
  accessToken: string;
  refreshToken: string;
  /** Epoch ms. */
  expiresAt: number;
}

/** Where a person approves the app: app.hubspot.com, or the sandbox's own /oauth/authorize. */
export function hubSpotAuthorizeUrl(opts: {
  clientId: string;
  redirectUri: string;
  state: string;
  basePath?: string;
  scopes?: readonly string[];
  optionalScopes?: readonly string[];
}): string {
  const base =
    !opts.basePath || opts.basePath === DEFAULT_BASE_PATH ? 'https://app.hubspot.com' : opts.basePath;
  const url = new URL('/oauth/authorize', base);
  url.searchParams.set('client_id', opts.clientId);
  url.searchParams.set('redirect_uri', opts.redirectUri);
  url.searchParams.set('scope', (opts.scopes ?? REQUIRED_SCOPES).join(' '));
  url.searchParams.set('optional_scope', (opts.optionalScopes ?? OPTIONAL_SCOPES).join(' '));
  url.searchParams.set('state', opts.state);
  return url.toString();
}

interface TokenAnswer {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}

// https://developers.hubspot.com/docs/api-reference/auth-oauth-v1/tokens/post-oauth-v1-token
async function requestTokens(
  basePath: string,
  form: {
    grantType: 'authorization_code' | 'refresh_token';
    clientId: string;
    clientSecret: string;
    code?: string;
    redirectUri?: string;
    refreshToken?: string;
  },
): Promise<TokenAnswer> {
  const client = createSdkClient({ basePath });
  try {
    const answer = await client.oauth.tokensApi.create(
      form.grantType,
      form.code,
      form.redirectUri,
      form.clientId,
      form.clientSecret,
      form.refreshToken,
    );
    return {
      accessToken: answer.accessToken,
      refreshToken: answer.refreshToken,
      expiresIn: answer.expiresIn,
    };
  } catch (err) {
    const e = classifyHubSpotError(err);
    // A refused code or refresh token is final: the admin must install the app again.
    if (e.status === 400) {
      throw new PlayercoachError('UNAUTHORIZED', `HubSpot refused the ${form.grantType}: ${e.message}`, {
        provider: 'hubspot',
        status: 400,
        cause: err,
      });
    }
    throw e;
  }
}

/** The callback of the install flow: exchanges the code for tokens. */
export async function exchangeHubSpotCode(opts: {
  basePath?: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  code: string;
  now?: number;
}): Promise<HubSpotTokens> {
  const answer = await requestTokens(opts.basePath ?? DEFAULT_BASE_PATH, {
    grantType: 'authorization_code',
    clientId: opts.clientId,
    clientSecret: opts.clientSecret,
    code: opts.code,
    redirectUri: opts.redirectUri,
  });
  return {
    accessToken: answer.accessToken,
    refreshToken: answer.refreshToken,
    expiresAt: (opts.now ?? Date.now()) + answer.expiresIn * 1000,
  };
}

const refreshing = new Map<string, Promise<HubSpotTokens>>();

export interface TokenManagerOptions {
  basePath: string;
  accessToken: string;
  refreshToken?: string;
  expiresAt?: number;
  clientId?: string;
  clientSecret?: string;
  onTokens?: (tokens: HubSpotTokens) => void | Promise<void>;
  /** Refresh this long before expiry; default 60 s. */
  marginMs?: number;
  now?: () => number;
}

export class TokenManager {
  private accessToken: string;
  private refreshToken: string | undefined;
  private expiresAt: number | undefined;
  private readonly now: () => number;

  constructor(private readonly opts: TokenManagerOptions) {
    this.accessToken = opts.accessToken;
    this.refreshToken = opts.refreshToken;
    this.expiresAt = opts.expiresAt;
    this.now = opts.now ?? Date.now;
  }

  private canRefresh(): boolean {
    return (
      this.refreshToken !== undefined &&
      this.opts.clientId !== undefined &&
      this.opts.clientSecret !== undefined
    );
  }

  /** A token good for the next call: refreshed first when it expires within the margin. */
  async token(): Promise<string> {
    const margin = this.opts.marginMs ?? 60_000;
    if (this.expiresAt !== undefined && this.now() >= this.expiresAt - margin && this.canRefresh()) {
      await this.refresh();
    }
    return this.accessToken;
  }

  /** After a 401 with `used`: refresh unless another call already has. */
  async afterUnauthorized(used: string): Promise<void> {
    if (this.accessToken !== used) return;
    if (!this.canRefresh()) {
      throw new PlayercoachError(
        'AUTH_EXPIRED',
        'HubSpot refused the access token and there is no refresh token',
        {
          provider: 'hubspot',
          retryable: false,
          status: 401,
        },
      );
    }
    await this.refresh();
  }

  private async refresh(): Promise<void> {
    const key = this.refreshToken ?? '';
    let flight = refreshing.get(key);
    if (!flight) {
      flight = this.doRefresh().finally(() => refreshing.delete(key));
      refreshing.set(key, flight);
    }
    const tokens = await flight;
    this.accessToken = tokens.accessToken;
    this.refreshToken = tokens.refreshToken;
    this.expiresAt = tokens.expiresAt;
  }

  private async doRefresh(): Promise<HubSpotTokens> {
    const answer = await requestTokens(this.opts.basePath, {
      grantType: 'refresh_token',
      clientId: this.opts.clientId!,
      clientSecret: this.opts.clientSecret!,
      refreshToken: this.refreshToken!,
    });
    const tokens = {
      accessToken: answer.accessToken,
      refreshToken: answer.refreshToken,
      expiresAt: this.now() + answer.expiresIn * 1000,
    };
    await this.opts.onTokens?.(tokens);
    return tokens;
  }
}
