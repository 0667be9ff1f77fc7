import { generateKeyPairSync, createVerify } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { CheckResult, OpenedCredential } from '../../connectors/connector-definition.ts';
import { AddressPolicy } from '../../net/address-policy.ts';
import { createGuardedFetch } from '../../net/guarded-fetch.ts';
import { findConnectorDefinition } from '../../connectors/registry.ts';
import { startLocalS3 } from '../support/s3-server.ts';
import { sendJson, startLocalServer, type LocalServer, type RecordedRequest } from '../support/http-server.ts';

const loopback = new AddressPolicy(['127.0.0.0/8']);
const good = 'token-that-works-1234';

/** Runs a type's real check, with its config parsed by the type's own schema. */
async function check(type: string, config: Record<string, unknown>, credential?: OpenedCredential, policy = loopback): Promise<CheckResult> {
  const definition = findConnectorDefinition(type);
  if (!definition) throw new Error(type);
  return definition.check({ config: definition.configSchema.parse(config), credential, fetch: createGuardedFetch(policy), policy });
}

const bearer = (token: string): OpenedCredential => ({ kind: 'api_token', secret: { token } });
const oauth = (accessToken: string): OpenedCredential => ({ kind: 'oauth2', secret: { clientId: 'c', clientSecret: 's', accessToken } });

