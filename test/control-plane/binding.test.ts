import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workflowIds } from '../../domain/workflow-ids.ts';
import { dialects } from '../support/databases.ts';
import { startControlPlane, uniqueId, type ControlPlane } from '../support/control-plane.ts';
import { sendJson, startLocalServer, type LocalServer } from '../support/http-server.ts';

const token = 'github-token-that-works-9876';

describe.each(dialects)('binding credentials on %s', (dialect) => {
  let plane: ControlPlane;
  let closedNetwork: ControlPlane;
  let github: LocalServer;

  beforeAll(async () => {
    plane = await startControlPlane(dialect);
    closedNetwork = await startControlPlane(dialect, { allowedHosts: [] });
    // GitHub's REST API: GET /repos/{owner}/{repo} with a bearer token.
    github = await startLocalServer((request, response) => {
      if (request.headers.authorization !== `Bearer ${token}`) return sendJson(response, 401, { message: 'Bad credentials' });
      if (request.path !== '/repos/acme/handbook') return sendJson(response, 404, { message: 'Not Found' });
      sendJson(response, 200, { full_name: 'acme/handbook', default_branch: 'main' });
    });
  });
  afterAll(async () => {
    await plane?.close();
    await closedNetwork?.close();
    await github?.close();
  });

  async function createWaitingConnector(on: ControlPlane) {
    const id = uniqueId('gh');
    const response = await on.request('PUT', `/v1/connectors/${id}`, {
      body: { name: 'Handbook', type: 'github', config: { repos: ['acme/handbook'], apiUrl: github.url }, schedule: { type: 'interval', everySeconds: 3600 } },
    });
    expect(response.status).toBe(201);
    return id;
  }

  async function credential(on: ControlPlane, secret: string) {
    const response = await on.request('POST', '/v1/credentials', { body: { name: 'bot', type: 'github', kind: 'api_token', secret: { token: secret } } });
    return response.body.data.id as string;
  }

  it('waits in auth_required with a paused schedule until a credential is bound', async () => {
    const id = await createWaitingConnector(plane);
    const connector = await plane.request('GET', `/v1/connectors/${id}`);
    expect(connector.body.data).toMatchObject({ state: 'auth_required', stateReason: 'A credential is required', credentialId: null });
    // GitHub also takes OAuth tokens, so the connector offers the consent flow beside binding a token.
    expect(connector.body.data.authRequest).toMatchObject({
      authorizationEndpoint: expect.stringContaining(`/v1/connectors/oauth/github/authorize?connectorId=${id}`),
    });
    const schedule = await plane.client.schedule.getHandle(workflowIds.connectorSchedule(id)).describe();
    expect(schedule.state.paused).toBe(true);

    const bound = await plane.request('PUT', `/v1/connectors/${id}/credential/${await credential(plane, token)}`);
    expect(bound.status).toBe(200);
    expect(bound.body.data).toMatchObject({ state: 'connected', stateReason: null });
    expect((await plane.client.schedule.getHandle(workflowIds.connectorSchedule(id)).describe()).state.paused).toBe(false);
  });

  it('answers 422 with the source’s reason and leaves the connector as it was', async () => {
    const id = await createWaitingConnector(plane);
    const before = (await plane.request('GET', `/v1/connectors/${id}`)).body.data;
    const response = await plane.request('PUT', `/v1/connectors/${id}/credential/${await credential(plane, 'revoked')}`);
    expect(response.status).toBe(422);
    expect(response.body.error.code).toBe('credential_check_failed');
    expect(response.body.error.message).toContain('GitHub answered 401');
    expect((await plane.request('GET', `/v1/connectors/${id}`)).body.data).toEqual(before);
    expect((await plane.client.schedule.getHandle(workflowIds.connectorSchedule(id)).describe()).state.paused).toBe(true);
  });

  it('refuses a credential of another type, and unknown ids', async () => {
    const id = await createWaitingConnector(plane);
    const jira = await plane.request('POST', '/v1/credentials', { body: { name: 'j', type: 'jira', kind: 'api_token', secret: { token: 't' } } });
    const wrongType = await plane.request('PUT', `/v1/connectors/${id}/credential/${jira.body.data.id}`);
    expect(wrongType.status).toBe(422);
    expect(wrongType.body.error.message).toContain('not one github accepts');
    expect((await plane.request('PUT', `/v1/connectors/${id}/credential/cred_missing`)).status).toBe(404);
    expect((await plane.request('PUT', `/v1/connectors/missing/credential/${jira.body.data.id}`)).status).toBe(404);
  });

  it('keeps a paused connector paused when a credential is bound', async () => {
    const id = await createWaitingConnector(plane);
    await plane.request('POST', `/v1/connectors/${id}/pause`);
    const bound = await plane.request('PUT', `/v1/connectors/${id}/credential/${await credential(plane, token)}`);
    expect(bound.body.data.state).toBe('paused');
    expect((await plane.client.schedule.getHandle(workflowIds.connectorSchedule(id)).describe()).state.paused).toBe(true);
    const resumed = await plane.request('POST', `/v1/connectors/${id}/resume`);
    expect(resumed.body.data.state).toBe('connected');
  });

  it('does not reach private addresses unless TRIBUTARY_ALLOWED_HOSTS admits them', async () => {
    const withToken = () => github.requests.filter((request) => request.headers.authorization === `Bearer ${token}`).length;
    const id = await createWaitingConnector(closedNetwork);
    const credentialId = await credential(closedNetwork, token);
    const before = withToken();
    const response = await closedNetwork.request('PUT', `/v1/connectors/${id}/credential/${credentialId}`);
    expect(response.status).toBe(422);
    expect(response.body.error.message).toContain('private or local address');
    // The check was refused before it connected: the local GitHub never saw the token.
    expect(withToken()).toBe(before);

    // The same binding on a network that admits loopback does reach it, so the count above can move.
    const open = await createWaitingConnector(plane);
    const bound = await plane.request('PUT', `/v1/connectors/${open}/credential/${await credential(plane, token)}`);
    expect(bound.status).toBe(200);
    expect(withToken()).toBeGreaterThan(before);
  });

  describe('PUT /v1/connectors/{id} on a connector that exists', () => {
    const definition = (extra: Record<string, unknown> = {}) => ({
      name: 'Handbook',
      type: 'github',
      config: { repos: ['acme/handbook'], apiUrl: github.url },
      schedule: { type: 'interval', everySeconds: 3600 },
      ...extra,
    });

    it('checks and binds a new credentialId, and a replay naming it changes nothing', async () => {
      const id = await createWaitingConnector(plane);
      const credentialId = await credential(plane, token);
      const bound = await plane.request('PUT', `/v1/connectors/${id}`, { body: definition({ credentialId }) });
      expect(bound.status).toBe(200);
      expect(bound.body.data).toMatchObject({ state: 'connected', credentialId });
      expect((await plane.client.schedule.getHandle(workflowIds.connectorSchedule(id)).describe()).state.paused).toBe(false);
      const replay = await plane.request('PUT', `/v1/connectors/${id}`, { body: definition({ credentialId }) });
      expect(replay.status).toBe(200);
      expect(replay.body.data).toEqual(bound.body.data);
    });

    it('answers 422 for a credential the source refuses, and binds nothing', async () => {
      const id = await createWaitingConnector(plane);
      const refused = await plane.request('PUT', `/v1/connectors/${id}`, { body: definition({ credentialId: await credential(plane, 'wrong-token') }) });
      expect(refused.status).toBe(422);
      expect(refused.body.error).toMatchObject({ code: 'credential_check_failed', message: expect.stringContaining('Bad credentials') });
      expect((await plane.request('GET', `/v1/connectors/${id}`)).body.data).toMatchObject({ state: 'auth_required', credentialId: null });
    });

    it('refuses inline credentials with 409 and stores nothing', async () => {
      const id = await createWaitingConnector(plane);
      const before = (await plane.request('GET', '/v1/credentials')).body.data.length;
      const refused = await plane.request('PUT', `/v1/connectors/${id}`, { body: definition({ credentials: { kind: 'api_token', token } }) });
      expect(refused.status).toBe(409);
      expect(refused.body.error.message).toContain('inline credentials are taken only when it is created');
      expect((await plane.request('GET', '/v1/credentials')).body.data).toHaveLength(before);
      expect((await plane.request('GET', `/v1/connectors/${id}`)).body.data).toMatchObject({ state: 'auth_required', credentialId: null });
    });
  });
});
