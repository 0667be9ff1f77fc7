import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startControlPlane, waitForSync, type ControlPlane } from '../support/control-plane.ts';
import { startFakeSite, type FakeSite } from '../support/fake-site.ts';

const EXTRA_PAGES = 40;

/**
 * A crawl page whose commit fails is fetched again in full by its retry: the crawl frontier moves
 * with the page's transaction. The failure is real: a PostgreSQL trigger refuses the first insert of
 * one page's document (a sequence, which no rollback resets, makes it happen once).
 */
describe('the crawl frontier', () => {
  let plane: ControlPlane;
  let site: FakeSite;

  beforeAll(async () => {
    plane = await startControlPlane('postgres');
    site = await startFakeSite({ extraPages: EXTRA_PAGES, failingPages: false });
    await sql`CREATE SEQUENCE commit_failures`.execute(plane.database.db);
    await sql`
      CREATE FUNCTION fail_first_commit() RETURNS trigger AS $$
      BEGIN
        IF NEW.external_id LIKE '%/extra/5' AND nextval('commit_failures') = 1 THEN
          RAISE EXCEPTION 'injected failure of the page commit';
        END IF;
        RETURN NEW;
      END $$ LANGUAGE plpgsql`.execute(plane.database.db);
    await sql`CREATE TRIGGER fail_first_commit BEFORE INSERT ON documents FOR EACH ROW EXECUTE FUNCTION fail_first_commit()`.execute(plane.database.db);
  });
  afterAll(async () => {
    await plane?.close();
    await site?.close();
  });

  it('moves with the page: a page whose commit fails is crawled again by its retry, and the sync ends with every page and its frontier removed', async () => {
    const created = await plane.request('POST', '/v1/connectors', {
      body: { name: 'Replayed crawl', type: 'web_scraper', config: { url: `${site.url}/`, extractionType: 'all', delayMs: 0 } },
    });
    expect(created.status).toBe(201);
    const id = created.body.data.id;
    const started = await plane.request('POST', `/v1/connectors/${id}/sync`, {});
    const job = await waitForSync(plane, id, started.body.data.jobId, 90_000);

    const failedCommits = await sql<{ last_value: string; is_called: boolean }>`SELECT last_value, is_called FROM commit_failures`.execute(plane.database.db);
    expect(failedCommits.rows[0]?.is_called).toBe(true);
    const pages = ['/', '/a', '/b', '/c', '/d', ...Array.from({ length: EXTRA_PAGES }, (_, index) => `/extra/${index}`)];
    const stored = await plane.database.db.selectFrom('documents').select('external_id').where('connector_id', '=', id).execute();
    expect(stored.map((row) => row.external_id).sort()).toEqual(pages.map((path) => `${site.url}${path}`).sort());
    expect(job).toMatchObject({ status: 'succeeded', progress: { indexed: pages.length, failed: 0 } });
    const frontier = await plane.database.db.selectFrom('crawl_frontier').select('url').where('job_id', '=', job.jobId).execute();
    expect(frontier).toEqual([]);
  });

  it('leaves no frontier behind when its connector is deleted in the middle of the crawl', async () => {
    const slow = await startFakeSite({ extraPages: 60, failingPages: false, delayMs: 40 });
    try {
      const created = await plane.request('POST', '/v1/connectors', {
        body: { name: 'Deleted mid-crawl', type: 'web_scraper', config: { url: `${slow.url}/`, extractionType: 'all', delayMs: 0 } },
      });
      const id = created.body.data.id;
      const started = await plane.request('POST', `/v1/connectors/${id}/sync`, {});
      const frontierOf = () => plane.database.db.selectFrom('crawl_frontier').select('url').where('job_id', '=', started.body.data.jobId).execute();
      await eventually(async () => expect((await frontierOf()).length).toBeGreaterThan(10), 30_000);
      expect((await plane.request('DELETE', `/v1/connectors/${id}`)).status).toBe(202);
      await eventually(async () => expect((await plane.request('GET', `/v1/connectors/${id}`)).status).toBe(404), 30_000);
      expect(await frontierOf()).toEqual([]);
    } finally {
      await slow.close();
    }
  });
});
