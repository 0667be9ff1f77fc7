import { CancelledFailure, WorkflowFailedError } from '@temporalio/client';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workflowIds } from '../../domain/workflow-ids.ts';
import { postgresqlLocation } from '../support/fixtures.ts';
import { createTestDatabase, dialects, type TestDatabase } from '../support/databases.ts';
import { eventually, startControlPlane, waitForSync, type ControlPlane } from '../support/control-plane.ts';

const ROWS = 60;

/**
 * A sync and a prune of one connector never overlap, and a delete stops a prune a schedule started.
 * The source is a PostgreSQL query that sleeps on every row, so each read and listing takes seconds.
 */
describe.each(dialects)('sync, prune and delete of one connector on %s', (dialect) => {
  let plane: ControlPlane;
  let source: TestDatabase;

  beforeAll(async () => {
    plane = await startControlPlane(dialect);
    source = await createTestDatabase('postgres');
    const client = new pg.Client({ connectionString: source.url });
    await client.connect();
    await client.query('CREATE TABLE notes (id int PRIMARY KEY, body text NOT NULL)');
    await client.query(`INSERT INTO notes SELECT n, 'Note ' || n FROM generate_series(1, ${ROWS}) AS n`);
    await client.end();
  });
  afterAll(async () => {
    await plane?.close();
    await source?.drop();
  });

  async function slowConnector(name: string): Promise<string> {
    const created = await plane.request('POST', '/v1/connectors', {
      body: {
        name,
        type: 'postgresql',
        config: {
          ...postgresqlLocation(source.url as string),
          query: 'SELECT id, body, pg_sleep(0.03) AS nap FROM notes',
          idColumn: 'id',
          contentColumns: ['body'],
        },
        credentials: { username: 'postgres', password: 'unused-with-trust-auth' },
        pruneSchedule: { type: 'interval', everySeconds: 86400 },
      },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return created.body.data.id;
  }

  async function sync(connectorId: string) {
    const started = await plane.request('POST', `/v1/connectors/${connectorId}/sync`, { body: { mode: 'full' } });
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    return started.body.data.jobId as string;
  }

  async function jobs(connectorId: string): Promise<Array<{ jobId: string; kind: string; status: string; progress: { deleted: number } }>> {
    return (await plane.request('GET', `/v1/connectors/${connectorId}/syncs`)).body.data;
  }

  async function activeJob(connectorId: string, kind: 'sync' | 'prune') {
    return eventually(async () => {
      const job = (await jobs(connectorId)).find((candidate) => candidate.kind === kind && candidate.status === 'running');
      if (!job) throw new Error(`no running ${kind}`);
      return job;
    }, 30_000);
  }

  async function rowsOf(table: 'documents' | 'sync_jobs' | 'sync_failures', connectorId: string): Promise<number> {
    const row = await plane.database.db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('connector_id', '=', connectorId)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async function runPruneSchedule(connectorId: string) {
    await plane.client.schedule.getHandle(workflowIds.connectorPruneSchedule(connectorId)).trigger();
    return activeJob(connectorId, 'prune');
  }

  it('skips a prune that fires during a sync, and the sync keeps every document', async () => {
    const id = await slowConnector('Prune during sync');
    const jobId = await sync(id);
    await activeJob(id, 'sync');
    await plane.client.schedule.getHandle(workflowIds.connectorPruneSchedule(id)).trigger();
    const prune = await eventually(async () => {
      const query = `WorkflowId STARTS_WITH '${workflowIds.pruneConnector(id)}-' AND ExecutionStatus = 'Completed'`;
      for await (const execution of plane.client.workflow.list({ query })) return plane.client.workflow.getHandle(execution.workflowId).result();
      throw new Error('prune not finished');
    }, 30_000);
    expect(prune).toEqual({ connectorId: id, status: 'skipped', activeJobId: jobId });
    expect(await waitForSync(plane, id, jobId)).toMatchObject({ status: 'succeeded', progress: { indexed: ROWS, deleted: 0 } });
    expect(await rowsOf('documents', id)).toBe(ROWS);
    expect((await jobs(id)).map((job) => job.kind)).toEqual(['sync']);
  });

  it('refuses a sync while a prune runs, with 409 naming the prune, and the prune keeps every live document', async () => {
    const id = await slowConnector('Sync during prune');
    await waitForSync(plane, id, await sync(id));
    const prune = await runPruneSchedule(id);
    const refused = await plane.request('POST', `/v1/connectors/${id}/sync`, { body: { mode: 'full' } });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'conflict', details: { jobId: prune.jobId } });
    const restart = await plane.request('POST', `/v1/connectors/${id}/sync/${prune.jobId}/resync`);
    expect(restart.status).toBe(409);
    expect(restart.body.error.message).toContain('is a prune');
    const finished = await waitForSync(plane, id, prune.jobId);
    expect(finished).toMatchObject({ kind: 'prune', status: 'succeeded', progress: { collected: ROWS, deleted: 0 } });
    expect(await rowsOf('documents', id)).toBe(ROWS);
  });

  it('cancels a prune through the API, which stops it before it removes anything', async () => {
    const id = await slowConnector('Prune canceled');
    await waitForSync(plane, id, await sync(id));
    const prune = await runPruneSchedule(id);
    const canceled = await plane.request('POST', `/v1/connectors/${id}/sync/${prune.jobId}/cancel`);
    expect(canceled.status).toBe(202);
    expect(await waitForSync(plane, id, prune.jobId)).toMatchObject({ kind: 'prune', status: 'canceled' });
    expect(await rowsOf('documents', id)).toBe(ROWS);
  });

  it('stops a schedule-started prune on delete and leaves nothing behind', async () => {
    const id = await slowConnector('Delete during prune');
    await waitForSync(plane, id, await sync(id));
    const prune = await runPruneSchedule(id);
    const row = await plane.database.db.selectFrom('sync_jobs').select('workflow_id').where('id', '=', prune.jobId).executeTakeFirstOrThrow();
    expect(row.workflow_id).toMatch(new RegExp(`^${workflowIds.pruneConnector(id)}-`));
    expect((await plane.request('DELETE', `/v1/connectors/${id}`)).status).toBe(202);
    await eventually(async () => expect((await plane.request('GET', `/v1/connectors/${id}`)).status).toBe(404), 30_000);
    // The delete's cancel request ends the prune as Canceled, after it ended its job.
    const described = await plane.client.workflow.getHandle(row.workflow_id as string).describe();
    expect(described.status.name).toBe('CANCELLED');
    const ended = await plane.client.workflow
      .getHandle(row.workflow_id as string)
      .result()
      .catch((error: unknown) => error);
    expect(ended).toBeInstanceOf(WorkflowFailedError);
    expect((ended as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);
    for (const table of ['documents', 'sync_jobs', 'sync_failures'] as const) expect(await rowsOf(table, id), table).toBe(0);
  });
});
