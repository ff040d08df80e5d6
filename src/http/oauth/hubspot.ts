/**
 * HubSpot's install flow: the authorize URL (HUBSPOT_AUTHORIZE_URL, with the scopes the connector
 * needs), the code exchange (connectors/hubspot/auth.ts), and the portal the token belongs to.
 */
import { exchangeHubSpotCode, hubSpotAuthorizeUrl } from '../../../connectors/hubspot/auth.js';
import { classifyHubSpotError } from '../../../connectors/hubspot/classify-error.js';
import { createSdkClient } from '../../../connectors/hubspot/client.js';
import type { Config } from '../../config.js';
import { missing, type OAuthProvider } from './providers.js';

export function hubspotOAuth(config: Config, now: () => number): OAuthProvider {
  const basePath = config.HUBSPOT_BASE_PATH.replace(/\/+$/, '');
  return {
    kind: 'hubspot',
    missingConfig: () => missing(config, ['HUBSPOT_CLIENT_ID', 'HUBSPOT_CLIENT_SECRET']),

    authorizeUrl({ state, redirectUri }) {
      // The connector's URL carries the scopes; HUBSPOT_AUTHORIZE_URL says where the consent page is.
      const built = new URL(
        hubSpotAuthorizeUrl({ clientId: config.HUBSPOT_CLIENT_ID ?? '', redirectUri, state, basePath }),
      );
      const target = new URL(config.HUBSPOT_AUTHORIZE_URL);
      target.search = built.search;
      return target.toString();
    },

    async complete({ code, redirectUri }) {
      const tokens = await exchangeHubSpotCode({
        basePath,
        clientId: config.HUBSPOT_CLIENT_ID ?? '',
        clientSecret: config.HUBSPOT_CLIENT_SECRET ?? '',
        redirectUri,
        code,
        now: now(),
      });
      // https://developers.hubspot.com/docs/api-reference/auth-oauth-v1/access-tokens/get-oauth-v1-access-tokens-token
      let hubId: number;
      try {
        const info = await createSdkClient({ basePath }).oauth.accessTokensApi.get(tokens.accessToken);
        hubId = info.hubId;
      } catch (err) {
        throw classifyHubSpotError(err);
      }
      return { credentials: tokens, hubspot: { portalId: hubId, basePath } };
    },
  };
}
