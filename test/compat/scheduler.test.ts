import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workflowIds } from '../../domain/workflow-ids.ts';
import { call, createTestKey } from '../support/api.ts';
import { eventually, startControlPlane, uniqueId, waitForSync, type ControlPlane } from '../support/control-plane.ts';
import { startFakeSite, type FakeSite } from '../support/fake-site.ts';
import { seededJiraProvider, type JiraProvider } from '../support/providers/jira.ts';
import { rowChanges, snapshotRows } from '../support/row-snapshot.ts';

describe('the scheduler-based connector API (seed 002) on sqlite', () => {
  let plane: ControlPlane;
  let site: FakeSite;
  let jira: JiraProvider;

  beforeAll(async () => {
    plane = await startControlPlane('sqlite');
    site = await startFakeSite({ failingPages: false });
    jira = await seededJiraProvider();
  });
  afterAll(async () => {
    await plane?.close();
    await site?.close();
    await jira?.close();
  });

  const createPath = (query: string, workspaceId = plane.workspaceId) => `/v1/connector/create_connector/${workspaceId}?${query}`;
  const associationPath = (workspaceId = plane.workspaceId) => `/v1/connector/create_connector_collection_association/${workspaceId}`;
  const post = (path: string, body: unknown, options: { key?: string; rawBody?: string } = {}) =>
    call(plane.app, 'POST', path, { key: options.key ?? plane.key, ...(options.rawBody === undefined ? { body } : { rawBody: options.rawBody }) });
  const describeSchedule = (id: string) => plane.client.schedule.getHandle(workflowIds.connectorSchedule(id)).describe();

  /**
   * The seed's slot templates, one request per type, with its placeholder texts ("lista de string",
   * "id or URL of a google drive file or folder") given real values and its hosts local ones.
   */
  const seedExamples = () => [
    {
      type: 'google_drive',
      slots: {
        root_file_id: 'https://drive.google.com/drive/folders/1AbCdEfGhIjKlMnOp',
        root_item_ids: ['https://drive.google.com/file/d/1QrStUvWxYz0123/view'],
      },
      config: { rootFileId: '1AbCdEfGhIjKlMnOp', rootItemIds: ['1QrStUvWxYz0123'] },
      state: 'auth_required',
    },
    {
      type: 'impersonated_google_drive',
      slots: { root_file_id: '1AbCdEfGhIjKlMnOp', root_item_ids: ['1QrStUvWxYz0123'], target_account: 'jane@example.com' },
      config: { rootFileId: '1AbCdEfGhIjKlMnOp', rootItemIds: ['1QrStUvWxYz0123'], targetAccount: 'jane@example.com' },
      state: 'auth_required',
    },
    {
      type: 'web_scraper',
      slots: { url: `${site.url}/`, extraction_type: 'all', email: 'jane@example.com' },
      config: { url: `${site.url}/`, extractionType: 'all' },
      metadata: { owner: 'jane@example.com' },
      state: 'connected',
    },
    { type: 'upload', slots: {}, config: {}, state: 'connected' },
    {
      type: 'confluence',
      slots: {
        base_url: 'https://aumo.atlassian.net',
        cql_query: 'type = page and label = "handbook"',
        config: { include_attachments: true, search_children: true, search_folders: false },
        spaces: ['ENG', 'OPS'],
        pages: ['https://aumo.atlassian.net/wiki/spaces/ENG/pages/123/Intro'],
        pages_w_child: ['https://aumo.atlassian.net/wiki/spaces/ENG/pages/456/Guides'],
        folders: ['789'],
        upload_all_data: false,
      },
      config: {
        instanceUrl: 'https://aumo.atlassian.net/wiki',
        cql: 'type = page and label = "handbook"',
        spaceKeys: ['ENG', 'OPS'],
        pagesWithChildren: ['https://aumo.atlassian.net/wiki/spaces/ENG/pages/456/Guides'],
        folders: ['789'],
        includeAttachments: true,
        searchChildren: true,
        searchFolders: false,
        uploadAllData: false,
      },
      state: 'auth_required',
    },
    {
      type: 'jira',
      slots: {
        base_url: jira.url,
        jql_query: 'project = TECH',
        config: { include_attachments: false, search_children_issues: true, search_parent_issues: false },
      },
      config: { baseUrl: jira.url, jql: 'project = TECH', includeAttachments: false, searchChildrenIssues: true, searchParentIssues: false },
      state: 'auth_required',
    },
    {
      type: 'sharepoint',
      slots: { urls: ['https://contoso.sharepoint.com/sites/engineering', 'https://contoso.sharepoint.com/sites/sales/Shared%20Documents'] },
      config: { urls: ['https://contoso.sharepoint.com/sites/engineering', 'https://contoso.sharepoint.com/sites/sales/Shared%20Documents'] },
      state: 'auth_required',
    },
    {
      type: 'onedrive',
      slots: { urls: ['https://contoso-my.sharepoint.com/personal/jane/Documents/Specs', 'https://contoso-my.sharepoint.com/personal/jane/Documents/Notes'] },
      config: { urls: ['https://contoso-my.sharepoint.com/personal/jane/Documents/Specs', 'https://contoso-my.sharepoint.com/personal/jane/Documents/Notes'] },
      state: 'auth_required',
    },
  ];

  it('creates a connector of every type the seed lists, with its slots as the config /v1 shows and a schedule in Temporal', async () => {
    for (const example of seedExamples()) {
      const response = await post(createPath('scheduler_type=imed'), {
        name: `${example.type} example`,
        credentials: {},
        slots: example.slots,
        type: example.type,
      });
      expect(response.status, JSON.stringify(response.body)).toBe(201);
      const id = response.body.id as string;
      expect(id).toMatch(/^conn_[0-9a-f]{32}$/);
      expect(response.body).toMatchObject({
        workspace_id: plane.workspaceId,
        name: `${example.type} example`,
        type: example.type,
        scheduler_type: 'imed',
        scheduler_value: null,
        collection_id: id,
        credential_id: null,
        state: example.state,
      });
      // The answer gives the slots back as sent (a Drive URL as its id, which the seed's route extracts).
      if (example.type !== 'google_drive') expect(response.body.slots).toMatchObject(example.slots);
      expect(response.body.slots.root_file_id ?? null).toBe((example.config as { rootFileId?: string }).rootFileId ?? null);

      const stored = await plane.request('GET', `/v1/connectors/${id}`);
      expect(stored.body.data).toMatchObject({
        id,
        type: example.type,
        config: example.config,
        metadata: example.metadata ?? {},
        schedule: { type: 'manual' },
      });
      const schedule = await describeSchedule(id);
      expect(schedule.spec.calendars ?? []).toEqual([]);
      expect(schedule.spec.intervals ?? []).toEqual([]);
      expect(schedule.state.paused).toBe(example.state !== 'connected');
    }
  });

  it('lets an imed connector wait for its collection association, which moves it there and starts its first sync', async () => {
    const created = await post(createPath('scheduler_type=imed'), {
      name: 'Site',
      credentials: {},
      slots: { url: `${site.url}/`, extraction_type: 'single', email: 'jane@example.com', language: 'en', depth: 2 },
      type: 'web_scraper',
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    // Extra slots are kept as metadata, under their own names (non-strings as JSON), and answered back.
    expect(created.body.slots).toMatchObject({ email: 'jane@example.com', language: 'en', depth: '2' });
    expect((await plane.request('GET', `/v1/connectors/${id}/syncs`)).body.data).toEqual([]);

    const collection = uniqueId('handbook');
    const associated = await post(associationPath(), { connector_id: id, collection_id: collection });
    expect(associated.status, JSON.stringify(associated.body)).toBe(201);
    expect(associated.body).toMatchObject({ connector_id: id, collection_id: collection, sync_job_id: expect.stringMatching(/^job_/) });
    const job = await waitForSync(plane, id, associated.body.sync_job_id);
    expect(job).toMatchObject({ status: 'succeeded', trigger: 'manual' });

    const connector = (await plane.request('GET', `/v1/connectors/${id}`)).body.data;
    expect(connector).toMatchObject({ collection, metadata: { owner: 'jane@example.com', language: 'en', depth: '2' } });
    const documents = await plane.request('GET', `/v1/collections/${collection}/documents`);
    expect(documents.body.data.map((document: { url: string }) => document.url)).toEqual([`${site.url}/`]);

    // Associated again with its collection: nothing new starts; with another, it refuses to leave its documents behind.
    const again = await post(associationPath(), { connector_id: id, collection_id: collection });
    expect(again.status).toBe(201);
    expect(again.body.sync_job_id).toBeNull();
    const before = await snapshotRows(plane.database.db);
    const elsewhere = await post(associationPath(), { connector_id: id, collection_id: uniqueId('other') });
    expect(elsewhere.status).toBe(409);
    expect(elsewhere.body.detail).toContain(`has synced into collection ${collection}`);
    expect(rowChanges(before, await snapshotRows(plane.database.db))).toEqual([]);
    expect((await plane.request('GET', `/v1/connectors/${id}/syncs`)).body.data).toHaveLength(1);

    expect((await plane.request('DELETE', `/v1/connectors/${id}`)).status).toBe(202);
    await eventually(async () => expect((await plane.request('GET', `/v1/connectors/${id}`)).status).toBe(404));
    await expect(describeSchedule(id)).rejects.toThrow();
  });

  it('moves a connector still waiting for its credential to the associated collection without starting a sync', async () => {
    const created = await post(createPath('scheduler_type=imed'), {
      name: 'Specs',
      credentials: {},
      slots: { urls: ['https://contoso-my.sharepoint.com/personal/jane/Documents/Specs'] },
      type: 'onedrive',
    });
    expect(created.body.state).toBe('auth_required');
    const collection = uniqueId('specs');
    const associated = await post(associationPath(), { connector_id: created.body.id, collection_id: collection });
    expect(associated).toEqual({ status: 201, body: { connector_id: created.body.id, collection_id: collection, sync_job_id: null } });
    expect((await plane.request('GET', `/v1/connectors/${created.body.id}`)).body.data).toMatchObject({ collection, state: 'auth_required' });
  });

  it('creates a cron connector with its credentials checked and bound, whose association changes the collection and starts nothing', async () => {
    const credentials = { token: jira.tokens.apiToken, email: jira.tokens.email };
    const created = await post(createPath(`scheduler_type=cron&scheduler_value=${encodeURIComponent('30 2 * * 1-5')}`), {
      id: uniqueId('jira-tech'),
      name: 'Jira TECH',
      credentials,
      slots: {
        base_url: jira.url,
        jql_query: 'project = TECH',
        config: { include_attachments: false, search_children_issues: false, search_parent_issues: false },
      },
      type: 'jira',
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({
      scheduler_type: 'cron',
      scheduler_value: '30 2 * * 1-5',
      state: 'connected',
      credential_id: expect.stringMatching(/^cred_/),
    });
    expect(JSON.stringify(created.body)).not.toContain(jira.tokens.apiToken);
    const id = created.body.id as string;
    const schedule = await describeSchedule(id);
    expect(schedule.spec.calendars?.[0]).toMatchObject({ minute: [{ start: 30, end: 30 }], hour: [{ start: 2, end: 2 }] });
    expect(schedule.spec.timezone).toBe('UTC');
    expect(schedule.state.paused).toBe(false);

    const collection = uniqueId('tickets');
    const associated = await post(associationPath(), { connector_id: id, collection_id: collection });
    expect(associated.body).toEqual({ connector_id: id, collection_id: collection, sync_job_id: null });
    const started = await plane.request('POST', `/v1/connectors/${id}/sync`);
    expect(started.status).toBe(202);
    expect((await waitForSync(plane, id, started.body.data.jobId)).status).toBe('succeeded');
    const documents = await plane.request('GET', `/v1/collections/${collection}/documents?limit=100`);
    expect(documents.body.data.length).toBe(8);
  });

  it('maps when to a once schedule: a bare date at midnight UTC, a date-time without offset as UTC', async () => {
    const year = new Date().getUTCFullYear() + 2;
    for (const [value, at] of [
      [`${year}-03-04`, `${year}-03-04T00:00:00Z`],
      [`${year}-03-04T06:30:00`, `${year}-03-04T06:30:00Z`],
      [`${year}-03-04T06:30:00+02:00`, `${year}-03-04T06:30:00+02:00`],
    ] as const) {
      const created = await post(createPath(`scheduler_type=when&scheduler_value=${encodeURIComponent(value)}`), {
        name: 'Uploads',
        slots: {},
        type: 'upload',
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      expect(created.body).toMatchObject({ scheduler_type: 'when', scheduler_value: at });
      const schedule = await describeSchedule(created.body.id);
      const instant = new Date(at);
      expect(schedule.spec.calendars?.[0]).toMatchObject({
        year: [{ start: year, end: year }],
        dayOfMonth: [{ start: 4, end: 4 }],
        hour: [{ start: instant.getUTCHours(), end: instant.getUTCHours() }],
      });
      expect(schedule.state.remainingActions).toBe(1);
    }
  });

  const bad: Array<{ why: string; query: string; body: unknown; status: number; detail: unknown; workspaceId?: string }> = [
    {
      why: 'google_drive without root_file_id',
      query: 'scheduler_type=imed',
      body: { name: 'Drive', slots: { root_item_ids: [] }, type: 'google_drive' },
      status: 422,
      detail: [{ loc: ['body', 'slots', 'root_file_id'], msg: 'Field required', type: 'missing' }],
    },
    {
      why: 'impersonated_google_drive without target_account',
      query: 'scheduler_type=imed',
      body: { name: 'Drive', slots: { root_file_id: '1AbCdEfGhIjKlMnOp' }, type: 'impersonated_google_drive' },
      status: 422,
      detail: [{ loc: ['body', 'slots', 'target_account'], msg: 'Field required', type: 'missing' }],
    },
    {
      why: 'a Drive link that names no file',
      query: 'scheduler_type=imed',
      body: { name: 'Drive', slots: { root_file_id: 'https://example.com/x' }, type: 'google_drive' },
      status: 422,
      detail: [{ loc: ['body', 'slots', 'root_file_id'], msg: expect.stringContaining('Google Drive'), type: 'custom' }],
    },
    {
      why: 'cron without scheduler_value',
      query: 'scheduler_type=cron',
      body: { name: 'Site', slots: { url: 'https://docs.example.com/' }, type: 'web_scraper' },
      status: 422,
      detail: [{ loc: ['query', 'scheduler_value'], msg: 'Field required when scheduler_type is cron', type: 'missing' }],
    },
    {
      why: 'a cron expression Temporal cannot read',
      query: `scheduler_type=cron&scheduler_value=${encodeURIComponent('0 3 L * *')}`,
      body: { name: 'Site', slots: { url: 'https://docs.example.com/' }, type: 'web_scraper' },
      status: 422,
      detail: [{ loc: ['query', 'scheduler_value'], msg: expect.stringContaining('invalid cron expression'), type: 'custom' }],
    },
    {
      why: 'a when date in the past',
      query: 'scheduler_type=when&scheduler_value=2020-01-01',
      body: { name: 'Site', slots: { url: 'https://docs.example.com/' }, type: 'web_scraper' },
      status: 422,
      detail: [{ loc: ['query', 'scheduler_value'], msg: 'must be in the future', type: 'custom' }],
    },
    {
      why: 'a when that is no date',
      query: 'scheduler_type=when&scheduler_value=tomorrow',
      body: { name: 'Site', slots: { url: 'https://docs.example.com/' }, type: 'web_scraper' },
      status: 422,
      detail: [{ loc: ['query', 'scheduler_value'], msg: expect.stringContaining('YYYY-MM-DD'), type: 'datetime_from_date_parsing' }],
    },
    {
      why: 'an unknown scheduler_type',
      query: 'scheduler_type=hourly',
      body: { name: 'Site', slots: { url: 'https://docs.example.com/' }, type: 'web_scraper' },
      status: 422,
      detail: [{ loc: ['query', 'scheduler_type'], msg: expect.stringContaining('imed'), type: 'invalid_value' }],
    },
    {
      why: 'a type the seed does not list',
      query: 'scheduler_type=imed',
      body: { name: 'Bucket', slots: {}, type: 's3' },
      status: 422,
      detail: [{ loc: ['body', 'type'], msg: expect.stringContaining('google_drive'), type: 'invalid_value' }],
    },
    {
      why: 'no name',
      query: 'scheduler_type=imed',
      body: { slots: {}, type: 'upload' },
      status: 422,
      detail: [{ loc: ['body', 'name'], msg: 'Field required', type: 'missing' }],
    },
    {
      why: 'more extra slots than metadata holds',
      query: 'scheduler_type=imed',
      body: { name: 'Uploads', slots: Object.fromEntries(Array.from({ length: 17 }, (_, index) => [`extra_${index}`, 'x'])), type: 'upload' },
      status: 422,
      detail: [{ loc: ['body', 'slots'], msg: expect.stringContaining('kept as connector metadata'), type: 'custom' }],
    },
    {
      why: 'credentials for a type that takes none',
      query: 'scheduler_type=imed',
      body: { name: 'Site', credentials: { token: 'secret-token-1234' }, slots: { url: 'https://docs.example.com/' }, type: 'web_scraper' },
      status: 422,
      detail: [{ loc: ['body', 'credentials'], msg: 'web_scraper takes no credentials', type: 'custom' }],
    },
    {
      why: "another workspace's id",
      query: 'scheduler_type=imed',
      body: { name: 'Uploads', slots: {}, type: 'upload' },
      workspaceId: 'ws-someone-else',
      status: 404,
      detail: 'Workspace ws-someone-else not found',
    },
  ];

  it.each(bad)('refuses $why with $status in FastAPI style, writing nothing', async ({ query, body, status, detail, workspaceId }) => {
    const before = await snapshotRows(plane.database.db);
    const response = await post(createPath(query, workspaceId), body);
    expect(response.status, JSON.stringify(response.body)).toBe(status);
    expect(response.body).toEqual({ detail });
    expect(JSON.stringify(response.body)).not.toContain('secret-token');
    expect(rowChanges(before, await snapshotRows(plane.database.db))).toEqual([]);
  });

  it('refuses malformed JSON, a taken id and unknown or foreign connectors in FastAPI style, writing nothing', async () => {
    const id = uniqueId('taken');
    expect((await post(createPath('scheduler_type=imed'), { id, name: 'Uploads', slots: {}, type: 'upload' })).status).toBe(201);
    const before = await snapshotRows(plane.database.db);

    const malformed = await post(createPath('scheduler_type=imed'), undefined, { rawBody: '{"name": ' });
    expect(malformed).toEqual({ status: 422, body: { detail: [{ loc: ['body'], msg: 'JSON decode error', type: 'json_invalid' }] } });
    const taken = await post(createPath('scheduler_type=imed'), { id, name: 'Uploads', slots: {}, type: 'upload' });
    expect(taken).toEqual({ status: 409, body: { detail: `A connector with id ${id} already exists` } });
    const unknown = await post(associationPath(), { connector_id: 'conn_missing', collection_id: 'docs' });
    expect(unknown).toEqual({ status: 404, body: { detail: 'Connector conn_missing not found' } });
    const foreign = await post(associationPath('ws-someone-else'), { connector_id: id, collection_id: 'docs' });
    expect(foreign).toEqual({ status: 404, body: { detail: 'Workspace ws-someone-else not found' } });
    const noCollection = await post(associationPath(), { connector_id: id });
    expect(noCollection).toEqual({ status: 422, body: { detail: [{ loc: ['body', 'collection_id'], msg: 'Field required', type: 'missing' }] } });

    expect(rowChanges(before, await snapshotRows(plane.database.db))).toEqual([]);
  });

  it('takes /v1’s bearer keys, and refuses a missing key or a viewer’s change in FastAPI’s style', async () => {
    const body = { name: 'Uploads', slots: {}, type: 'upload' };
    const before = await snapshotRows(plane.database.db);
    const anonymous = await call(plane.app, 'POST', createPath('scheduler_type=imed'), { body });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toEqual({ detail: 'Missing API key: send "Authorization: Bearer <api key>"' });
    const viewer = await post(createPath('scheduler_type=imed'), body, { key: await createTestKey(plane.database.db, plane.workspaceId, 'viewer') });
    expect(viewer.status).toBe(403);
    expect(viewer.body).toEqual({ detail: 'This API key has the viewer role and cannot make changes' });
    expect(rowChanges(before, await snapshotRows(plane.database.db)).filter((change) => !change.startsWith('api_keys'))).toEqual([]);
  });

  it("documents both routes under the tag 'Scheduler connector API'", async () => {
    const document = (await call(plane.app, 'GET', '/openapi.json')).body;
    for (const path of ['/v1/connector/create_connector/{workspace_id}', '/v1/connector/create_connector_collection_association/{workspace_id}']) {
      expect(document.paths[path].post.tags).toEqual(['Scheduler connector API']);
    }
    expect(document.components.schemas.ConnectorModelReponse.properties).toHaveProperty('slots');
  });
});

describe('the scheduler-based connector API (seed 002) on postgres', () => {
  let plane: ControlPlane;
  beforeAll(async () => {
    plane = await startControlPlane('postgres');
  });
  afterAll(async () => {
    await plane?.close();
  });

  it('creates an imed connector and refuses a missing slot, writing nothing', async () => {
    const path = `/v1/connector/create_connector/${plane.workspaceId}?scheduler_type=imed`;
    const created = await call(plane.app, 'POST', path, {
      key: plane.key,
      body: { name: 'Uploads', credentials: {}, slots: { team: 'docs' }, type: 'upload' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ type: 'upload', slots: { team: 'docs' }, scheduler_type: 'imed', state: 'connected' });
    expect((await plane.request('GET', `/v1/connectors/${created.body.id}`)).body.data.metadata).toEqual({ team: 'docs' });

    const before = await snapshotRows(plane.database.db);
    const refused = await call(plane.app, 'POST', path, { key: plane.key, body: { name: 'Drive', slots: {}, type: 'impersonated_google_drive' } });
    expect(refused.status).toBe(422);
    expect(refused.body.detail.map((issue: { loc: string[] }) => issue.loc.join('.'))).toEqual(['body.slots.root_file_id', 'body.slots.target_account']);
    expect(rowChanges(before, await snapshotRows(plane.database.db))).toEqual([]);
  });
});
