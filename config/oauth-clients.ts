import { z } from 'zod';

/** An OAuth2 client the server holds for a provider, used when a client sends none of its own. */
export interface ServerOAuthClient {
  clientId: string;
  clientSecret: string;
  authorizationUrl?: string;
  tokenUrl?: string;
}

const variable = /^TRIBUTARY_OAUTH_([A-Z][A-Z0-9_]*)_CLIENT_ID$/;
const httpUrl = z.url({ protocol: /^https?$/ });

/**
 * The server's own OAuth clients, by source type, from `TRIBUTARY_OAUTH_<TYPE>_CLIENT_ID` and
 * `_CLIENT_SECRET` (and optionally `_AUTHORIZATION_URL`, `_TOKEN_URL`, e.g. a Microsoft tenant's):
 * `TRIBUTARY_OAUTH_GOOGLE_DRIVE_CLIENT_ID` serves `google_drive`. A client id without its secret,
 * or an endpoint that is not an http(s) URL, is a configuration error naming the variable.
 */
export function serverOAuthClients(environment: NodeJS.ProcessEnv): { clients: Record<string, ServerOAuthClient>; problems: string[] } {
  const clients: Record<string, ServerOAuthClient> = {};
  const problems: string[] = [];
  for (const [name, value] of Object.entries(environment)) {
    const match = variable.exec(name);
    if (!match || !value?.trim()) continue;
    const prefix = `TRIBUTARY_OAUTH_${match[1]}`;
    const secret = environment[`${prefix}_CLIENT_SECRET`]?.trim();
    if (!secret) {
      problems.push(`${prefix}_CLIENT_SECRET: required with ${name}`);
      continue;
    }
    const client: ServerOAuthClient = { clientId: value.trim(), clientSecret: secret };
    for (const [field, suffix] of [
      ['authorizationUrl', 'AUTHORIZATION_URL'],
      ['tokenUrl', 'TOKEN_URL'],
    ] as const) {
      const url = environment[`${prefix}_${suffix}`]?.trim();
      if (!url) continue;
      if (httpUrl.safeParse(url).success) client[field] = url;
      else problems.push(`${prefix}_${suffix}: must be an http or https URL`);
    }
    clients[(match[1] as string).toLowerCase()] = client;
  }
  return { clients, problems };
}
