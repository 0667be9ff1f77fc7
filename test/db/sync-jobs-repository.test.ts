import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changeSyncJobStatus, findSyncJobRow, SyncStatusError } from '../../db/repositories/sync-jobs.ts';
import { openSyncJob } from '../../db/repositories/sync-job-start.ts';
import { newId } from '../../domain/ids.ts';
import { createTestDatabase, dialects, type TestDatabase } from '../support/databases.ts';

describe.each(dialects)('sync job repository on %s', (dialect) => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
  });
  afterAll(async () => database?.drop());

  async function runningJob(): Promise<string> {
    const id = newId('job');
    const opened = await openSyncJob(database.db, {
      id,
      workspaceId: 'ws',
      connectorId: newId('conn'),
      kind: 'sync',
      requestedMode: 'full',
      trigger: 'manual',
      status: 'running',
      workflowId: null,
      now: new Date().toISOString(),
    });
    expect(opened.opened).toBe(true);
    return id;
  }

  it('refuses a status the job is already past, and says so', async () => {
    const id = await runningJob();
    expect(await changeSyncJobStatus(database.db, id, 'succeeded', { finished: true, now: new Date().toISOString() })).toBe(true);
    expect(await changeSyncJobStatus(database.db, id, 'canceling', { now: new Date().toISOString() })).toBe(false);
    expect((await findSyncJobRow(database.db, id))?.status).toBe('succeeded');
  });

  it('names a job that does not exist', async () => {
    await expect(changeSyncJobStatus(database.db, 'job_missing', 'failed', { now: new Date().toISOString() })).rejects.toThrow(SyncStatusError);
  });

  it('reports success to exactly one of two endings that race', async () => {
    for (let round = 0; round < 20; round += 1) {
      const id = await runningJob();
      const now = new Date().toISOString();
      const [failed, canceled] = await Promise.all([
        changeSyncJobStatus(database.db, id, 'failed', { finished: true, error: 'boom', now }),
        changeSyncJobStatus(database.db, id, 'canceled', { finished: true, now }),
      ]);
      expect([failed, canceled].filter(Boolean)).toHaveLength(1);
      expect((await findSyncJobRow(database.db, id))?.status).toBe(failed ? 'failed' : 'canceled');
    }
  });
});