describe('credential checks speak each source’s API', () => {
  let api: LocalServer;
  const serviceAccount = generateKeyPairSync('rsa', { modulusLength: 2048 });

  beforeAll(async () => {
    api = await startLocalServer((request: RecordedRequest, response) => {
      const auth = request.headers.authorization ?? '';
      const authorized = auth === `Bearer ${good}` || auth === `Basic ${Buffer.from(`jane@example.com:${good}`).toString('base64')}`;
      const route = `${request.method} ${request.path.split('?')[0]}`;
      if (route === 'POST /slack/api/auth.test') {
        return sendJson(response, 200, authorized ? { ok: true, team: 'Acme' } : { ok: false, error: 'invalid_auth' });
      }
      if (route === 'POST /google/token') {
        const assertion = new URLSearchParams(request.body).get('assertion') ?? '';
        const [header, payload, signature] = assertion.split('.');
        const valid = createVerify('RSA-SHA256')
          .update(`${header}.${payload}`)
          .verify(serviceAccount.publicKey, Buffer.from(signature ?? '', 'base64url'));
        const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString());
        return valid && claims.sub === 'jane@example.com'
          ? sendJson(response, 200, { access_token: 'delegated', expires_in: 3600, token_type: 'Bearer' })
          : sendJson(response, 400, { error: 'invalid_grant', error_description: 'Invalid JWT Signature.' });
      }
      const known = [
        'GET /jira/rest/api/2/myself',
        'GET /wiki/rest/api/space',
        'GET /github/repos/acme/handbook',
        'GET /notion/v1/users/me',
        'GET /salesforce/services/data/v61.0/sobjects/Account/describe',
        'GET /graph/v1.0/me/drive',
        'GET /google/drive/v3/files/1AbCdEfGhIjKlMnOp',
        'GET /site/',
      ];
      if (!known.includes(route)) return sendJson(response, 404, { message: `no route ${route}` });
      if (route === 'GET /site/') return sendJson(response, 200, { ok: true });
      return authorized ? sendJson(response, 200, { ok: true }) : sendJson(response, 401, { message: 'Bad credentials' });
    });
  });
  afterAll(async () => api?.close());

  const cases: Array<{ type: string; config: () => Record<string, unknown>; credential: (token: string) => OpenedCredential; path: string }> = [
    {
      type: 'jira',
      config: () => ({ baseUrl: `${api.url}/jira` }),
      credential: (token) => ({ kind: 'api_token', secret: { token, email: 'jane@example.com' } }),
      path: '/jira/rest/api/2/myself',
    },
    {
      type: 'confluence',
      config: () => ({ instanceUrl: `${api.url}/wiki`, spaceKeys: ['ENG'] }),
      credential: (token) => ({ kind: 'basic', secret: { username: 'jane@example.com', password: token } }),
      path: '/wiki/rest/api/space?limit=1',
    },
    { type: 'github', config: () => ({ repos: ['acme/handbook'], apiUrl: `${api.url}/github` }), credential: bearer, path: '/github/repos/acme/handbook' },
    { type: 'slack', config: () => ({ apiUrl: `${api.url}/slack/api` }), credential: oauth, path: '/slack/api/auth.test' },
    { type: 'notion', config: () => ({ apiUrl: `${api.url}/notion` }), credential: bearer, path: '/notion/v1/users/me' },
    {
      type: 'salesforce',
      config: () => ({ instanceUrl: `${api.url}/salesforce`, objects: ['Account'] }),
      credential: oauth,
      path: '/salesforce/services/data/v61.0/sobjects/Account/describe',
    },
    {
      type: 'sharepoint',
      config: () => ({ urls: ['https://contoso.sharepoint.com/sites/eng'], graphUrl: `${api.url}/graph` }),
      credential: oauth,
      path: '/graph/v1.0/me/drive?$select=id',
    },
    {
      type: 'onedrive',
      config: () => ({ urls: ['https://contoso-my.sharepoint.com/personal/jane'], graphUrl: `${api.url}/graph` }),
      credential: oauth,
      path: '/graph/v1.0/me/drive?$select=id',
    },
    {
      type: 'google_drive',
      config: () => ({ rootFileId: 'https://drive.google.com/drive/folders/1AbCdEfGhIjKlMnOp', apiUrl: `${api.url}/google` }),
      credential: oauth,
      path: '/google/drive/v3/files/1AbCdEfGhIjKlMnOp?fields=id,name&supportsAllDrives=true',
    },
  ];

  it.each(cases)('$type: accepts a working credential and reports why a bad one fails', async ({ type, config, credential, path }) => {
    const before = api.requests.length;
    expect(await check(type, config(), credential(good))).toEqual({ ok: true });
    expect(api.requests[before]?.path).toBe(path);
    const refused = await check(type, config(), credential('revoked-token'));
    expect(refused.ok).toBe(false);
    expect(!refused.ok && refused.reason).toMatch(/401|invalid_auth/);
    const missing = await check(type, config(), undefined);
    expect(missing).toEqual({ ok: false, reason: expect.stringContaining('needs a credential') });
  });

  it('impersonated_google_drive: signs a delegation assertion for the target account', async () => {
    const config = { rootFileId: '1AbCdEfGhIjKlMnOp', targetAccount: 'jane@example.com', tokenUrl: `${api.url}/google/token` };
    const privateKey = serviceAccount.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const credential: OpenedCredential = { kind: 'service_account', secret: { clientEmail: 'sync@acme.iam.gserviceaccount.com', privateKey } };
    expect(await check('impersonated_google_drive', config, credential)).toEqual({ ok: true });
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const refused = await check('impersonated_google_drive', config, { kind: 'service_account', secret: { clientEmail: 'x@y.z', privateKey: other } });
    expect(!refused.ok && refused.reason).toContain('invalid_grant');
    const broken = await check('impersonated_google_drive', config, { kind: 'service_account', secret: { clientEmail: 'x@y.z', privateKey: 'not a key' } });
    expect(!broken.ok && broken.reason).toContain('not a valid PEM');
  });

  it('web_scraper: fetches the page', async () => {
    expect(await check('web_scraper', { url: `${api.url}/site/` })).toEqual({ ok: true });
    const missing = await check('web_scraper', { url: `${api.url}/nowhere` });
    expect(!missing.ok && missing.reason).toContain('404');
  });

  it('postgresql: connects and reads the configured table', async () => {
    const url = new URL(inject('postgresAdminUrl'));
    const config = { host: url.hostname, port: Number(url.port || 5432), database: 'postgres', schema: 'pg_catalog', table: 'pg_class', idColumn: 'oid' };
    const credential: OpenedCredential = { kind: 'database_password', secret: { username: 'postgres', password: 'unused' } };
    expect(await check('postgresql', config, credential)).toEqual({ ok: true });
    const missingTable = await check('postgresql', { ...config, table: 'no_such_table' }, credential);
    expect(!missingTable.ok && missingTable.reason).toContain('does not exist');
    const refused = await check('postgresql', config, credential, new AddressPolicy([]));
    expect(!refused.ok && refused.reason).toContain('private or local address');
  });

  it('s3: lists the bucket with the AWS SDK at a custom endpoint', async () => {
    const s3 = await startLocalS3(['my-documents']);
    try {
      const config = { bucket: 'my-documents', region: 'us-east-1', prefix: '/documents/', endpoint: s3.endpoint };
      const credential: OpenedCredential = { kind: 'aws', secret: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey } };
      expect(await check('s3', config, credential)).toEqual({ ok: true });
      const wrongSecret = await check('s3', config, { kind: 'aws', secret: { accessKeyId: 'AKIAUNKNOWN', secretAccessKey: 'wrong' } });
      expect(wrongSecret).toMatchObject({ ok: false, reason: expect.stringContaining('InvalidAccessKeyId') });
      const missingBucket = await check('s3', { ...config, bucket: 'no-such-bucket' }, credential);
      expect(!missingBucket.ok && missingBucket.reason).toContain('NoSuchBucket');
      const closed = await check('s3', config, credential, new AddressPolicy([]));
      expect(!closed.ok && closed.reason).toContain('private or local address');
    } finally {
      await s3.close();
    }
  });

  it('refuses private and loopback addresses unless they are allowed', async () => {
    const closed = new AddressPolicy([]);
    const result = await check('jira', { baseUrl: `${api.url}/jira` }, bearer(good), closed);
    expect(!result.ok && result.reason).toContain('private or local address');
    const byName = await check('jira', { baseUrl: `${api.url.replace('127.0.0.1', 'localhost')}/jira` }, bearer(good), closed);
    expect(!byName.ok && byName.reason).toMatch(/resolves to .*private or local address/);
    expect(new AddressPolicy([]).allowsAddress('8.8.8.8')).toBe(true);
    for (const address of ['10.1.2.3', '192.168.1.1', '169.254.169.254', '::1', '::ffff:127.0.0.1', 'fd00::1']) {
      expect(closed.allowsAddress(address), address).toBe(false);
    }
    expect(new AddressPolicy(['10.0.0.0/8']).allowsAddress('10.1.2.3')).toBe(true);
    expect(new AddressPolicy(['wiki.internal']).allowsAddress('10.1.2.3', 'wiki.internal')).toBe(true);
  });

  it('re-checks every redirect hop', async () => {
    const redirector = await startLocalServer((_request, response) => {
      response.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' });
      response.end();
    });
    try {
      const result = await check('web_scraper', { url: `${redirector.url}/` }, undefined, new AddressPolicy(['127.0.0.1']));
      // The policy's own refusal, not a connection error that merely names the address.
      expect(!result.ok && result.reason).toContain('169.254.169.254 is a private or local address; add it to TRIBUTARY_ALLOWED_HOSTS');
      expect(redirector.requests).toHaveLength(1);
    } finally {
      await redirector.close();
    }
  });
});
