/**
 * OAuth codes and tokens of the sandbox app. Access tokens expire after the `tokenLifetimeMs`
 * switch in force when they were issued; refresh tokens do not expire (as at HubSpot).
 */
import { randomBytes } from 'node:crypto';

export interface IssuedTokens {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}

export class TokenStore {
  private readonly access = new Map<string, { expiresAt: number }>();
  private readonly refresh = new Set<string>();
  private readonly codes = new Map<string, { redirectUri: string }>();

  constructor(private readonly now: () => number) {}

  issue(lifetimeMs: number, refreshToken?: string): IssuedTokens {
    const accessToken = `sandbox-at-${randomBytes(12).toString('hex')}`;
    const refresh = refreshToken ?? `sandbox-rt-${randomBytes(12).toString('hex')}`;
    this.access.set(accessToken, { expiresAt: this.now() + lifetimeMs });
    this.refresh.add(refresh);
    return { accessToken, refreshToken: refresh, expiresIn: Math.max(1, Math.floor(lifetimeMs / 1000)) };
  }

  /** 'ok', 'expired' (a token we issued, past its lifetime) or 'invalid'. */
  check(accessToken: string): 'ok' | 'expired' | 'invalid' {
    const t = this.access.get(accessToken);
    if (!t) return 'invalid';
    return this.now() < t.expiresAt ? 'ok' : 'expired';
  }

  hasRefreshToken(token: string): boolean {
    return this.refresh.has(token);
  }

  newCode(redirectUri: string): string {
    const code = `sandbox-code-${randomBytes(8).toString('hex')}`;
    this.codes.set(code, { redirectUri });
    return code;
  }

  /** Codes are single use; returns the redirect URI the code was issued for. */
  takeCode(code: string): string | null {
    const entry = this.codes.get(code);
    if (!entry) return null;
    this.codes.delete(code);
    return entry.redirectUri;
  }
}
