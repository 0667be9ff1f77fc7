import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConnector, type ConnectorDraft } from '../../application/create-connector.ts';
import type { AppDependencies } from '../../application/dependencies.ts';
import { canTransition } from '../../domain/connector-state.ts';
import { workflowIds } from '../../domain/workflow-ids.ts';
import { startControlPlane, uniqueId, type ControlPlane } from '../support/control-plane.ts';
import { jiraScenario, seededJiraProvider, type JiraProvider } from '../support/providers/jira.ts';

describe('the needs_configuration state', () => {
  it('is entered only from creation and left by a configuration or a deletion', () => {
    expect(canTransition('creating', 'needs_configuration')).toBe(true);
    for (const to of ['connected', 'auth_required', 'deleting'] as const) expect(canTransition('needs_configuration', to)).toBe(true);
    for (const to of ['paused', 'disconnected', 'creating'] as const) expect(canTransition('needs_configuration', to)).toBe(false);
    expect(canTransition('connected', 'needs_configuration')).toBe(false);
  });
});

describe('a connector created without its configuration', () => {
  let plane: ControlPlane;
  let deps: AppDependencies;
  let jira: JiraProvider;

  beforeAll(async () => {
    [plane, jira] = await Promise.all([startControlPlane('sqlite'), seededJiraProvider()]);
    deps = plane.deps;
  });
  afterAll(async () => {
    await Promise.all([plane?.close(), jira?.close()]);
  });

  async function create(draft: Omit<ConnectorDraft, 'schedule' | 'metadata'> & { id?: string; credentials?: Record<string, unknown> }) {
    return createConnector(deps, plane.workspaceId, { schedule: { type: 'interval', everySeconds: 3600 }, metadata: {}, ...draft });
  }
  const syncSchedulePaused = async (id: string) => (await plane.client.schedule.getHandle(workflowIds.connectorSchedule(id)).describe()).state.paused;

  it('waits in needs_configuration, unchecked and paused, then connects once PATCH sets its config', async () => {
    const id = uniqueId('site');
    const created = await create({ id, name: 'Docs', type: 'web_scraper' });
    expect(created.status).toBe(201);

    const shown = await plane.request('GET', `/v1/connectors/${id}`);
    expect(shown.body.data).toMatchObject({ state: 'needs_configuration', stateReason: 'A configuration is required', config: {} });
    expect(await syncSchedulePaused(id)).toBe(true);
    expect((await plane.request('GET', '/v1/connectors?state=needs_configuration')).body.data.map((c: { id: string }) => c.id)).toContain(id);
    const sync = await plane.request('POST', `/v1/connectors/${id}/sync`, { body: {} });
    expect(sync.status).toBe(409);

    const renamed = await plane.request('PATCH', `/v1/connectors/${id}`, { body: { name: 'Docs site' } });
    expect(renamed.body.data.state).toBe('needs_configuration');
    const refused = await plane.request('PATCH', `/v1/connectors/${id}`, { body: { config: { extractionType: 'all' } } });
    expect(refused.status).toBe(400);
    expect(refused.body.error.details.issues[0].path).toEqual(['config', 'url']);
    // Its schedules wait with it: there is nothing to pause or resume until it is configured.
    for (const action of ['pause', 'resume']) {
      const answer = await plane.request('POST', `/v1/connectors/${id}/${action}`);
      expect(answer.status, action).toBe(409);
      expect(answer.body.error.message).toContain('waits for its configuration');
    }
    expect(await syncSchedulePaused(id)).toBe(true);

    const configured = await plane.request('PATCH', `/v1/connectors/${id}`, {
      body: { config: { url: 'https://docs.example.com/', extractionType: 'single' } },
    });
    expect(configured.status).toBe(200);
    expect(configured.body.data).toMatchObject({ state: 'connected', stateReason: null, config: { url: 'https://docs.example.com/' } });
    expect(await syncSchedulePaused(id)).toBe(false);
  });

  it('binds a credential given at creation without checking it, and checks it when the config comes', async () => {
    const id = uniqueId('jira');
    const { kind, secret } = jiraScenario.tokenCredential(jira);
    await create({ id, name: 'Tickets', type: 'jira', credentials: { kind, ...secret } });
    const waiting = (await plane.request('GET', `/v1/connectors/${id}`)).body.data;
    expect(waiting).toMatchObject({ state: 'needs_configuration', credentialId: expect.any(String) });
    expect(jira.requests).toHaveLength(0);

    const configured = await plane.request('PATCH', `/v1/connectors/${id}`, { body: { config: jiraScenario.config(jira) } });
    expect(configured.body.data).toMatchObject({ state: 'connected', credentialId: waiting.credentialId });
    expect(jira.requests.length).toBeGreaterThan(0);
    expect(await syncSchedulePaused(id)).toBe(false);
  });

  it('becomes auth_required when its type needs a credential it does not have yet', async () => {
    const id = uniqueId('jira');
    await create({ id, name: 'Tickets', type: 'jira' });
    const configured = await plane.request('PATCH', `/v1/connectors/${id}`, { body: { config: jiraScenario.config(jira) } });
    expect(configured.body.data).toMatchObject({ state: 'auth_required', stateReason: 'A credential is required' });
    expect(await syncSchedulePaused(id)).toBe(true);
  });

  it('keeps waiting when a credential is bound before the config', async () => {
    const id = uniqueId('jira');
    await create({ id, name: 'Tickets', type: 'jira' });
    const { kind, secret } = jiraScenario.tokenCredential(jira);
    const credential = await plane.request('POST', '/v1/credentials', { body: { name: 'jira', type: 'jira', kind, secret } });
    const bound = await plane.request('PUT', `/v1/connectors/${id}/credential/${credential.body.data.id}`);
    expect(bound.status).toBe(200);
    expect(bound.body.data).toMatchObject({ state: 'needs_configuration', credentialId: credential.body.data.id });
    expect(await syncSchedulePaused(id)).toBe(true);
  });

  it('connects at once when its type needs no config, with the type defaults', async () => {
    const created = await create({ name: 'Files', type: 'upload' });
    expect(created.connector.state).toBe('connected');
  });

  it('can be deleted while it waits', async () => {
    const id = uniqueId('site');
    await create({ id, name: 'Docs', type: 'web_scraper' });
    expect((await plane.request('DELETE', `/v1/connectors/${id}`)).status).toBe(202);
  });
});
