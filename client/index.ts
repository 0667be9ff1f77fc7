import createClient from 'openapi-fetch';
import { TributaryApiError } from './errors.ts';
import type { components, paths } from './openapi.ts';
import { syncEventsOf, type SyncEvent } from './sync-events.ts';

export { TributaryApiError, type TributaryErrorCode } from './errors.ts';
export type { SyncEvent } from './sync-events.ts';
export type { components, paths } from './openapi.ts';

type Schemas = components['schemas'];
export type Connector = Schemas['Connector'];
export type CreateConnector = Schemas['CreateConnector'];
export type PatchConnector = Schemas['PatchConnector'];
export type SyncQueued = Schemas['SyncQueued'];
export type SyncJob = Schemas['SyncJob'];
export type SyncFailure = Schemas['SyncFailure'];
export type Credential = Schemas['Credential'];
export type CreateCredential = Schemas['CreateCredential'];
export type UpdateCredential = Schemas['UpdateCredential'];
export type ConnectorQuery = NonNullable<paths['/v1/connectors']['get']['parameters']['query']>;

/** One page of a list; pass `nextCursor` back as `cursor` for the next, until it is null. */
export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

export interface PageQuery {
  cursor?: string;
  limit?: number;
}

export interface TributaryClientOptions {
  /** Where the API is, e.g. `http://127.0.0.1:8080`. */
  baseUrl: string;
  /** An API key of the workspace, sent as `Authorization: Bearer <key>`. */
  apiKey: string;
  /** Another fetch (a proxy agent, say); the global one by default. */
  fetch?: (request: Request) => Promise<Response>;
}

/** How long to wait before reopening a live-progress stream the server closed; its `retry:` hint. */
const REOPEN_MS = 1000;

/** What openapi-fetch answers: the body on success, else the error body, with the response either way. */
type Answer<T> = { data: T; error?: never; response: Response } | { data?: never; error: unknown; response: Response };

async function bodyOf<T>(pending: Promise<Answer<T>>): Promise<Exclude<T, undefined>> {
  const { data, error, response } = await pending;
  if (!response.ok) throw TributaryApiError.fromResponse(response, error);
  return data as Exclude<T, undefined>;
}

async function dataOf<T>(pending: Promise<Answer<{ data: T }>>): Promise<T> {
  return (await bodyOf(pending)).data;
}

/**
 * Every item of a paged list, fetching the next page only when the previous is used up.
 * @example for await (const connector of allPages((cursor) => client.connectors.list({ cursor }))) console.log(connector.id);
 */
