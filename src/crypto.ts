/**
 * Secrets at rest: AES-256-GCM with the 32-byte ENCRYPTION_KEY. Each message gets a random 12-byte
 * IV and carries its 16-byte auth tag, so a changed byte is refused rather than decrypted into
 * garbage. The string format is versioned and names the key by a fingerprint, so a key can be
 * rotated later: encrypt with the new key, keep the old one in `previousKeys` until every record
 * has been rewritten.
 *
 *   pc1.<key id>.<iv>.<ciphertext>.<tag>        (base64url parts; key id = 8 hex of sha256(key))
 *
 * `context` is bound as additional authenticated data: a ciphertext copied from one tenant's record
 * (or one field) into another's does not decrypt there.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { PlayercoachError } from './errors.js';

const VERSION = 'pc1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface SecretBox {
  /** Fingerprint of the key new messages are sealed with. */
  readonly keyId: string;
  seal(plaintext: string, context: string): string;
  /** Throws a PlayercoachError (INTERNAL) on a tampered message, a wrong context or an unknown key. */
  open(sealed: string, context: string): string;
}

export function keyId(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}

function checkKey(key: Buffer): Buffer {
  if (key.length !== 32) throw new PlayercoachError('INTERNAL', 'encryption key must be exactly 32 bytes');
  return key;
}

/** A box sealing with `key` and opening messages sealed with it or with any of `previousKeys`. */
export function createSecretBox(key: Buffer, previousKeys: readonly Buffer[] = []): SecretBox {
  const current = checkKey(key);
  const currentId = keyId(current);
  const byId = new Map<string, Buffer>([[currentId, current]]);
  for (const k of previousKeys) byId.set(keyId(checkKey(k)), k);

  return {
    keyId: currentId,
    seal(plaintext, context) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', current, iv);
      cipher.setAAD(Buffer.from(context, 'utf8'));
      const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      const tag = cipher.getAuthTag();
      return [VERSION, currentId, iv, ciphertext, tag]
        .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
        .join('.');
    },
    open(sealed, context) {
      const parts = sealed.split('.');
      if (parts.length !== 5 || parts[0] !== VERSION) {
        throw new PlayercoachError('INTERNAL', 'sealed secret has an unknown format');
      }
      const [, id, ivText, ctText, tagText] = parts as [string, string, string, string, string];
      const k = byId.get(id);
      if (!k) throw new PlayercoachError('INTERNAL', `sealed secret uses key ${id}, which is not configured`);
      const iv = Buffer.from(ivText, 'base64url');
      const tag = Buffer.from(tagText, 'base64url');
      if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) {
        throw new PlayercoachError('INTERNAL', 'sealed secret has a malformed IV or tag');
      }
      const decipher = createDecipheriv('aes-256-gcm', k, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(tag);
      try {
        return Buffer.concat([decipher.update(Buffer.from(ctText, 'base64url')), decipher.final()]).toString(
          'utf8',
        );
      } catch (cause) {
        throw new PlayercoachError(
          'INTERNAL',
          'sealed secret failed authentication (tampered or wrong key)',
          {
            cause,
          },
        );
      }
    },
  };
}
