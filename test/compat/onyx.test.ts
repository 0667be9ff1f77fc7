import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workflowIds } from '../../domain/workflow-ids.ts';
import { call, createTestKey } from '../support/api.ts';
import { eventually, startControlPlane, type ControlPlane } from '../support/control-plane.ts';
import { startFakeSite, type FakeSite } from '../support/fake-site.ts';
import { seededJiraProvider, type JiraProvider } from '../support/providers/jira.ts';
import { rowChanges, snapshotRows } from '../support/row-snapshot.ts';

/**
 * Seed 000: Onyx's guide to automating connector creation, its Python script's HTTP calls in order,
 * against the API in process; `API_BASE_URL` is `/api` and the Jira site a local Jira.
 */
describe('Onyx admin API (seed 000)', () => {
  let plane: ControlPlane;
  let jira: JiraProvider;
  let site: FakeSite;
  let viewerKey: string;

  beforeAll(async () => {
    plane = await startControlPlane('sqlite');
    viewerKey = await createTestKey(plane.database.db, plane.workspaceId, 'viewer');
    jira = await seededJiraProvider();
    site = await startFakeSite({ failingPages: false });
  });
  afterAll(async () => {
    await plane?.close();
    await jira?.close();
    await site?.close();
  });

  /** As the script's `requests` calls go: `headers` (bearer key and JSON content type) on every request. */
  function onyx(method: string, path: string, options: { json?: unknown; rawBody?: string; key?: string | null } = {}) {
    const key = options.key === undefined ? plane.key : options.key;
    const headers: Record<string, string> = { 'content-type': 'application/json', ...(key === null ? {} : { authorization: `Bearer ${key}` }) };
    const body = options.rawBody ?? (options.json === undefined ? undefined : JSON.stringify(options.json));
    return call(plane.app, method, `/api${path}`, { headers, ...(body === undefined ? {} : { rawBody: body }) });
  }

  const connectorPayload = (projectKey: string) => ({
    name: `jira-${projectKey}`,
    source: 'jira',
    input_type: 'poll',
    access_type: 'PUBLIC',
    connector_specific_config: {
      jira_base_url: jira.url,
      project_key: projectKey,
      comment_email_blacklist: ['legal@company.com'],
    },
    refresh_freq: 3600,
    prune_freq: 86400,
  });

  async function createJiraCredential(token: string, name = 'Jira bot') {
    const response = await onyx('POST', '/manage/credential', {
      json: { credential_json: { jira_user_email: jira.tokens.email, jira_api_token: token }, admin_public: true, source: 'jira', name },
    });
    expect(response.status).toBe(200);
    return response.body as { id: string; credential: Record<string, unknown> };
  }

  async function indexingStatusOf(connectorId: string) {
    const response = await onyx('GET', '/manage/admin/connector/indexing-status');
    expect(response.status).toBe(200);
    return (response.body as Array<Record<string, any>>).find((status) => status.cc_pair_id === connectorId);
  }

  const connectorIds: string[] = [];
  let jiraCredentialId: string;

  it('creates a Jira credential the Onyx way, never showing its secret', async () => {
    const created = await createJiraCredential(jira.tokens.apiToken);
    expect(created.credential).toMatchObject({ id: created.id, source: 'jira', name: 'Jira bot', admin_public: true });
    const shown = created.credential.credential_json as Record<string, string>;
    expect(Object.keys(shown).sort()).toEqual(['jira_api_token', 'jira_user_email']);
    expect(JSON.stringify(created)).not.toContain(jira.tokens.apiToken);
    const inV1 = await plane.request('GET', `/v1/credentials/${created.id}`);
    expect(inV1.body.data).toMatchObject({ type: 'jira', kind: 'api_token' });
    expect(Object.keys(inV1.body.data.fields).sort()).toEqual(['email', 'token']);
  });

  it('runs the script: one connector per project, the Jira credential found and associated', async () => {
    // Step 1: create connectors for each project.
    for (const projectKey of ['TECH', 'SALES', 'OPS']) {
      const response = await onyx('POST', '/manage/admin/connector', { json: connectorPayload(projectKey) });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({
        name: `jira-${projectKey}`,
        source: 'jira',
        input_type: 'poll',
        connector_specific_config: { jira_base_url: jira.url, project_key: projectKey, comment_email_blacklist: ['legal@company.com'] },
        refresh_freq: 3600,
        prune_freq: 86400,
        credential_ids: [],
        credential: null,
      });
      expect(typeof response.body.id).toBe('string');
      connectorIds.push(response.body.id);
    }

    // Step 2: get credentials, a bare array; find the Jira one.
    const credentials = await onyx('GET', '/manage/admin/credential');
    expect(credentials.status).toBe(200);
    expect(Array.isArray(credentials.body)).toBe(true);
    const jiraCredential = (credentials.body as Array<{ id: string; source: string }>).find((credential) => credential.source === 'jira');
    expect(jiraCredential).toBeDefined();
    jiraCredentialId = jiraCredential!.id;

    // Step 3: associate the credential with each connector.
    for (const connectorId of connectorIds) {
      const response = await onyx('PUT', `/manage/admin/connector/${connectorId}/credential/${jiraCredentialId}`);
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ success: true, data: connectorId });
    }

    // /v1 and Temporal see the same connectors, connected, on the same schedules.
    for (const [index, connectorId] of connectorIds.entries()) {
      const connector = (await plane.request('GET', `/v1/connectors/${connectorId}`)).body.data;
      expect(connector).toMatchObject({
        type: 'jira',
        state: 'connected',
        credentialId: jiraCredentialId,
        config: { baseUrl: jira.url, projectKey: ['TECH', 'SALES', 'OPS'][index], commentEmailBlacklist: ['legal@company.com'] },
        schedule: { type: 'interval', everySeconds: 3600 },
        pruneSchedule: { type: 'interval', everySeconds: 86400 },
        metadata: { onyx_access_type: 'public', onyx_input_type: 'poll' },
      });
      const schedule = await plane.client.schedule.getHandle(workflowIds.connectorSchedule(connectorId)).describe();
      expect(schedule.state.paused).toBe(false);
      expect(schedule.spec.intervals?.[0]?.every).toBe(3_600_000);
      const prune = await plane.client.schedule.getHandle(workflowIds.connectorPruneSchedule(connectorId)).describe();
      expect(prune.spec.intervals?.[0]?.every).toBe(86_400_000);
    }
    const listed = await onyx('GET', `/manage/admin/connector?credential=${jiraCredentialId}`);
    expect((listed.body as Array<{ id: string; credential_ids: string[] }>).map((connector) => connector.id).sort()).toEqual([...connectorIds].sort());
  });

  it('runs a connector once and reports the sync job as its index attempt', async () => {
    const techId = connectorIds[0]!;
    const run = await onyx('POST', '/manage/admin/connector/run-once', {
      json: { connector_id: techId, credential_ids: [jiraCredentialId], from_beginning: true },
    });
    expect(run.status).toBe(200);
    expect(run.body).toMatchObject({ success: true, data: 1 });
    const jobId = /sync job (\S+)/.exec(run.body.message)?.[1];

    const status = await eventually(async () => {
      const found = await indexingStatusOf(techId);
      if (found?.last_status !== 'success') throw new Error(`still ${found?.last_status}`);
      return found;
    }, 30_000);
    expect(status).toMatchObject({
      name: 'jira-TECH',
      access_type: 'public',
      cc_pair_status: 'ACTIVE',
      in_progress: false,
      last_finished_status: 'success',
      docs_indexed: 8,
      credential: { id: jiraCredentialId, source: 'jira' },
      connector: { id: techId, source: 'jira', refresh_freq: 3600 },
      latest_index_attempt: { id: jobId, status: 'success', from_beginning: true, total_docs_indexed: 8, docs_removed_from_index: 0, error_msg: null },
    });
    const job = await plane.request('GET', `/v1/connectors/${techId}/sync/${jobId}`);
    expect(job.body.data).toMatchObject({ status: 'succeeded', mode: 'full', progress: { indexed: 8 } });
  });

  it('takes a web connector with the empty credential 0 and refuses 0 for a source that needs one', async () => {
    const created = await onyx('POST', '/manage/admin/connector', {
      json: {
        name: 'docs site',
        source: 'web',
        input_type: 'load_state',
        access_type: 'public',
        connector_specific_config: { base_url: `${site.url}/a`, web_connector_type: 'single' },
        refresh_freq: null,
        prune_freq: null,
      },
    });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ source: 'web', input_type: 'load_state', refresh_freq: null, credential_ids: [0] });
    const webId = created.body.id as string;
    expect((await plane.request('GET', `/v1/connectors/${webId}`)).body.data).toMatchObject({
      type: 'web_scraper',
      state: 'connected',
      config: { url: `${site.url}/a`, extractionType: 'single' },
      schedule: { type: 'manual' },
    });

    const associated = await onyx('PUT', `/manage/admin/connector/${webId}/credential/0`);
    expect(associated.status).toBe(200);
    expect(associated.body).toMatchObject({ success: true, data: webId });
    const refused = await onyx('PUT', `/manage/admin/connector/${connectorIds[1]}/credential/0`);
    expect(refused.status).toBe(400);
    expect(refused.body.detail).toContain('needs a credential');

    expect((await onyx('POST', '/manage/admin/connector/run-once', { json: { connector_id: webId } })).status).toBe(200);
    const status = await eventually(async () => {
      const found = await indexingStatusOf(webId);
      if (found?.last_status !== 'success') throw new Error(`still ${found?.last_status}`);
      return found;
    }, 30_000);
    expect(status).toMatchObject({ credential: { id: 0, source: 'not_applicable' }, docs_indexed: 1, connector: { credential_ids: [0] } });
  });

  it('refuses a credential that fails its check with 400 and leaves the connector waiting', async () => {
    const created = await onyx('POST', '/manage/admin/connector', { json: connectorPayload('TECH') });
    const waiting = (await plane.request('GET', `/v1/connectors/${created.body.id}`)).body.data;
    expect(waiting.state).toBe('auth_required');
    const revoked = await createJiraCredential('not-the-token', 'stale');
    const response = await onyx('PUT', `/manage/admin/connector/${created.body.id}/credential/${revoked.id}`);
    expect(response.status).toBe(400);
    expect(response.body.detail).toContain('failed its check');
    expect((await plane.request('GET', `/v1/connectors/${created.body.id}`)).body.data).toEqual(waiting);
    expect(await indexingStatusOf(created.body.id)).toBeUndefined();
    const run = await onyx('POST', '/manage/admin/connector/run-once', { json: { connector_id: created.body.id } });
    expect(run).toEqual({ status: 400, body: { detail: 'Connector has no valid credentials, cannot create index attempts.' } });
  });

  describe('answers bad requests in FastAPI’s shape and writes nothing', () => {
    const withConfig = (config: Record<string, unknown>) => ({ ...connectorPayload('TECH'), connector_specific_config: config });
    const cases: Array<{ name: string; send: () => ReturnType<typeof onyx>; status: number; loc?: Array<string | number>; detail?: string }> = [
      {
        name: 'an unknown source',
        send: () => onyx('POST', '/manage/admin/connector', { json: { ...connectorPayload('TECH'), source: 'zendesk' } }),
        status: 422,
        loc: ['body', 'source'],
      },
      {
        name: 'a missing name',
        send: () => onyx('POST', '/manage/admin/connector', { json: { ...connectorPayload('TECH'), name: undefined } }),
        status: 422,
        loc: ['body', 'name'],
      },
      {
        name: 'a refresh_freq under a minute',
        send: () => onyx('POST', '/manage/admin/connector', { json: { ...connectorPayload('TECH'), refresh_freq: 10 } }),
        status: 422,
        loc: ['body', 'refresh_freq'],
      },
      {
        name: 'a Jira config without jira_base_url',
        send: () => onyx('POST', '/manage/admin/connector', { json: withConfig({ project_key: 'TECH' }) }),
        status: 422,
        loc: ['body', 'connector_specific_config', 'jira_base_url'],
      },
      {
        name: 'a malformed project key',
        send: () => onyx('POST', '/manage/admin/connector', { json: withConfig({ jira_base_url: jira.url, project_key: 'tech lowercase' }) }),
        status: 422,
        loc: ['body', 'connector_specific_config', 'project_key'],
      },
      {
        name: 'a config key Tributary cannot honour',
        send: () => onyx('POST', '/manage/admin/connector', { json: withConfig({ jira_base_url: jira.url, labels_to_skip: ['wontfix'] }) }),
        status: 422,
        loc: ['body', 'connector_specific_config', 'labels_to_skip'],
      },
      {
        name: 'a name the database cannot store',
        send: () => onyx('POST', '/manage/admin/connector', { json: { ...connectorPayload('TECH'), name: 'nul\u0000name' } }),
        status: 422,
        loc: ['body', 'name'],
      },
      { name: 'a body that is not JSON', send: () => onyx('POST', '/manage/admin/connector', { rawBody: '{"name": ' }), status: 422, loc: ['body', 0] },
      {
        name: 'a credential_json key of no Jira credential',
        send: () => onyx('POST', '/manage/credential', { json: { credential_json: { jira_password: 'x' }, admin_public: true, source: 'jira' } }),
        status: 422,
        loc: ['body', 'credential_json', 'jira_password'],
      },
      {
        name: 'no API key',
        send: () => onyx('POST', '/manage/admin/connector', { json: connectorPayload('TECH'), key: null }),
        status: 401,
        detail: 'Missing API key: send "Authorization: Bearer <api key>"',
      },
      { name: 'an unknown API key', send: () => onyx('GET', '/manage/admin/connector', { key: 'not-a-key' }), status: 401, detail: 'Invalid API key' },
      {
        name: 'a viewer key creating a connector',
        send: () => onyx('POST', '/manage/admin/connector', { json: connectorPayload('TECH'), key: viewerKey }),
        status: 403,
        detail: 'This API key has the viewer role and cannot make changes',
      },
      { name: 'an unknown connector', send: () => onyx('PUT', `/manage/admin/connector/conn_missing/credential/${jiraCredentialId}`), status: 404 },
      { name: 'an unknown credential', send: () => onyx('PUT', `/manage/admin/connector/${connectorIds[0]}/credential/cred_missing`), status: 404 },
      { name: 'an unknown route', send: () => onyx('GET', '/manage/admin/nothing-here'), status: 404, detail: 'Not Found' },
    ];

    it.each(cases)('$name', async ({ send, status, loc, detail }) => {
      const before = await snapshotRows(plane.database.db);
      const response = await send();
      expect(response.status).toBe(status);
      if (loc) {
        expect(response.body.detail).toEqual([expect.objectContaining({ loc, msg: expect.any(String), type: expect.any(String) })]);
      } else {
        expect(typeof response.body.detail).toBe('string');
        if (detail) expect(response.body.detail).toBe(detail);
      }
      expect(rowChanges(before, await snapshotRows(plane.database.db))).toEqual([]);
    });
  });

  it('deletes a connector: gone from /v1 and from Temporal', async () => {
    const opsId = connectorIds[2]!;
    const response = await onyx('DELETE', `/manage/admin/connector/${opsId}`);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ success: true, data: opsId });
    await eventually(async () => expect((await plane.request('GET', `/v1/connectors/${opsId}`)).status).toBe(404));
    await expect(plane.client.schedule.getHandle(workflowIds.connectorSchedule(opsId)).describe()).rejects.toThrow();
    expect((await onyx('GET', `/manage/connector/${opsId}`)).status).toBe(404);
  });

  it('documents its routes under their own tag', async () => {
    const { body: document } = await call(plane.app, 'GET', '/openapi.json');
    expect(document.paths['/api/manage/admin/connector'].post.tags).toEqual(['Onyx admin API']);
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        '/api/manage/admin/credential',
        '/api/manage/credential',
        '/api/manage/admin/connector/{connector_id}/credential/{credential_id}',
        '/api/manage/admin/connector/indexing-status',
      ]),
    );
  });
});

