import { createHash, randomBytes } from 'node:crypto';

export const apiKeyRoles = ['admin', 'editor', 'viewer'] as const;
export type ApiKeyRole = (typeof apiKeyRoles)[number];

/** Keys carry a recognisable prefix so leaked ones are easy to spot in scanners. */
export function generateApiKey(): string {
  return `trb_${randomBytes(32).toString('base64url')}`;
}

/** Keys are found by this hash, so lookup timing says nothing about a stored key; no constant-time compare is needed. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}
