import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changeConnector, insertConnectorIfAbsent } from '../../db/repositories/connectors.ts';
import { changeSyncJobStatus, commitSyncPage, findSyncJobRow, toSyncJob } from '../../db/repositories/sync-jobs.ts';
import { keepSourceCursor, openSyncJob } from '../../db/repositories/sync-job-start.ts';
import { ensureWorkspace } from '../../db/repositories/workspaces.ts';
import { newId } from '../../domain/ids.ts';
import type { SyncJobKind } from '../../domain/sync-job.ts';
import { aConnector } from '../support/connector-rows.ts';
import { createTestDatabase, dialects, type TestDatabase } from '../support/databases.ts';

const noChange = { collected: 0, parsed: 0, indexed: 0, unchanged: 0, deleted: 0, failed: 0, skipped: 0, sanitized: 0, bytes: 0 };

/**
 * Where an incremental sync starts: the start of the last successful sync of the same config, and
 * the source cursor that sync handed out; a failed sync, a prune or a config change moves neither.
 */
describe.each(dialects)('where an incremental sync starts, on %s', (dialect) => {
  let database: TestDatabase;
  let clock = Date.UTC(2026, 5, 1);
  const tick = () => new Date((clock += 1000)).toISOString();

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    await ensureWorkspace(database.db, 'ws', 'W', new Date());
  });
  afterAll(async () => database?.drop());

  async function storedConnector(): Promise<string> {
    const connector = aConnector({ workspaceId: 'ws', state: 'connected' });
    await insertConnectorIfAbsent(database.db, connector);
    return connector.id;
  }

  /** Opens a job, commits one page that hands out `nextCursor` (if given), and ends it with `status`. */
  async function run(connectorId: string, options: { status: 'succeeded' | 'failed' | 'canceled'; nextCursor?: string; kind?: SyncJobKind }) {
    const id = newId('job');
    const opened = await openSyncJob(database.db, {
      id,
      workspaceId: 'ws',
      connectorId,
      kind: options.kind ?? 'sync',
      requestedMode: 'incremental',
      trigger: 'manual',
      status: 'running',
      workflowId: null,
      now: tick(),
    });
    expect(opened.opened).toBe(true);
    await commitSyncPage(database.db, {
      jobId: id,
      page: 0,
      delta: noChange,
      checkpoint: null,
      total: null,
      nextSourceCursor: options.nextCursor,
      now: tick(),
    });
    if (options.status === 'succeeded') await keepSourceCursor(database.db, id);
    await changeSyncJobStatus(database.db, id, options.status, { finished: true, now: tick() });
    return (await findSyncJobRow(database.db, id))!;
  }

  it('starts from the last successful sync’s cursor, which a failed or canceled sync does not move', async () => {
    const connectorId = await storedConnector();
    const first = await run(connectorId, { status: 'succeeded', nextCursor: 'token-1' });
    expect(first.mode).toBe('full');

    await run(connectorId, { status: 'failed', nextCursor: 'token-failed' });
    await run(connectorId, { status: 'canceled', nextCursor: 'token-canceled' });
    const next = await run(connectorId, { status: 'succeeded', nextCursor: 'token-2' });
    expect(next).toMatchObject({ mode: 'incremental', since: first.started_at, source_cursor: 'token-1', next_source_cursor: 'token-2' });

    // A source that hands out no new cursor keeps the one it was given.
    const quiet = await run(connectorId, { status: 'succeeded' });
    expect(quiet).toMatchObject({ mode: 'incremental', source_cursor: 'token-2', next_source_cursor: 'token-2' });
    expect((await run(connectorId, { status: 'succeeded' })).source_cursor).toBe('token-2');
  });

  it('does not count a prune as a sync to start from', async () => {
    const connectorId = await storedConnector();
    const sync = await run(connectorId, { status: 'succeeded' });
    await run(connectorId, { status: 'succeeded', kind: 'prune' });
    const next = await run(connectorId, { status: 'succeeded' });
    expect(next).toMatchObject({ mode: 'incremental', since: sync.started_at });
  });

  it('reads in full after a config change, dropping the cursor, and incrementally again after that', async () => {
    const connectorId = await storedConnector();
    await run(connectorId, { status: 'succeeded', nextCursor: 'token-before' });
    await changeConnector(
      database.db,
      connectorId,
      (current) => ({ config: { ...current.config, extractionType: 'all' } }),
      () => new Date(),
    );
    const afterChange = await run(connectorId, { status: 'succeeded', nextCursor: 'token-after' });
    expect(afterChange).toMatchObject({ mode: 'full', since: null, source_cursor: null });
    expect((await run(connectorId, { status: 'succeeded' })).source_cursor).toBe('token-after');
  });

  it('shows a cursor masked: a URL keeps its origin, path and parameter names', async () => {
    const connectorId = await storedConnector();
    const link = 'https://graph.microsoft.com/v1.0/drives/b!abc/root/delta?token=MzE0MTU5MjY1MzU4OTc5';
    await run(connectorId, { status: 'succeeded', nextCursor: link });
    const job = toSyncJob(await run(connectorId, { status: 'succeeded', nextCursor: 'opaque-page-token-98765' }), new Date());
    expect(job.sourceCursor).toEqual({ from: 'https://graph.microsoft.com/v1.0/drives/b!abc/root/delta?token=••••OTc5', next: '••••8765' });
    expect(JSON.stringify(job)).not.toContain('MzE0MTU5MjY1MzU4OTc5');
  });
});
