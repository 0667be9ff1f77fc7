import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workflowIds } from '../../domain/workflow-ids.ts';
import { call, createTestKey } from '../support/api.ts';
import { eventually, startControlPlane, uniqueId, type ControlPlane } from '../support/control-plane.ts';
import { jiraScenario, seededJiraProvider, type JiraProvider } from '../support/providers/jira.ts';
import { rowChanges, snapshotRows } from '../support/row-snapshot.ts';

describe("Elastic's connector API at /_connector", () => {
  let plane: ControlPlane;
  let jira: JiraProvider;
  let viewerKey: string;

  beforeAll(async () => {
    [plane, jira] = await Promise.all([startControlPlane('sqlite'), seededJiraProvider()]);
    viewerKey = await createTestKey(plane.database.db, plane.workspaceId, 'viewer');
  });
  afterAll(async () => {
    await Promise.all([plane?.close(), jira?.close()]);
  });

  const elastic = (method: string, path: string, body?: unknown, key = plane.key) =>
    call(plane.app, method, path, { headers: { authorization: `ApiKey ${key}` }, ...(body === undefined ? {} : { body }) });
  const schedulePaused = async (id: string) => (await plane.client.schedule.getHandle(workflowIds.connectorSchedule(id)).describe()).state.paused;

  it('creates the connector of the first example, which then waits for its configuration', async () => {
    const created = await elastic('PUT', '/_connector/my-connector', { index_name: 'search-google-drive', name: 'My Connector', service_type: 'google_drive' });
    expect(created).toEqual({ status: 201, body: { result: 'created', id: 'my-connector' } });

    const shown = await elastic('GET', '/_connector/my-connector');
    expect(shown.status).toBe(200);
    expect(shown.body).toMatchObject({
      id: 'my-connector',
      index_name: 'search-google-drive',
      name: 'My Connector',
      service_type: 'google_drive',
      status: 'needs_configuration',
      scheduling: { full: { enabled: false } },
      last_sync_status: null,
    });
    const v1 = await plane.request('GET', '/v1/connectors/my-connector');
    expect(v1.body.data).toMatchObject({ type: 'google_drive', collection: 'search-google-drive', name: 'My Connector', state: 'auth_required' });
    expect(await schedulePaused(v1.body.data.id)).toBe(true);
  });

  it('updates it with the second example, and creates a new one from it under another id', async () => {
    const example = {
      index_name: 'search-google-drive',
      name: 'My Connector',
      description: 'My Connector to sync data to Elastic index from Google Drive',
      service_type: 'google_drive',
      language: 'en',
    };
    expect(await elastic('PUT', '/_connector/my-connector', example)).toEqual({ status: 200, body: { result: 'updated', id: 'my-connector' } });
    expect((await elastic('GET', '/_connector/my-connector')).body).toMatchObject({ description: example.description, language: 'en' });
    expect((await plane.request('GET', '/v1/connectors/my-connector')).body.data.description).toBe(example.description);

    const id = uniqueId('drive');
    expect(await elastic('PUT', `/_connector/${id}`, example)).toEqual({ status: 201, body: { result: 'created', id } });
  });

  it('takes a connector without configuration to a finished sync: configuration, sync job, status, cancel, delete', async () => {
    const created = await elastic('POST', '/_connector', { index_name: 'search-jira', name: 'Tickets', service_type: 'jira' });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect(created.body).toEqual({ result: 'created', id });
    expect((await elastic('GET', `/_connector/${id}`)).body.status).toBe('needs_configuration');
    expect((await plane.request('GET', `/v1/connectors/${id}`)).body.data.state).toBe('needs_configuration');
    expect(await schedulePaused(id)).toBe(true);
    const early = await elastic('POST', '/_connector/_sync_job', { id, job_type: 'full' });
    expect(early.status).toBe(409);
    expect(early.body.error.type).toBe('status_exception');

    const { secret } = jiraScenario.tokenCredential(jira);
    const configured = await elastic('PUT', `/_connector/${id}/_configuration`, {
      values: { data_source: 'jira_cloud', jira_url: jira.url, projects: ['TECH'], account_email: secret['email'], api_token: secret['token'] },
    });
    expect(configured).toEqual({ status: 200, body: { result: 'updated' } });
    const connector = (await elastic('GET', `/_connector/${id}`)).body;
    expect(connector).toMatchObject({ status: 'connected', configuration: { jira_url: { value: jira.url }, projects: { value: 'TECH' } } });
    expect(JSON.stringify(connector)).not.toContain(secret['token']);
    const v1 = (await plane.request('GET', `/v1/connectors/${id}`)).body.data;
    expect(v1).toMatchObject({ state: 'connected', config: { baseUrl: jira.url, projectKey: 'TECH' }, credentialId: expect.any(String) });
    expect(await schedulePaused(id)).toBe(false);

    const started = await elastic('POST', '/_connector/_sync_job', { id, job_type: 'full' });
    expect(started.status).toBe(201);
    const jobId = started.body.id as string;
    const job = await eventually(async () => {
      const answer = await elastic('GET', `/_connector/_sync_job/${jobId}`);
      expect(answer.body.status).toBe('completed');
      return answer.body;
    }, 30_000);
    expect(job).toMatchObject({ id: jobId, job_type: 'full', connector: { id, index_name: 'search-jira', service_type: 'jira' }, indexed_document_count: 8 });
    expect((await plane.request('GET', `/v1/connectors/${id}/sync/${jobId}`)).body.data).toMatchObject({ status: 'succeeded', progress: { indexed: 8 } });
    expect((await elastic('GET', `/_connector/${id}`)).body.last_sync_status).toBe('completed');

    const cancel = await elastic('PUT', `/_connector/_sync_job/${jobId}/_cancel`);
    expect(cancel.status).toBe(409);
    expect(cancel.body.error.reason).toContain('only an active sync can be canceled');

    const listed = await elastic('GET', '/_connector?service_type=jira');
    expect(listed.body.count).toBe(1);
    expect(listed.body.results[0]).toMatchObject({ id, status: 'connected' });

    expect(await elastic('DELETE', `/_connector/${id}`)).toEqual({ status: 200, body: { acknowledged: true } });
    await eventually(async () => expect((await plane.request('GET', `/v1/connectors/${id}`)).status).toBe(404));
    const gone = await elastic('GET', `/_connector/${id}`);
    expect(gone.status).toBe(404);
    expect(gone.body).toEqual({
      error: {
        root_cause: [{ type: 'resource_not_found_exception', reason: `Connector ${id} not found` }],
        type: 'resource_not_found_exception',
        reason: `Connector ${id} not found`,
      },
      status: 404,
    });
  });

  it('accepts the encoded form of an Elastic API key and refuses other keys in its error style', async () => {
    const encoded = Buffer.from(`any-id:${plane.key}`).toString('base64');
    expect((await elastic('GET', '/_connector', undefined, encoded)).status).toBe(200);
    const none = await call(plane.app, 'GET', '/_connector');
    expect(none.status).toBe(401);
    expect(none.body.error.type).toBe('security_exception');
    const wrong = await elastic('GET', '/_connector', undefined, 'trb_not-a-key');
    expect(wrong.status).toBe(401);
    const viewer = await elastic('PUT', `/_connector/${uniqueId('v')}`, { service_type: 'jira' }, viewerKey);
    expect(viewer.status).toBe(403);
    expect(viewer.body.error.type).toBe('security_exception');
  });

  it('refuses bad requests in Elastic style, naming the field, and writes nothing', async () => {
    const id = uniqueId('bad');
    await elastic('PUT', `/_connector/${id}`, { service_type: 'jira', name: 'Bad' });
    const before = await snapshotRows(plane.database.db);
    const refusals = [
      [await elastic('PUT', `/_connector/${uniqueId('x')}`, { service_type: 'gmail' }), 'service_type'],
      [await elastic('PUT', `/_connector/${uniqueId('x')}`, { name: 'No type' }), 'service_type'],
      [await elastic('PUT', `/_connector/${uniqueId('x')}`, { service_type: 'jira', index_name: 'Bad Index!' }), 'index_name'],
      [await elastic('PUT', `/_connector/${uniqueId('x')}`, { service_type: 'jira', colour: 'red' }), 'colour'],
      [await elastic('PUT', `/_connector/${id}/_configuration`, { values: { jira_url: 'not a url' } }), 'configuration.jira_url'],
      [await elastic('PUT', `/_connector/${id}/_configuration`, { values: { jira_url: jira.url, projects: ['A', 'B'] } }), 'configuration.projects'],
      [await elastic('POST', '/_connector/_sync_job', { job_type: 'full' }), 'id'],
    ] as const;
    for (const [answer, field] of refusals) {
      expect(answer.status, field).toBe(400);
      expect(answer.body.error.type, field).toBe('action_request_validation_exception');
      expect(answer.body.error.reason, field).toContain(`[${field}]`);
      expect(answer.body.status).toBe(400);
    }
    expect((await elastic('GET', '/_connector/_sync_job/job_missing')).body.error.type).toBe('resource_not_found_exception');
    expect(rowChanges(before, await snapshotRows(plane.database.db))).toEqual([]);
  });

  it('is documented under its own tag', async () => {
    const document = (await call(plane.app, 'GET', '/openapi.json')).body;
    expect(document.paths['/_connector/{connector_id}'].put.tags).toEqual(['Elastic connector API']);
    expect(document.paths['/_connector/_sync_job/{connector_sync_job_id}/_cancel'].put.tags).toEqual(['Elastic connector API']);
  });
});
