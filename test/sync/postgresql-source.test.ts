import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ReadContext } from '../../connectors/source.ts';
import { directReadContext, readEveryPage } from '../support/read-context.ts';
import { postgresqlConfigSchema, type PostgresqlConfig } from '../../connectors/postgresql/config.ts';
import { openPostgresSource } from '../../connectors/postgresql/source.ts';
import { workflowIds } from '../../domain/workflow-ids.ts';
import { startControlPlane, waitForSync, type ControlPlane } from '../support/control-plane.ts';
import { createTestDatabase, type TestDatabase } from '../support/databases.ts';

const credentials = { username: 'postgres', password: 'unused-with-trust-auth' };

describe('the PostgreSQL source', () => {
  let plane: ControlPlane;
  let source: TestDatabase;
  let client: pg.Client;

  beforeAll(async () => {
    plane = await startControlPlane('sqlite');
    source = await createTestDatabase('postgres');
    client = new pg.Client({ connectionString: source.url });
    await client.connect();
  });
  afterAll(async () => {
    await client?.end();
    await plane?.close();
    await source?.drop();
  });

  // Each case starts from the same 20 rows, since a query that did write would have removed them.
  beforeEach(async () => {
    await client.query('DROP TABLE IF EXISTS notes CASCADE');
    await client.query('CREATE TABLE notes (id serial PRIMARY KEY, title text NOT NULL, updated_at timestamptz NOT NULL DEFAULT now())');
    await client.query(`INSERT INTO notes (title) SELECT 'Note ' || n FROM generate_series(1, 20) AS n`);
    await client.query(`CREATE FUNCTION purge_notes() RETURNS SETOF notes LANGUAGE sql AS 'DELETE FROM notes RETURNING *'`);
  });

  async function noteCount(): Promise<number> {
    return (await client.query<{ n: number }>('SELECT count(*)::int AS n FROM notes')).rows[0]?.n ?? 0;
  }

  function sourceConfig(fields: Partial<PostgresqlConfig>): PostgresqlConfig {
    const url = new URL(source.url as string);
    return postgresqlConfigSchema.parse({ host: url.hostname, port: Number(url.port), database: url.pathname.slice(1), idColumn: 'id', ...fields });
  }

  async function createConnector(fields: Partial<PostgresqlConfig>) {
    const created = await plane.request('POST', '/v1/connectors', {
      body: { name: 'Notes', type: 'postgresql', config: sourceConfig(fields), credentials },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return created.body.data;
  }

  async function sync(connectorId: string, mode?: 'full' | 'incremental') {
    const started = await plane.request('POST', `/v1/connectors/${connectorId}/sync`, mode ? { body: { mode } } : {});
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    // Well under the time twelve retries with backoff take, so a retried refusal cannot pass.
    return waitForSync(plane, connectorId, started.body.data.jobId, 30_000);
  }

  /** The attempt number of every activity the sync workflow ran; all 1 when nothing was retried. */
  async function activityAttempts(connectorId: string, jobId: string): Promise<number[]> {
    const history = await plane.client.workflow.getHandle(workflowIds.syncJob(connectorId, jobId)).fetchHistory();
    return (history.events ?? []).flatMap((event) => (event.activityTaskStartedEventAttributes ? [event.activityTaskStartedEventAttributes.attempt ?? 0] : []));
  }

  it('reads the rows of a query, in full and then incrementally', async () => {
    const connector = await createConnector({
      query: 'SELECT id, title, updated_at FROM notes WHERE id <= 15',
      updatedAtColumn: 'updated_at',
      titleColumn: 'title',
    });
    expect(connector.state, connector.stateReason).toBe('connected');

    const full = await sync(connector.id);
    expect(full, full.error).toMatchObject({ status: 'succeeded', progress: { collected: 15, indexed: 15, total: 15 } });
    await client.query(`UPDATE notes SET title = title || ' (edited)', updated_at = now() + interval '1 minute' WHERE id IN (1, 2, 16)`);
    const incremental = await sync(connector.id);
    expect(incremental, incremental.error).toMatchObject({ status: 'succeeded', mode: 'incremental', progress: { collected: 2, indexed: 2 } });
    const documents = await plane.request('GET', `/v1/collections/${connector.id}/documents?q=edited`);
    expect(documents.body.data.map((document: { title: string }) => document.title).sort()).toEqual(['Note 1 (edited)', 'Note 2 (edited)']);
  });

  it('leaves a connector whose query writes unconnected, naming read-only, and its check writes nothing', async () => {
    const connector = await createConnector({ query: 'SELECT * FROM notes) AS source; DELETE FROM notes; SELECT * FROM (SELECT * FROM notes' });
    expect(await noteCount()).toBe(20);
    expect(connector.state).toBe('auth_required');
    expect(connector.stateReason).toMatch(/read-only/);
  });

  it.each([
    ['a data-modifying CTE', 'WITH x AS (DELETE FROM notes RETURNING *) SELECT * FROM x'],
    ['a second statement after the query', 'SELECT * FROM notes) AS source; DELETE FROM notes; SELECT * FROM (SELECT * FROM notes'],
    ['a function that deletes', 'SELECT * FROM purge_notes()'],
  ])('fails a sync whose query writes (%s) at once, naming read-only, and writes nothing', async (_name, query) => {
    const connector = await createConnector({ query: 'SELECT id, title FROM notes' });
    expect(connector.state, connector.stateReason).toBe('connected');
    // A change of config is not checked again, so only the sync itself stands between the query and the rows.
    const patched = await plane.request('PATCH', `/v1/connectors/${connector.id}`, { body: { config: { query } } });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);

    const job = await sync(connector.id, 'full');
    expect(job).toMatchObject({ status: 'failed', progress: { collected: 0 } });
    expect(job.error).toMatch(/PostgreSQL refused the source query.*read-only/);
    expect(await activityAttempts(connector.id, job.jobId)).not.toContain(2);
    expect(await noteCount()).toBe(20);
  });

  it('has the server cancel a query that runs past the statement timeout', async () => {
    const started = Date.now();
    const source = openPostgresSource(readContext(sourceConfig({ query: 'SELECT 1 AS id, pg_sleep(20) AS slept', statementTimeoutSeconds: 1 })));
    await expect(source.read(null)).rejects.toThrow(/statement timeout/);
    expect(Date.now() - started).toBeLessThan(10_000);
    // The backend itself stopped: nothing of the query is still running on the server.
    const running = await client.query(`SELECT pid FROM pg_stat_activity WHERE query LIKE '%pg_sleep(20)%' AND state = 'active' AND pid <> pg_backend_pid()`);
    expect(running.rows).toEqual([]);
  });

  it('heartbeats while a slow statement runs, so the sync activity is not timed out meanwhile', async () => {
    let beats = 0;
    const context = readContext(sourceConfig({ query: 'SELECT 1 AS id FROM pg_sleep(6)' }));
    const source = openPostgresSource({ ...context, heartbeat: () => (beats += 1) });
    // From a checkpoint, so the page is the only statement.
    const page = await source.read({ afterId: null, afterUpdated: null, total: 1 });
    expect(page.documents).toHaveLength(1);
    expect(beats).toBeGreaterThan(0);
  });

  describe('without table or query', () => {
    // Three tables (one keyed by a column, one by two, one without a key) and, outside the schema, a table never read.
    beforeEach(async () => {
      await client.query(`
        DROP SCHEMA IF EXISTS catalog CASCADE;
        DROP TABLE IF EXISTS public.elsewhere;
        CREATE SCHEMA catalog;
        CREATE TABLE catalog.articles (id int PRIMARY KEY, title text NOT NULL, body text NOT NULL, updated_at timestamptz NOT NULL);
        INSERT INTO catalog.articles VALUES
          (1, 'Pricing', 'Per seat.', '2024-05-01T10:00:00Z'), (2, 'Support', 'Mail us.', '2024-05-02T10:00:00Z'), (10, 'Roadmap', 'Search first.', '2024-05-03T10:00:00Z');
        CREATE TABLE catalog.stock (sku text, warehouse int, quantity int NOT NULL, PRIMARY KEY (sku, warehouse));
        INSERT INTO catalog.stock VALUES ('A/1', 1, 5), ('A/1', 2, 0), ('B', 1, 12);
        CREATE TABLE catalog.audit_log (at timestamptz NOT NULL, message text NOT NULL);
        INSERT INTO catalog.audit_log VALUES (now(), 'seeded');
        CREATE TABLE public.elsewhere (id int PRIMARY KEY);
        INSERT INTO public.elsewhere VALUES (1);
      `);
    });

    function schemaConfig(): Record<string, unknown> {
      const url = new URL(source.url as string);
      return { host: url.hostname, port: Number(url.port), database: url.pathname.slice(1), schema: 'catalog' };
    }

    async function storedById(connectorId: string): Promise<Map<string, { title: string; content: string; metadata: Record<string, string> }>> {
      const documents = await plane.request('GET', `/v1/collections/${connectorId}/documents?limit=200`);
      expect(documents.status, JSON.stringify(documents.body)).toBe(200);
      return new Map(documents.body.data.map((document: { externalId: string }) => [document.externalId, document]));
    }

    it('stores exactly the rows of the keyed tables, by primary key, and reports the table without one as skipped; an incremental sync writes only the changes', async () => {
      const created = await plane.request('POST', '/v1/connectors', { body: { name: 'Catalog', type: 'postgresql', config: schemaConfig(), credentials } });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      const connector = created.body.data;
      expect(connector.state, connector.stateReason).toBe('connected');

      const full = await sync(connector.id, 'full');
      // Collected counts the skipped table with the six rows.
      expect(full, full.error).toMatchObject({ status: 'succeeded', progress: { collected: 7, indexed: 6, skipped: 1, failed: 0, total: 6 } });
      const failures = await plane.request('GET', `/v1/connectors/${connector.id}/sync/${full.jobId}/failures`);
      expect(failures.body.data).toEqual([expect.objectContaining({ externalId: 'audit_log', stage: 'skip', error: expect.stringMatching(/no primary key/) })]);
      const stored = await storedById(connector.id);
      // Keyset order is the key's own: 10 after 2; a `/` inside a key value is escaped, so the id splits back.
      expect([...stored.keys()].sort()).toEqual(['articles/1', 'articles/10', 'articles/2', 'stock/A%2F1/1', 'stock/A%2F1/2', 'stock/B/1']);
      expect(stored.get('articles/10')).toMatchObject({
        title: '10',
        content: 'id: 10\ntitle: Roadmap\nbody: Search first.\nupdated_at: 2024-05-03T10:00:00.000Z',
        metadata: { table: 'articles' },
      });
      expect(stored.get('stock/A%2F1/2')).toMatchObject({ title: 'A%2F1/2', content: 'sku: A/1\nwarehouse: 2\nquantity: 0', metadata: { table: 'stock' } });

      await client.query(`
        UPDATE catalog.articles SET body = 'Per seat, billed yearly.' WHERE id = 1;
        INSERT INTO catalog.stock VALUES ('C', 3, 7);
        INSERT INTO catalog.audit_log VALUES (now(), 'changed');
      `);
      const incremental = await sync(connector.id, 'incremental');
      expect(incremental, incremental.error).toMatchObject({ status: 'succeeded', mode: 'incremental', progress: { indexed: 2, failed: 0 } });
      const after = await storedById(connector.id);
      expect(after.size).toBe(7);
      expect(after.get('articles/1')?.content).toContain('body: Per seat, billed yearly.');
      expect(after.get('stock/C/3')?.content).toBe('sku: C\nwarehouse: 3\nquantity: 7');
    });

    it('reads only the rows changed since the last sync in the tables that have `updatedAtColumn`, every row elsewhere, and lists every id for a prune', async () => {
      const config = postgresqlConfigSchema.parse({ ...schemaConfig(), updatedAtColumn: 'updated_at', titleColumn: 'title' });
      const incremental = openPostgresSource(
        directReadContext(config, { credential: { kind: 'database_password', secret: credentials }, since: '2024-05-02T12:00:00Z' }),
      );
      const documents = (await readEveryPage(incremental)).flatMap((page) => page.documents);
      expect(documents.map((document) => [document.externalId, document.title])).toEqual([
        ['articles/10', 'Roadmap'],
        ['stock/A%2F1/1', 'A%2F1/1'],
        ['stock/A%2F1/2', 'A%2F1/2'],
        ['stock/B/1', 'B/1'],
      ]);
      expect(documents[0]?.updatedAt).toBe('2024-05-03T10:00:00.000Z');

      const listed: string[] = [];
      for await (const batch of incremental.listIds?.() ?? []) listed.push(...batch);
      expect(listed).toEqual(['articles/1', 'articles/2', 'articles/10', 'stock/A%2F1/1', 'stock/A%2F1/2', 'stock/B/1']);
    });

    it('leaves a connector unconnected when its schema has no table with a primary key', async () => {
      await client.query('DROP TABLE catalog.articles, catalog.stock');
      const created = await plane.request('POST', '/v1/connectors', { body: { name: 'Logs', type: 'postgresql', config: schemaConfig(), credentials } });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      expect(created.body.data.state).toBe('auth_required');
      expect(created.body.data.stateReason).toMatch(/schema "catalog" has no table with a primary key/);
    });

    it('resumes from a checkpoint naming a table and its last key, in the middle of a composite key', async () => {
      const source = openPostgresSource(readContext(postgresqlConfigSchema.parse(schemaConfig())));
      const page = await source.read({ table: 'stock', after: JSON.stringify(['A/1', '1']), total: 6 });
      expect(page.documents.map((document) => document.externalId)).toEqual(['stock/A%2F1/2', 'stock/B/1']);
      expect(page).toMatchObject({ next: null, skipped: [], total: 6 });
    });
  });
});

/** A read context for calling the source directly. */
function readContext(config: PostgresqlConfig): ReadContext<PostgresqlConfig> {
  return directReadContext(config, { credential: { kind: 'database_password', secret: credentials } });
}
