/**
 * OAuth state of the sandbox: authorization codes, access tokens that expire, refresh tokens.
 * Access tokens look like Salesforce session ids (`00D...!AQ...`), not JWTs: jsforce refuses to
 * send a JWT-shaped token to the SOAP (Metadata) API.
 */
import { randomBytes } from 'node:crypto';

export interface IssuedTokens {
  accessToken: string;
  refreshToken: string | null;
  userId: string;
  issuedAt: number;
}

interface AccessEntry {
  userId: string;
  expiresAt: number;
}

interface CodeEntry {
  userId: string;
  redirectUri: string;
  codeChallenge: string | null;
  expiresAt: number;
}

export class TokenStore {
  private readonly access = new Map<string, AccessEntry>();
  private readonly refresh = new Map<string, string>();
  private readonly codes = new Map<string, CodeEntry>();

  constructor(
    private readonly orgId: string,
    private readonly clock: () => number,
  ) {}

  issue(userId: string, lifetimeMs: number, withRefresh: boolean): IssuedTokens {
    const issuedAt = this.clock();
    const accessToken = `${this.orgId}!AQ${randomBytes(30).toString('base64url')}`;
    this.access.set(accessToken, { userId, expiresAt: issuedAt + lifetimeMs });
    let refreshToken: string | null = null;
    if (withRefresh) {
      refreshToken = `5Aep${randomBytes(32).toString('base64url')}`;
      this.refresh.set(refreshToken, userId);
    }
    return { accessToken, refreshToken, userId, issuedAt };
  }

  /** The user behind a token, or why it is not accepted. */
  check(accessToken: string | undefined): { userId: string } | 'expired' | 'unknown' {
    if (accessToken === undefined) return 'unknown';
    const entry = this.access.get(accessToken);
    if (entry === undefined) return 'unknown';
    if (entry.expiresAt <= this.clock()) return 'expired';
    return { userId: entry.userId };
  }

  userOfRefreshToken(refreshToken: string): string | undefined {
    return this.refresh.get(refreshToken);
  }

  revoke(token: string): void {
    this.access.delete(token);
    this.refresh.delete(token);
  }

  /** Makes every access token issued so far expired, as a session timeout would. */
  expireAll(): void {
    const now = this.clock();
    for (const entry of this.access.values()) entry.expiresAt = Math.min(entry.expiresAt, now);
  }

  newCode(userId: string, redirectUri: string, codeChallenge: string | null): string {
    const code = `aPrx${randomBytes(24).toString('base64url')}`;
    this.codes.set(code, { userId, redirectUri, codeChallenge, expiresAt: this.clock() + 15 * 60_000 });
    return code;
  }

  /** Codes are single-use: taking one removes it. */
  takeCode(code: string): CodeEntry | undefined {
    const entry = this.codes.get(code);
    this.codes.delete(code);
    if (entry === undefined || entry.expiresAt <= this.clock()) return undefined;
    return entry;
  }
}
