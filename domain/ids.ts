import { randomUUID } from 'node:crypto';
import { z } from 'zod';

/** Ids end up in Temporal workflow and schedule ids, so they keep to a URL- and log-safe alphabet. */
export const resourceIdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, {
  message: 'must be 1-64 letters, digits, "_" or "-", starting with a letter or digit',
});

export function newId(prefix: 'conn' | 'ws' | 'key' | 'cred' | 'job' | 'doc' | 'whk'): string {
  return `${prefix}_${randomUUID().replaceAll('-', '')}`;
}
