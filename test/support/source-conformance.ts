import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workflowIds } from '../../domain/workflow-ids.ts';
import { eventually, startControlPlane, type ControlPlane, syncToEnd } from './control-plane.ts';
import type { Dialect } from './databases.ts';
import type { ExpectedDocument, ProviderChanges, SaasProvider, SourceScenario } from './providers/saas-provider.ts';

export interface StoredDocument {
  externalId: string;
  title: string;
  url: string;
  content: string;
  metadata: Record<string, string>;
}

/** Every document of a connector's collection, through the API. */
export async function storedDocuments(plane: ControlPlane, connectorId: string): Promise<StoredDocument[]> {
  const documents: StoredDocument[] = [];
  for (let cursor: string | null = null, first = true; first || cursor; first = false) {
    const response = await plane.request('GET', `/v1/collections/${connectorId}/documents?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    documents.push(...response.body.data);
    cursor = response.body.nextCursor ?? null;
  }
  return documents;
}

/** The stored documents are exactly the expected ones, each with its title, url, metadata and text. */
export function expectExactly(stored: StoredDocument[], expected: ExpectedDocument[]): void {
  expect(stored.map((document) => document.externalId).sort()).toEqual(expected.map((document) => document.externalId).sort());
  for (const want of expected) {
    const got = stored.find((document) => document.externalId === want.externalId);
    expect(got, want.externalId).toMatchObject({ title: want.title, url: want.url, metadata: want.metadata });
    for (const fragment of want.contains) expect(got?.content, `${want.externalId} holds "${fragment}"`).toContain(fragment);
  }
}

/** The seeded documents as they are after `changes`. */
export function afterChanges(seeded: ExpectedDocument[], changes: ProviderChanges): ExpectedDocument[] {
  const replaced = new Map(changes.changed.map((document) => [document.externalId, document]));
  return [
    ...seeded.filter((document) => document.externalId !== changes.deleted).map((document) => replaced.get(document.externalId) ?? document),
    changes.added,
  ];
}

/** Creates a credential through the API and a connector bound to it, and returns the connector's id. */
export async function createBoundConnector(
  plane: ControlPlane,
  input: { type: string; name: string; config: Record<string, unknown>; credential: { kind: string; secret: Record<string, string> }; schedules?: boolean },
): Promise<string> {
  const credential = await plane.request('POST', '/v1/credentials', { body: { name: `${input.name} credential`, type: input.type, ...input.credential } });
  expect(credential.status, JSON.stringify(credential.body)).toBe(201);
  const created = await plane.request('POST', '/v1/connectors', {
    body: {
      name: input.name,
      type: input.type,
      config: input.config,
      credentialId: credential.body.data.id,
      ...(input.schedules ? { schedule: { type: 'interval', everySeconds: 86_400 }, pruneSchedule: { type: 'interval', everySeconds: 86_400 } } : {}),
    },
  });
  expect(created.body.data?.state, JSON.stringify(created.body)).toBe('connected');
  return created.body.data.id as string;
}

/**
 * What every SaaS reader must do against its local provider, on one dialect (a reader does not depend
 * on it; the types alternate, so both sinks see SaaS syncs): a full sync across at
 * least three pages stores exactly the seeded documents; an incremental sync after two changes, one
 * addition and one deletion writes only those (and removes the deleted one when the source has a
 * changes feed), and a full sync leaves exactly the source's set; a 429 with
 * `Retry-After: 2` is waited out; an OAuth2 access token that expires mid-sync is refreshed once; a
 * revoked credential fails the job and disconnects the connector with the provider's reason and
 * pauses its schedules.
 */
export function describeSourceConformance<Provider extends SaasProvider>(scenario: SourceScenario<Provider>, dialect: Dialect): void {
  describe(`the ${scenario.type} source on ${dialect}`, () => {
    let plane: ControlPlane;
    let provider: Provider;
    let connectorId: string;
    let current: ExpectedDocument[];

    beforeAll(async () => {
      [plane, provider] = await Promise.all([startControlPlane(dialect), scenario.start()]);
    });
    afterAll(async () => {
      await plane?.close();
      await provider?.close();
    });

    const sync = (id: string, mode: 'full' | 'incremental') => syncToEnd(plane, id, mode, 90_000);

    it('stores exactly the seeded documents, with their text, url and metadata, from a listing of three pages or more', async () => {
      connectorId = await createBoundConnector(plane, {
        type: scenario.type,
        name: `${scenario.type} by token`,
        config: scenario.config(provider),
        credential: scenario.tokenCredential(provider),
        schedules: true,
      });
      current = scenario.seeded(provider);
      const before = provider.requests.length;
      const job = await sync(connectorId, 'full');
      expect(job, JSON.stringify(job)).toMatchObject({ status: 'succeeded', progress: { collected: current.length, indexed: current.length, failed: 0 } });
      expect(provider.requests.slice(before).filter((request) => scenario.isListingPage(request)).length).toBeGreaterThanOrEqual(3);
      expectExactly(await storedDocuments(plane, connectorId), current);
    });

    it('writes only the changed, added and deleted items incrementally, and a full sync then leaves exactly the source’s set', async () => {
      const changes = scenario.change(provider);
      const seesDeletions = scenario.incrementalSeesDeletions ?? false;
      const incremental = await sync(connectorId, 'incremental');
      expect(incremental, JSON.stringify(incremental)).toMatchObject({
        status: 'succeeded',
        mode: 'incremental',
        progress: { indexed: 3, deleted: seesDeletions ? 1 : 0, failed: 0 },
      });
      const stored = await storedDocuments(plane, connectorId);
      expectExactly(
        stored.filter((document) => document.externalId !== changes.deleted),
        afterChanges(current, changes),
      );
      // Without a changes feed an incremental read cannot see a deletion; it waits for a full sync or a prune.
      expect(stored.some((document) => document.externalId === changes.deleted)).toBe(!seesDeletions);

      current = afterChanges(current, changes);
      const full = await sync(connectorId, 'full');
      expect(full, JSON.stringify(full)).toMatchObject({
        status: 'succeeded',
        progress: { collected: current.length, indexed: 0, deleted: seesDeletions ? 0 : 1 },
      });
      expectExactly(await storedDocuments(plane, connectorId), current);
    });

    it('waits out a 429 with Retry-After: 2 before asking again, and succeeds', async () => {
      provider.faults.rateLimitOnce({ retryAfterSeconds: 2 });
      const before = provider.requests.length;
      const job = await sync(connectorId, 'full');
      expect(job, JSON.stringify(job)).toMatchObject({ status: 'succeeded', progress: { collected: current.length, failed: 0 } });
      const limitedAt = provider.faults.lastFaultAt as number;
      expect(limitedAt).toBeGreaterThan(0);
      const after = provider.requests.slice(before).filter((request) => request.at > limitedAt);
      expect(after.length).toBeGreaterThan(0);
      // Timers may fire a millisecond early; a retry before the two seconds would be far earlier.
      expect(Math.min(...after.map((request) => request.at)) - limitedAt).toBeGreaterThanOrEqual(1990);
    });

    // Registered only for sources that take OAuth2 credentials; the others test their own renewal.
    if (scenario.oauth2 !== false)
      it('refreshes an OAuth2 access token that expires mid-sync once, and reads on with the new one', async () => {
        const tokens = provider.tokens.grant();
        const oauthConnector = await createBoundConnector(plane, {
          type: scenario.type,
          name: `${scenario.type} by OAuth`,
          config: scenario.config(provider),
          credential: {
            kind: 'oauth2',
            secret: { clientId: provider.tokens.clientId, clientSecret: provider.tokens.clientSecret, ...tokens, tokenUrl: provider.tokenUrl },
          },
        });
        const refreshesBefore = provider.tokens.refreshes;
        provider.tokens.expireAccessTokensAfter(3);
        const job = await sync(oauthConnector, 'full');
        expect(job, JSON.stringify(job)).toMatchObject({ status: 'succeeded', progress: { collected: current.length, failed: 0 } });
        expect(provider.tokens.refreshes - refreshesBefore).toBe(1);
        expectExactly(await storedDocuments(plane, oauthConnector), current);
      });

    it('fails the sync, disconnects the connector with the provider’s reason and pauses its schedules when the credential is revoked', async () => {
      provider.tokens.revokeAll();
      const job = await sync(connectorId, 'full');
      expect(job.status, JSON.stringify(job)).toBe('failed');
      expect(job.error, JSON.stringify(job)).toContain(scenario.revokedReason);
      const connector = await eventually(async () => {
        const found = (await plane.request('GET', `/v1/connectors/${connectorId}`)).body.data;
        expect(found.state).toBe('disconnected');
        return found;
      });
      expect(connector.stateReason).toContain(scenario.revokedReason);
      for (const scheduleId of [workflowIds.connectorSchedule(connectorId), workflowIds.connectorPruneSchedule(connectorId)]) {
        await eventually(async () => expect((await plane.client.schedule.getHandle(scheduleId).describe()).state.paused).toBe(true));
      }
      // Nothing the connector held was lost with its access.
      expectExactly(await storedDocuments(plane, connectorId), current);
    });
  });
}
