import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findCredentialRow } from '../../db/repositories/credentials.ts';
import { createSecretCipher } from '../../secrets/cipher.ts';
import { openCredentialRow } from '../../secrets/credential-seal.ts';
import { workflowIds } from '../../domain/workflow-ids.ts';
import { testSecretKey } from '../support/api.ts';
import { dialects } from '../support/databases.ts';
import { startControlPlane, uniqueId, type ControlPlane } from '../support/control-plane.ts';
import { startLocalServer, sendJson, type LocalServer } from '../support/http-server.ts';
import { createForeignSchedule } from '../support/fixtures.ts';

const jiraToken = 'atlassian-api-token-0123456789-ABCD';

describe.each(dialects)('credentials on %s', (dialect) => {
  let plane: ControlPlane;
  let jira: LocalServer;

  beforeAll(async () => {
    plane = await startControlPlane(dialect);
    // Jira's REST API as Atlassian documents it: basic auth of e-mail and API token, /rest/api/2/myself.
    jira = await startLocalServer((request, response) => {
      const expected = `Basic ${Buffer.from(`jane@example.com:${jiraToken}`).toString('base64')}`;
      if (request.path !== '/rest/api/2/myself') return sendJson(response, 404, { errorMessages: ['Not found'] });
      if (request.headers.authorization !== expected) return sendJson(response, 401, { errorMessages: ['Client must be authenticated'] });
      sendJson(response, 200, { accountId: '5b10a2844c20165700ede21g', emailAddress: 'jane@example.com' });
    });
  });
  afterAll(async () => {
    await plane?.close();
    await jira?.close();
  });

  const jiraCredential = (token = jiraToken) => ({
    name: 'Jira bot',
    type: 'jira',
    kind: 'api_token',
    secret: { token, email: 'jane@example.com' },
  });

  it('stores the secret encrypted and never returns it', async () => {
    const created = await plane.request('POST', '/v1/credentials', { body: jiraCredential() });
    expect(created.status).toBe(201);
    expect(created.body.data).toMatchObject({ name: 'Jira bot', type: 'jira', kind: 'api_token', fields: { token: '••••ABCD' } });
    expect(JSON.stringify(created.body)).not.toContain(jiraToken);

    const row = await findCredentialRow(plane.database.db, created.body.data.id);
    expect(row).toBeDefined();
    expect(JSON.stringify(row)).not.toContain(jiraToken);
    expect(openCredentialRow(createSecretCipher(testSecretKey), row!).secret).toEqual({ token: jiraToken, email: 'jane@example.com' });

    const second = await plane.request('POST', '/v1/credentials', { body: jiraCredential() });
    const secondRow = await findCredentialRow(plane.database.db, second.body.data.id);
    expect(secondRow?.iv).not.toBe(row?.iv);
    expect(secondRow?.ciphertext).not.toBe(row?.ciphertext);
    expect(secondRow?.key_id).toBe(createSecretCipher(testSecretKey).keyId);

    for (const path of [`/v1/credentials/${created.body.data.id}`, '/v1/credentials?type=jira']) {
      const read = await plane.request('GET', path);
      expect(read.status).toBe(200);
      expect(JSON.stringify(read.body)).not.toContain(jiraToken);
    }
  });

  it('opens secrets sealed under a previous key after a rotation', () => {
    const old = createSecretCipher('the-old-key');
    const sealed = old.seal('s3cret');
    const rotated = createSecretCipher('the-new-key', ['the-old-key']);
    expect(rotated.open(sealed)).toBe('s3cret');
    expect(rotated.seal('x').keyId).not.toBe(sealed.keyId);
    expect(() => createSecretCipher('the-new-key').open(sealed)).toThrow(/No secret key with id/);
  });

  it('renames a credential and replaces its secret, validated against its kind', async () => {
    const created = await plane.request('POST', '/v1/credentials', { body: jiraCredential() });
    const id = created.body.data.id;
    const renamed = await plane.request('PATCH', `/v1/credentials/${id}`, {
      body: { name: 'Jira robot', secret: { token: 'new-token-with-enough-WXYZ', email: 'jane@example.com' } },
    });
    expect(renamed.status).toBe(200);
    expect(renamed.body.data).toMatchObject({ name: 'Jira robot', fields: { token: '••••WXYZ' } });
    const wrong = await plane.request('PATCH', `/v1/credentials/${id}`, { body: { secret: { password: 'x' } } });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.details.issues[0].path[0]).toBe('secret');
    const row = await findCredentialRow(plane.database.db, id);
    expect(openCredentialRow(createSecretCipher(testSecretKey), row!).secret).toMatchObject({ token: 'new-token-with-enough-WXYZ' });
  });

  it('refuses bad credentials and writes nothing', async () => {
    const before = await plane.database.db.selectFrom('credentials').select('id').execute();
    const cases: Array<[unknown, string[]]> = [
      [{ ...jiraCredential(), kind: 'password' }, ['kind']],
      [{ ...jiraCredential(), kind: 'aws', secret: { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'secret-access-key' } }, ['kind']],
      [{ ...jiraCredential(), type: 'gopher' }, ['type']],
      [{ ...jiraCredential(), secret: {} }, ['secret', 'token']],
      [{ ...jiraCredential(), secret: { token: 'x', colour: 'blue' } }, ['secret']],
      [{ name: 'x', type: 'web_scraper', kind: 'api_token', secret: { token: 't' } }, ['kind']],
    ];
    for (const [body, path] of cases) {
      const response = await plane.request('POST', '/v1/credentials', { body });
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body.error.details.issues.map((issue: { path: string[] }) => issue.path)).toContainEqual(path);
    }
    expect(await plane.database.db.selectFrom('credentials').select('id').execute()).toHaveLength(before.length);
  });

  it('refuses to delete a credential a connector uses, and deletes it once unused', async () => {
    const credential = await plane.request('POST', '/v1/credentials', { body: jiraCredential() });
    const id = uniqueId('jira');
    const connector = await plane.request('PUT', `/v1/connectors/${id}`, {
      body: { name: 'Tickets', type: 'jira', config: { baseUrl: jira.url, projectKey: 'TECH' }, credentialId: credential.body.data.id },
    });
    expect(connector.status).toBe(201);
    expect(connector.body.data).toMatchObject({ state: 'connected', credentialId: credential.body.data.id });

    const refused = await plane.request('DELETE', `/v1/credentials/${credential.body.data.id}`);
    expect(refused.status).toBe(409);
    expect(refused.body.error.details.connectorIds).toEqual([id]);
    expect((await plane.request('GET', `/v1/credentials/${credential.body.data.id}`)).status).toBe(200);

    await plane.request('DELETE', `/v1/connectors/${id}`);
    await expect.poll(async () => (await plane.request('GET', `/v1/connectors/${id}`)).status, { timeout: 20_000 }).toBe(404);
    expect((await plane.request('DELETE', `/v1/credentials/${credential.body.data.id}`)).status).toBe(204);
    expect((await plane.request('GET', `/v1/credentials/${credential.body.data.id}`)).status).toBe(404);
  });

  it('creates, checks and binds inline credentials, inferring their kind (seed 001)', async () => {
    const id = uniqueId('inline');
    const response = await plane.request('PUT', `/v1/connectors/${id}`, {
      body: { name: 'Tickets', type: 'jira', config: { baseUrl: jira.url }, credentials: { token: jiraToken, email: 'jane@example.com' } },
    });
    expect(response.status).toBe(201);
    expect(response.body.data.state).toBe('connected');
    expect(JSON.stringify(response.body)).not.toContain(jiraToken);
    const credential = await plane.request('GET', `/v1/credentials/${response.body.data.credentialId}`);
    expect(credential.body.data).toMatchObject({ type: 'jira', kind: 'api_token' });

    const history = await plane.client.workflow.getHandle(workflowIds.createConnector(id)).fetchHistory();
    expect(JSON.stringify(history)).not.toContain(Buffer.from(jiraToken).toString('base64'));
    expect(JSON.stringify(history)).not.toContain(jiraToken);
  });

  it('marks a connector auth_required with the reason when its inline credential fails the check', async () => {
    const id = uniqueId('refused');
    const response = await plane.request('PUT', `/v1/connectors/${id}`, {
      body: { name: 'Tickets', type: 'jira', config: { baseUrl: jira.url }, credentials: { token: 'wrong-token', email: 'jane@example.com' } },
    });
    expect(response.status).toBe(201);
    expect(response.body.data.state).toBe('auth_required');
    expect(response.body.data.stateReason).toContain('Jira answered 401');
    const schedule = await plane.client.schedule.getHandle(workflowIds.connectorSchedule(id)).describe();
    expect(schedule.state.paused).toBe(true);
  });

  it('removes an inline credential again when creation compensates', async () => {
    const id = uniqueId('inline-undo');
    // A schedule under the connector's schedule id that was not made for it: creation must undo itself.
    const scheduleId = workflowIds.connectorSchedule(id);
    await createForeignSchedule(plane.client, scheduleId);
    try {
      const before = await plane.database.db.selectFrom('credentials').select('id').execute();
      const response = await plane.request('PUT', `/v1/connectors/${id}`, {
        body: { name: 'Tickets', type: 'jira', config: { baseUrl: jira.url }, credentials: { token: jiraToken, email: 'jane@example.com' } },
      });
      expect(response.status).toBe(409);
      expect(response.body.error.code).toBe('schedule_conflict');
      expect(await plane.database.db.selectFrom('credentials').select('id').execute()).toHaveLength(before.length);
      expect(await plane.database.db.selectFrom('connectors').select('id').where('id', '=', id).execute()).toEqual([]);
    } finally {
      await plane.client.schedule.getHandle(scheduleId).delete();
    }
  });

  it('refuses inline credentials that do not fit the type, and unknown credential ids', async () => {
    const cases: Array<[Record<string, unknown>, string[]]> = [
      [{ name: 'x', type: 'web_scraper', config: { url: 'https://example.com' }, credentials: { token: 't' } }, ['credentials']],
      [{ name: 'x', type: 's3', config: { bucket: 'my-documents' }, credentials: { accessKeyId: 'AKIA' } }, ['credentials', 'secretAccessKey']],
      [{ name: 'x', type: 'jira', config: { baseUrl: jira.url }, credentialId: 'cred_unknown' }, ['credentialId']],
      [{ name: 'x', type: 'jira', config: { baseUrl: jira.url }, credentialId: 'cred_unknown', credentials: { token: 't' } }, ['credentials']],
    ];
    for (const [body, path] of cases) {
      const id = uniqueId('badcred');
      const response = await plane.request('PUT', `/v1/connectors/${id}`, { body });
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body.error.details.issues.map((issue: { path: string[] }) => issue.path)).toContainEqual(path);
      expect(await plane.database.db.selectFrom('connectors').select('id').where('id', '=', id).execute()).toEqual([]);
    }
  });
});
