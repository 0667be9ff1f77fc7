import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findConnectorDefinition } from '../../connectors/registry.ts';
import { AddressPolicy } from '../../net/address-policy.ts';
import { createGuardedFetch } from '../../net/guarded-fetch.ts';
import { sendJson, startLocalServer, type LocalServer } from '../support/http-server.ts';

const policy = new AddressPolicy(['127.0.0.0/8']);
const fetch = createGuardedFetch(policy);
const credentials = {
  authorization: 'Bearer source-token-1234',
  cookie: 'session=source-cookie',
  'proxy-authorization': 'Basic cHJveHk6c2VjcmV0',
  'x-api-key': 'source-api-key',
  accept: 'application/json',
};

describe('redirects of the guarded fetch', () => {
  // B is another origin (another port); A is the source, redirecting to B, to itself and to non-http URLs.
  let other: LocalServer;
  let source: LocalServer;

  beforeAll(async () => {
    other = await startLocalServer((_request, response) => sendJson(response, 200, { at: 'other' }));
    source = await startLocalServer((request, response) => {
      const targets: Record<string, string> = {
        '/cross': `${other.url}/landing`,
        '/same': '/landing',
        '/post-303': `${other.url}/after-post`,
        '/to-data/rest/api/2/myself': 'data:application/json,{"accountId":"nobody"}',
        '/to-file': 'file:///etc/passwd',
        '/to-javascript': 'javascript:alert(1)',
      };
      const location = targets[request.path];
      if (location) {
        response.writeHead(request.path === '/post-303' ? 303 : 302, { location });
        return response.end();
      }
      sendJson(response, 200, { at: 'source' });
    });
  });
  afterAll(async () => {
    await source?.close();
    await other?.close();
  });

  it('drops credentials on a redirect to another origin and keeps the other headers', async () => {
    const response = await fetch(`${source.url}/cross`, { headers: credentials });
    expect(await response.json()).toEqual({ at: 'other' });
    const landed = other.requests.find((request) => request.path === '/landing');
    expect(landed?.headers).toMatchObject({ accept: 'application/json' });
    for (const name of ['authorization', 'cookie', 'proxy-authorization', 'x-api-key']) expect(landed?.headers[name], name).toBeUndefined();
  });

  it('keeps credentials on a redirect within the same origin', async () => {
    await fetch(`${source.url}/same`, { headers: credentials });
    const landed = source.requests.find((request) => request.path === '/landing');
    expect(landed?.headers).toMatchObject({ authorization: credentials.authorization, cookie: credentials.cookie, 'x-api-key': credentials['x-api-key'] });
  });

  it('turns a POST answered 303 into a GET without the body', async () => {
    await fetch(`${source.url}/post-303`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'client_secret=s3cr3t' });
    const landed = other.requests.find((request) => request.path === '/after-post');
    expect(landed).toMatchObject({ method: 'GET', body: '' });
    expect(landed?.headers['content-type']).toBeUndefined();
  });

  it.each([
    ['data:', '/to-data/rest/api/2/myself'],
    ['file:', '/to-file'],
    ['javascript:', '/to-javascript'],
  ])('refuses a redirect to a %s URL', async (scheme, path) => {
    await expect(fetch(`${source.url}${path}`)).rejects.toThrow(`Refused a redirect to a ${scheme} URL; only http and https URLs are fetched`);
  });

  it('refuses to start from a non-http URL, which would answer without any server', async () => {
    await expect(fetch('data:application/json,{"ok":true}')).rejects.toThrow('Refused fetching a data: URL');
    await expect(fetch('file:///etc/hostname')).rejects.toThrow('Refused fetching a file: URL');
  });

  it('fails a connector check whose source redirects to a data: URL, with the reason', async () => {
    const jira = findConnectorDefinition('jira')!;
    const result = await jira.check({
      config: jira.configSchema.parse({ baseUrl: `${source.url}/to-data` }),
      credential: { kind: 'api_token', secret: { token: 'source-token-1234', email: 'jane@example.com' } },
      fetch,
      policy,
    });
    expect(result).toEqual({
      ok: false,
      reason: `Jira could not be reached at ${source.url}: Refused a redirect to a data: URL; only http and https URLs are fetched`,
    });
  });
});
