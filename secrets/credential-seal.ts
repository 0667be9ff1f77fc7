import type { OpenedCredential } from '../connectors/connector-definition.ts';
import type { CredentialRow } from '../db/schema.ts';
import { secretHints, type CredentialKind, type CredentialSecret } from '../domain/credential.ts';
import type { SecretCipher } from './cipher.ts';

/** The stored columns of a secret: ciphertext, IV, tag, key id and the hints responses may show. */
export function sealCredentialSecret(cipher: SecretCipher, secret: CredentialSecret) {
  const sealed = cipher.seal(JSON.stringify(secret));
  return {
    key_id: sealed.keyId,
    iv: sealed.iv,
    auth_tag: sealed.tag,
    ciphertext: sealed.ciphertext,
    hints: JSON.stringify(secretHints(secret as Record<string, unknown>)),
  };
}

export function openCredentialRow(cipher: SecretCipher, row: CredentialRow): OpenedCredential {
  const plaintext = cipher.open({ keyId: row.key_id, iv: row.iv, tag: row.auth_tag, ciphertext: row.ciphertext });
  return { kind: row.kind as CredentialKind, secret: JSON.parse(plaintext) as CredentialSecret };
}
