import { z } from 'zod';

export const httpsUrl = z.url({ protocol: /^https?$/, message: 'must be an http or https URL' });

/** An API base URL: the provider's by default, overridable for self-hosted editions and proxies. */
export function apiBaseUrl(defaultUrl: string, description: string) {
  return httpsUrl
    .default(defaultUrl)
    .transform((value) => value.replace(/\/+$/, ''))
    .meta({ description });
}
