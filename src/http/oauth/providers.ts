/**
 * The two CRMs' install flows behind one shape, so the OAuth routes are written once: where to
 * send the person who installs (authorize URL), and what a returned code becomes (tokens plus the
 * org or portal they belong to). Built from the config; a provider without its client id and
 * secret says so instead of failing half-way.
 */
import type { CrmKind } from '../../../connectors/types.js';
import type { Config } from '../../config.js';
import type { Tenant, TenantCredentials } from '../../tenants/tenant.js';
import { hubspotOAuth } from './hubspot.js';
import { salesforceOAuth } from './salesforce.js';

/** What an install produced: the tenant's credentials and the CRM account they open. */
export interface OAuthInstall {
  credentials: TenantCredentials;
  salesforce?: { orgId: string; instanceUrl: string; loginUrl: string };
  hubspot?: Tenant['hubspot'] & {};
}

export interface OAuthProvider {
  readonly kind: CrmKind;
  /** The missing variables, or null when the flow can run. */
  missingConfig(): string | null;
  /** For flows with PKCE: a verifier (kept with the state) and its S256 challenge (sent). */
  readonly pkcePair?: () => { verifier: string; challenge: string };
  authorizeUrl(args: { state: string; redirectUri: string; codeChallenge?: string }): string;
  complete(args: { code: string; redirectUri: string; codeVerifier?: string }): Promise<OAuthInstall>;
}

export type OAuthProviders = Record<CrmKind, OAuthProvider>;

export function createOAuthProviders(config: Config, now: () => number): OAuthProviders {
  return { salesforce: salesforceOAuth(config), hubspot: hubspotOAuth(config, now) };
}

export function missing(config: Config, names: readonly (keyof Config)[]): string | null {
  const absent = names.filter((n) => !config[n]);
  return absent.length === 0 ? null : absent.join(', ');
}