export async function* allPages<T>(fetchPage: (cursor: string | undefined) => Promise<Page<T>>): AsyncGenerator<T> {
  let cursor: string | undefined;
  do {
    const page = await fetchPage(cursor);
    yield* page.data;
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
}

/**
 * A typed client of the Tributary API, built on the types generated from its OpenAPI document.
 * Every failed call throws a {@link TributaryApiError} with the API's error code and message.
 * @example
 * const client = createTributaryClient({ baseUrl: 'http://127.0.0.1:8080', apiKey: process.env.TRIBUTARY_API_KEY! });
 * const connector = await client.connectors.create({ name: 'Docs site', type: 'web_scraper', config: { url: 'https://docs.example.com', extractionType: 'all' } });
 * const job = await client.connectors.sync(connector.id);
 * console.log('Sync started:', job.jobId);
 */
export function createTributaryClient(options: TributaryClientOptions) {
  const api = createClient<paths>({
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    headers: { authorization: `Bearer ${options.apiKey}` },
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const job = (id: string, jobId: string) => ({ params: { path: { id, jobId } } });

  const connectors = {
    list: (query: ConnectorQuery = {}): Promise<Page<Connector>> => bodyOf(api.GET('/v1/connectors', { params: { query } })),
    get: (id: string): Promise<Connector> => dataOf(api.GET('/v1/connectors/{id}', { params: { path: { id } } })),
    /** Answers once the creation workflow has run, or with the connector still `creating` if it takes longer than the API waits. */
    create: (connector: CreateConnector): Promise<Connector> => dataOf(api.POST('/v1/connectors', { body: connector })),
    /** Changes the given fields: name, description, config, schedule, metadata. */
    update: (id: string, changes: PatchConnector): Promise<Connector> => dataOf(api.PATCH('/v1/connectors/{id}', { params: { path: { id } }, body: changes })),
    /** Starts the deletion; the connector answers 404 once it has run. */
    delete: (id: string) => dataOf(api.DELETE('/v1/connectors/{id}', { params: { path: { id } } })),
    /** Queues a sync; a connector with an active sync answers `conflict`. */
    sync: (id: string, sync: { mode?: 'incremental' | 'full' } = {}): Promise<SyncQueued> =>
      dataOf(api.POST('/v1/connectors/{id}/sync', { params: { path: { id } }, body: sync })),
    syncStatus: (id: string, jobId: string): Promise<SyncJob> => dataOf(api.GET('/v1/connectors/{id}/sync/{jobId}', job(id, jobId))),
    /** The connector's jobs, oldest first. */
    syncs: (id: string, query: PageQuery = {}): Promise<Page<SyncJob>> => bodyOf(api.GET('/v1/connectors/{id}/syncs', { params: { path: { id }, query } })),
    cancel: (id: string, jobId: string): Promise<SyncJob> => dataOf(api.POST('/v1/connectors/{id}/sync/{jobId}/cancel', job(id, jobId))),
    /** Restarts a running sync as a full sync. */
    resync: (id: string, jobId: string): Promise<SyncJob> => dataOf(api.POST('/v1/connectors/{id}/sync/{jobId}/resync', job(id, jobId))),
    /** The items the job could not deliver, in the order they happened. */
    failures: (id: string, jobId: string, query: PageQuery = {}): Promise<Page<SyncFailure>> =>
      bodyOf(api.GET('/v1/connectors/{id}/sync/{jobId}/failures', { params: { path: { id, jobId }, query } })),
    /**
     * The job's live progress until it ends: a `progress` event with each change, then `end`.
     * Reopens the stream when the server closes it early (it does after a long quiet spell).
     */
    async *events(id: string, jobId: string, { signal }: { signal?: AbortSignal } = {}): AsyncGenerator<SyncEvent> {
      for (;;) {
        const { error, response } = await api.GET('/v1/connectors/{id}/sync/{jobId}/events', { ...job(id, jobId), parseAs: 'stream', signal });
        if (!response.ok || !response.body) throw TributaryApiError.fromResponse(response, error);
        for await (const event of syncEventsOf(response.body)) {
          yield event;
          if (event.type === 'end') return;
        }
        // The wait the server's `retry:` hint asks for, so a stream that keeps closing is not reopened in a tight loop.
        await new Promise((resolve) => setTimeout(resolve, REOPEN_MS));
      }
    },
  };

  const credentials = {
    list: (): Promise<Credential[]> => dataOf(api.GET('/v1/credentials')),
    get: (id: string): Promise<Credential> => dataOf(api.GET('/v1/credentials/{id}', { params: { path: { id } } })),
    /** Stores the secret encrypted; no answer ever holds it again. */
    create: (credential: CreateCredential): Promise<Credential> => dataOf(api.POST('/v1/credentials', { body: credential })),
    update: (id: string, changes: UpdateCredential): Promise<Credential> =>
      dataOf(api.PATCH('/v1/credentials/{id}', { params: { path: { id } }, body: changes })),
    delete: async (id: string): Promise<void> => {
      await bodyOf(api.DELETE('/v1/credentials/{id}', { params: { path: { id } } }));
    },
  };

  return { connectors, credentials };
}

export type TributaryClient = ReturnType<typeof createTributaryClient>;
