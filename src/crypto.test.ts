// Protects the encryption of tenant credentials at rest: round trip, and refusal of anything altered.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSecretBox, keyId } from './crypto.js';

const keyA = randomBytes(32);
const keyB = randomBytes(32);

/** Flips one bit of one base64url part of a sealed message. */
function tamper(sealed: string, part: number): string {
  const parts = sealed.split('.');
  const bytes = Buffer.from(parts[part]!, 'base64url');
  bytes[0] = bytes[0]! ^ 0x01;
  parts[part] = bytes.toString('base64url');
  return parts.join('.');
}

describe('createSecretBox', () => {
  const box = createSecretBox(keyA);

  it('opens what it sealed, including unicode and the empty string', () => {
    for (const text of ['tok-123', '', 'ünïcødé ✓', 'x'.repeat(10_000)]) {
      expect(box.open(box.seal(text, 'ctx'), 'ctx')).toBe(text);
    }
  });

  it('uses a fresh IV per message and never shows the plaintext', () => {
    const a = box.seal('same-secret-value', 'ctx');
    const b = box.seal('same-secret-value', 'ctx');
    expect(a).not.toBe(b);
    expect(a).not.toContain('same-secret-value');
    expect(a.startsWith(`pc1.${keyId(keyA)}.`)).toBe(true);
  });

  it('refuses a tampered IV, ciphertext or tag', () => {
    const sealed = box.seal('refresh-token-value', 'ctx');
    for (const part of [2, 3, 4]) {
      expect(() => box.open(tamper(sealed, part), 'ctx')).toThrow(/failed authentication|malformed/);
    }
  });

  it('refuses a message bound to another context (another tenant or field)', () => {
    const sealed = box.seal('access-token-value', 'tenant:acme:credentials');
    expect(() => box.open(sealed, 'tenant:globex:credentials')).toThrow(/failed authentication/);
  });

  it('refuses a wrong key, whether the key id names it or not', () => {
    const sealed = box.seal('access-token-value', 'ctx');
    const other = createSecretBox(keyB);
    expect(() => other.open(sealed, 'ctx')).toThrow(/not configured/);
    // Same key id, other key: GCM authentication itself refuses it.
    const relabelled = sealed.replace(`.${keyId(keyA)}.`, `.${keyId(keyB)}.`);
    expect(() => other.open(relabelled, 'ctx')).toThrow(/failed authentication/);
  });

  it('opens messages sealed with a previous key after rotation, and seals with the new one', () => {
    const old = box.seal('old-secret', 'ctx');
    const rotated = createSecretBox(keyB, [keyA]);
    expect(rotated.open(old, 'ctx')).toBe('old-secret');
    expect(rotated.seal('new', 'ctx').split('.')[1]).toBe(keyId(keyB));
  });

  it('refuses unknown formats and keys that are not 32 bytes', () => {
    expect(() => box.open('plain-text', 'ctx')).toThrow(/unknown format/);
    expect(() => box.open(box.seal('x', 'ctx').replace(/^pc1/, 'pc9'), 'ctx')).toThrow(/unknown format/);
    expect(() => createSecretBox(randomBytes(16))).toThrow(/32 bytes/);
  });
});
