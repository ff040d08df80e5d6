/**
 * Salesforce's install flow (web-server flow with PKCE): the authorize URL at SALESFORCE_LOGIN_URL,
 * the code exchange (connectors/salesforce/auth.ts), and the org the tokens belong to, read from
 * the identity URL the token response carries (`.../id/{orgId}/{userId}`).
 */
import { authorizeUrl, createPkcePair, exchangeCode } from '../../../connectors/salesforce/auth.js';
import type { Config } from '../../config.js';
import { missing, type OAuthProvider } from './providers.js';

export function salesforceOAuth(config: Config): OAuthProvider {
  const client = () => ({
    loginUrl: config.SALESFORCE_LOGIN_URL.replace(/\/+$/, ''),
    clientId: config.SALESFORCE_CLIENT_ID ?? '',
    ...(config.SALESFORCE_CLIENT_SECRET ? { clientSecret: config.SALESFORCE_CLIENT_SECRET } : {}),
  });
  return {
    kind: 'salesforce',
    missingConfig: () => missing(config, ['SALESFORCE_CLIENT_ID', 'SALESFORCE_CLIENT_SECRET']),
    pkcePair: createPkcePair,

    authorizeUrl: ({ state, redirectUri, codeChallenge }) =>
      authorizeUrl(client(), { state, redirectUri, ...(codeChallenge ? { codeChallenge } : {}) }),

    async complete({ code, redirectUri, codeVerifier }) {
      const tokens = await exchangeCode(client(), {
        code,
        redirectUri,
        ...(codeVerifier ? { codeVerifier } : {}),
      });
      return {
        credentials: {
          accessToken: tokens.accessToken,
          ...(tokens.refreshToken ? { refreshToken: tokens.refreshToken } : {}),
        },
        salesforce: { orgId: tokens.orgId, instanceUrl: tokens.instanceUrl, loginUrl: client().loginUrl },
      };
    },
  };
}
