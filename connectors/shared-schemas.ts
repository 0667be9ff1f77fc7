import { httpUrlSchema } from '../domain/http-url.ts';

export const httpsUrl = httpUrlSchema;

/** An API base URL: the provider's by default, overridable for self-hosted editions and proxies. */
export function apiBaseUrl(defaultUrl: string, description: string) {
  return httpsUrl
    .default(defaultUrl)
    .transform((value) => value.replace(/\/+$/, ''))
    .meta({ description });
}
