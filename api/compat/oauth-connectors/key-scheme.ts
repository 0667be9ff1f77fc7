import type { KeyScheme } from '../../auth.ts';

/**
 * `Authorization: Basic base64(username:password)`, as the OAuth connectors API's clients send it:
 * the password is a Tributary API key; the username is free (a workspace id, a client name) and
 * carries no authority, since the key alone names the workspace.
 */
export const basicKeyScheme: KeyScheme = {
  keyOf(authorization) {
    const encoded = /^Basic\s+([A-Za-z0-9+/=_-]+)$/i.exec(authorization)?.[1];
    if (!encoded) return undefined;
    const decoded = Buffer.from(encoded, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const password = colon === -1 ? '' : decoded.slice(colon + 1);
    return password || undefined;
  },
  howToSend: 'send "Authorization: Basic base64(<any username>:<api key>)"',
};
