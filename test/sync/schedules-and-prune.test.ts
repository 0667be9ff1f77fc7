import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workflowIds } from '../../domain/workflow-ids.ts';
import { dialects } from '../support/databases.ts';
import { eventually, startControlPlane, type ControlPlane } from '../support/control-plane.ts';

describe.each(dialects)('schedules, pruning and long syncs on %s', (dialect) => {
  let plane: ControlPlane;
  let root: string;

  beforeAll(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'tributary-prune-'));
    plane = await startControlPlane(dialect, { directoryRoots: [root] });
  });
  afterAll(async () => {
    await plane?.close();
    rmSync(root, { recursive: true, force: true });
  });

  function folderWith(files: number): string {
    const folder = mkdtempSync(path.join(root, 'docs-'));
    for (let index = 0; index < files; index += 1) {
      const directory = path.join(folder, `part-${Math.floor(index / 500)}`);
      mkdirSync(directory, { recursive: true });
      writeFileSync(path.join(directory, `doc-${String(index).padStart(5, '0')}.txt`), `Document number ${index}`);
    }
    return folder;
  }

  async function documentCount(connectorId: string): Promise<number> {
    const row = await plane.database.db
      .selectFrom('documents')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('connector_id', '=', connectorId)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  it('starts the same sync workflow from the schedule, and prunes from the id listing', async () => {
    const folder = folderWith(20);
    const created = await plane.request('POST', '/v1/connectors', {
      body: { name: 'Scheduled', type: 'upload', config: { directory: folder }, pruneSchedule: { type: 'interval', everySeconds: 86400 } },
    });
    const id = created.body.data.id;
    await plane.client.schedule.getHandle(workflowIds.connectorSchedule(id)).trigger();
    const job = await eventually(async () => {
      const history = await plane.request('GET', `/v1/connectors/${id}/syncs`);
      expect(history.body.data[0]?.status).toBe('succeeded');
      return history.body.data[0];
    }, 60_000);
    expect(job).toMatchObject({ trigger: 'schedule', mode: 'full', progress: { indexed: 20 } });

    rmSync(path.join(folder, 'part-0', 'doc-00003.txt'));
    rmSync(path.join(folder, 'part-0', 'doc-00007.txt'));
    await plane.client.schedule.getHandle(workflowIds.connectorPruneSchedule(id)).trigger();
    await eventually(async () => expect(await documentCount(id)).toBe(18), 60_000);
    const ids = (await plane.request('GET', `/v1/collections/${id}/documents?limit=50`)).body.data.map(
      (document: { externalId: string }) => document.externalId,
    );
    expect(ids).not.toContain('part-0/doc-00003.txt');
    expect(ids).toContain('part-0/doc-00004.txt');
  });

  it('continues as new on long syncs and still ends with every document once', async () => {
    const folder = folderWith(2500);
    const created = await plane.request('POST', '/v1/connectors', { body: { name: 'Long', type: 'upload', config: { directory: folder } } });
    const id = created.body.data.id;
    const workflowId = `test-long-sync-${id}`;
    const handle = await plane.client.workflow.start('syncConnector', {
      workflowId,
      taskQueue: plane.worker.taskQueue,
      args: [{ connectorId: id, trigger: 'manual', mode: 'full', pagesPerRun: 1 }],
    });
    expect(await handle.result()).toMatchObject({ status: 'succeeded' });
    const runs = [];
    for await (const run of plane.client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) runs.push(run.status.name);
    expect(runs.filter((status) => status === 'CONTINUED_AS_NEW').length).toBeGreaterThanOrEqual(2);
    expect(await documentCount(id)).toBe(2500);
    const history = await plane.request('GET', `/v1/connectors/${id}/syncs`);
    expect(history.body.data).toHaveLength(1);
    expect(history.body.data[0].progress).toMatchObject({ collected: 2500, indexed: 2500, total: 2500 });
  });
});
