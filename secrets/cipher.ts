import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/** A secret as stored: AES-256-GCM ciphertext with its IV, tag and the id of the key that sealed it. */
export interface SealedSecret {
  keyId: string;
  iv: string;
  tag: string;
  ciphertext: string;
}

export interface SecretCipher {
  /** Id of the key new secrets are sealed with. */
  readonly keyId: string;
  seal(plaintext: string): SealedSecret;
  open(sealed: SealedSecret): string;
}

export class SecretKeyError extends Error {
  override name = 'SecretKeyError';
}

/** A 32-byte key from base64 (as generated) or, for any other text, its SHA-256. */
function keyBytes(material: string): Buffer {
  const decoded = Buffer.from(material, 'base64');
  return decoded.length === 32 && decoded.toString('base64') === material ? decoded : createHash('sha256').update(material, 'utf8').digest();
}

function keyIdOf(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 12);
}

/**
 * Seals with the current key and opens with any known key, so rows sealed before a rotation still open.
 * @example const cipher = createSecretCipher(config.TRIBUTARY_SECRET_KEY, config.TRIBUTARY_PREVIOUS_SECRET_KEYS);
 */
export function createSecretCipher(currentKey: string, previousKeys: readonly string[] = []): SecretCipher {
  const current = keyBytes(currentKey);
  const keys = new Map<string, Buffer>([[keyIdOf(current), current]]);
  for (const previous of previousKeys) {
    const bytes = keyBytes(previous);
    keys.set(keyIdOf(bytes), bytes);
  }
  const keyId = keyIdOf(current);
  return {
    keyId,
    seal(plaintext) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', current, iv);
      const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return { keyId, iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), ciphertext: ciphertext.toString('base64') };
    },
    open(sealed) {
      const key = keys.get(sealed.keyId);
      if (!key) throw new SecretKeyError(`No secret key with id ${sealed.keyId} is configured`);
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv, 'base64'));
      decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
      return Buffer.concat([decipher.update(Buffer.from(sealed.ciphertext, 'base64')), decipher.final()]).toString('utf8');
    },
  };
}
