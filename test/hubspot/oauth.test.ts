// Protects the HubSpot install flow: the authorize URL leads (through the sandbox's auto-approving
// consent page) back to the redirect URI with a code and the state, the code exchanges for tokens
// that work with the connector, and a used or wrong code is refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exchangeHubSpotCode, hubSpotAuthorizeUrl } from '../../connectors/hubspot/auth.js';
import type { HubSpotSandbox } from '../../connectors/hubspot/sandbox/server.js';
import { connectorFor, sandboxWith } from './harness.js';
import { smallOrg } from './small-org.js';

describe('HubSpot OAuth', () => {
  let sb: HubSpotSandbox;
  beforeAll(async () => {
    sb = await sandboxWith(smallOrg());
  });
  afterAll(async () => {
    await sb.close();
  });

  it('authorizes, exchanges the code and pulls with the tokens', async () => {
    const redirectUri = 'https://playercoach.example/oauth/hubspot/callback';
    const authorize = hubSpotAuthorizeUrl({
      clientId: sb.clientId,
      redirectUri,
      state: 'xyz',
      basePath: sb.url,
    });
    expect(authorize.startsWith(`${sb.url}/oauth/authorize?`)).toBe(true);
    const res = await fetch(authorize, { redirect: 'manual' });
    expect(res.status).toBe(302);
    const back = new URL(res.headers.get('location')!);
    expect(`${back.origin}${back.pathname}`).toBe(redirectUri);
    expect(back.searchParams.get('state')).toBe('xyz');
    const code = back.searchParams.get('code')!;

    const tokens = await exchangeHubSpotCode({
      basePath: sb.url,
      clientId: sb.clientId,
      clientSecret: sb.clientSecret,
      redirectUri,
      code,
    });
    expect(tokens.expiresAt).toBeGreaterThan(Date.now());
    const org = await connectorFor(sb, { ...tokens }).pullOrg();
    expect(org.users).toHaveLength(5);

    await expect(
      exchangeHubSpotCode({
        basePath: sb.url,
        clientId: sb.clientId,
        clientSecret: sb.clientSecret,
        redirectUri,
        code,
      }),
    ).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });

  it('points at app.hubspot.com for the real API', () => {
    const url = new URL(hubSpotAuthorizeUrl({ clientId: 'c', redirectUri: 'https://x/cb', state: 's' }));
    expect(url.origin).toBe('https://app.hubspot.com');
    expect(url.searchParams.get('scope')).toContain('crm.objects.deals.write');
  });
});