describe('Onyx admin API on postgres', () => {
  let plane: ControlPlane;
  let jira: JiraProvider;

  beforeAll(async () => {
    plane = await startControlPlane('postgres');
    jira = await seededJiraProvider();
  });
  afterAll(async () => {
    await plane?.close();
    await jira?.close();
  });

  it('creates, associates and lists a Jira connector as on SQLite', async () => {
    const headers = { authorization: `Bearer ${plane.key}`, 'content-type': 'application/json' };
    const credential = await call(plane.app, 'POST', '/api/manage/credential', {
      headers,
      body: { credential_json: { jira_user_email: jira.tokens.email, jira_api_token: jira.tokens.apiToken }, admin_public: true, source: 'jira' },
    });
    const connector = await call(plane.app, 'POST', '/api/manage/admin/connector', {
      headers,
      body: {
        name: 'jira-TECH',
        source: 'jira',
        input_type: 'poll',
        access_type: 'PUBLIC',
        connector_specific_config: { jira_base_url: jira.url, project_key: 'TECH', comment_email_blacklist: null },
        refresh_freq: 3600,
        prune_freq: 86400,
      },
    });
    expect(connector.status).toBe(200);
    const associated = await call(plane.app, 'PUT', `/api/manage/admin/connector/${connector.body.id}/credential/${credential.body.id}`, { headers });
    expect(associated.status).toBe(200);
    expect((await plane.request('GET', `/v1/connectors/${connector.body.id}`)).body.data).toMatchObject({
      state: 'connected',
      credentialId: credential.body.id,
    });
    const listed = await call(plane.app, 'GET', '/api/manage/admin/connector', { headers });
    expect(listed.body).toEqual([expect.objectContaining({ id: connector.body.id, credential_ids: [credential.body.id] })]);
  });
});
