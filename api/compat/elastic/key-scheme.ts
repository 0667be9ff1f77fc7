import type { KeyScheme } from '../../auth.ts';

/**
 * `Authorization: ApiKey <key>`, as Elastic's clients send it. The key is a Tributary API key, sent
 * as is (a client's `api_key="trb_..."`) or as Elastic's encoded `base64(id:api_key)` (a client's
 * `api_key=(id, key)`), whose id part carries no authority.
 */
export const apiKeyScheme: KeyScheme = {
  keyOf(authorization) {
    const token = /^ApiKey\s+(\S+)$/i.exec(authorization)?.[1];
    if (!token || token.startsWith('trb_')) return token;
    const decoded = Buffer.from(token, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon === -1 ? token : decoded.slice(colon + 1) || undefined;
  },
  howToSend: 'send "Authorization: ApiKey <api key>"',
};
