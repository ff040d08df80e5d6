// Protects Salesforce auth: the web-server flow with PKCE, refresh tokens, and the JWT bearer flow (signature checked) against the sandbox's token endpoint, through jsforce.
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  authorizeUrl,
  createPkcePair,
  exchangeCode,
  jwtBearerToken,
  refreshAccessToken,
} from '../../connectors/salesforce/auth.js';
import { generateOrg } from '../../src/generator/index.js';
import { startTestOrg, type TestOrg } from './support.js';

const REDIRECT = 'https://playercoach.example/oauth/salesforce/callback';

describe('Salesforce OAuth', () => {
  const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = (k: typeof keys.privateKey) => k.export({ type: 'pkcs8', format: 'pem' }).toString();
  let org: TestOrg;
  let client: { loginUrl: string; clientId: string; clientSecret: string };
  let username: string;

  beforeAll(async () => {
    const snapshot = generateOrg({ deals: 10, seed: 1 });
    org = await startTestOrg({
      snapshot,
      jwtCertificate: keys.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    });
    client = { loginUrl: org.sf.url, clientId: org.sf.clientId, clientSecret: org.sf.clientSecret };
    username = snapshot.users.find((u) => u.active)!.email;
  });
  afterAll(() => org.close());

  async function authorize(codeChallenge?: string): Promise<URL> {
    const url = authorizeUrl(client, {
      redirectUri: REDIRECT,
      state: 'tenant-42',
      ...(codeChallenge ? { codeChallenge } : {}),
    });
    const res = await fetch(url, { redirect: 'manual' });
    expect(res.status).toBe(302);
    return new URL(res.headers.get('location')!);
  }

  it('runs the web-server flow with PKCE, once per code', async () => {
    const pkce = createPkcePair();
    const back = await authorize(pkce.challenge);
    expect(back.origin + back.pathname).toBe(REDIRECT);
    expect(back.searchParams.get('state')).toBe('tenant-42');
    const code = back.searchParams.get('code')!;
    const tokens = await exchangeCode(client, { redirectUri: REDIRECT, code, codeVerifier: pkce.verifier });
    expect(tokens).toMatchObject({
      instanceUrl: org.sf.url,
      orgId: org.sf.orgId,
      refreshToken: expect.any(String),
      userId: expect.stringMatching(/^005/),
    });
    await expect(
      exchangeCode(client, { redirectUri: REDIRECT, code, codeVerifier: pkce.verifier }),
    ).rejects.toMatchObject({ code: 'AUTH_EXPIRED' });

    const wrong = (await authorize(createPkcePair().challenge)).searchParams.get('code')!;
    await expect(
      exchangeCode(client, { redirectUri: REDIRECT, code: wrong, codeVerifier: pkce.verifier }),
    ).rejects.toMatchObject({ code: 'AUTH_EXPIRED' });

    const refreshed = await refreshAccessToken(client, tokens.refreshToken!);
    expect(refreshed.accessToken).not.toBe(tokens.accessToken);
    expect(refreshed.refreshToken).toBe(tokens.refreshToken);
    const connector = org.connector({
      accessToken: refreshed.accessToken,
      refreshToken: tokens.refreshToken,
    });
    expect((await connector.pullOrg()).users.length).toBeGreaterThan(0);
  });

  it('refuses a client it does not know', async () => {
    const back = await authorize();
    await expect(
      exchangeCode(
        { ...client, clientSecret: 'wrong' },
        { redirectUri: REDIRECT, code: back.searchParams.get('code')! },
      ),
    ).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    await expect(refreshAccessToken({ ...client, clientId: 'nope' }, 'x')).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
    });
  });

  it('gets tokens with a signed JWT assertion, and refreshes a JWT connector with a new one', async () => {
    const jwt = { username, privateKeyPem: pem(keys.privateKey) };
    const tokens = await jwtBearerToken(client, jwt);
    expect(tokens).toMatchObject({ refreshToken: null, orgId: org.sf.orgId });
    await expect(
      jwtBearerToken(client, { ...jwt, privateKeyPem: pem(other.privateKey) }),
    ).rejects.toMatchObject({ code: 'AUTH_EXPIRED' });
    await expect(jwtBearerToken(client, { ...jwt, username: 'nobody@acme.com' })).rejects.toMatchObject({
      code: 'AUTH_EXPIRED',
    });

    const connector = org.connector({ accessToken: tokens.accessToken, refreshToken: null, jwt });
    await connector.pullOrg();
    org.sf.expireAccessTokens();
    await connector.pullOrg();
    expect(connector.refreshes).toBe(1);
  });
});
