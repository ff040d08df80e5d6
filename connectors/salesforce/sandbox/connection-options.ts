/**
 * How a Salesforce connector reaches a running sandbox as its integration user: the sandbox is
 * both the login and the instance URL, and the tokens are issued by the sandbox itself. Tests,
 * benchmarks and their helpers all connect this way.
 */
import type { IssuedSandboxTokens, SalesforceSandbox } from './server.js';

export function sandboxConnectionOptions(
  sf: SalesforceSandbox,
  tokens: IssuedSandboxTokens = sf.issueTokens(),
) {
  return {
    instanceUrl: sf.url,
    loginUrl: sf.url,
    accessToken: tokens.accessToken,
    refreshToken: tokens.refreshToken,
    clientId: sf.clientId,
    clientSecret: sf.clientSecret,
  };
}
