import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const apiKeyRoles = ['admin', 'editor', 'viewer'] as const;
export type ApiKeyRole = (typeof apiKeyRoles)[number];

/** Keys carry a recognisable prefix so leaked ones are easy to spot in scanners. */
export function generateApiKey(): string {
  return `trb_${randomBytes(32).toString('base64url')}`;
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export function hashesMatch(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
}
