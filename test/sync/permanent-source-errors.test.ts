import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DeleteBucketCommand, S3Client } from '@aws-sdk/client-s3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresqlLocation } from '../support/fixtures.ts';
import { dropRole, createTestDatabase, type TestDatabase } from '../support/databases.ts';
import { startControlPlane, waitForSync, type ControlPlane } from '../support/control-plane.ts';
import { startLocalServer, type LocalServer } from '../support/http-server.ts';
import { startLocalS3, type LocalS3 } from '../support/s3-server.ts';
import { countRetriedSyncPages, startTestWorker, type TestWorker } from '../support/temporal.ts';

/** Well under the minutes a retried page would take: a permanent failure must end the job on its first attempt. */
const PROMPT_FAILURE_MS = 15_000;

/**
 * A source that cannot be read as configured fails the sync at once with the reason; a source that
 * is only unavailable for a moment is retried until it answers.
 */
describe('permanent source errors', () => {
  let plane: ControlPlane;
  let site: LocalServer;
  let s3: LocalS3;
  let source: TestDatabase;
  let admin: pg.Client;
  /** The worker that replaces the plane's own once the address policy is tightened. */
  let strictWorker: TestWorker | undefined;
  const role = `reader_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const answers = new Map<string, number>();
  const folders = mkdtempSync(path.join(tmpdir(), 'tributary-permanent-'));

  beforeAll(async () => {
    plane = await startControlPlane('sqlite', { directoryRoots: [folders] });
    site = await startLocalServer((request, response) => {
      const seen = (answers.get(request.path) ?? 0) + 1;
      answers.set(request.path, seen);
      // Four bad answers outlast the reader's own retries, so the page itself must be retried.
      if (request.path === '/busy' && seen <= 4) {
        response.writeHead(503, { 'retry-after': '0' });
        return response.end('busy');
      }
      if (request.path === '/reset' && seen <= 4) return response.destroy();
      if (request.path === '/busy' || request.path === '/reset') {
        response.writeHead(200, { 'content-type': 'text/html' });
        return response.end('<html><body>Back again, <a href="/private/notes">notes</a></body></html>');
      }
      // The crawl counts the linked page but may not read it: a finished job still reports 100 %.
      if (request.path === '/robots.txt') {
        response.writeHead(200, { 'content-type': 'text/plain' });
        return response.end('User-agent: *\nDisallow: /private/\n');
      }
      response.writeHead(404, { 'content-type': 'text/plain' });
      return response.end('gone');
    });
    s3 = await startLocalS3(['removed', 'kept']);
    source = await createTestDatabase('postgres');
    admin = new pg.Client({ connectionString: source.url });
    await admin.connect();
    await admin.query("CREATE TABLE notes (id int PRIMARY KEY, body text NOT NULL); INSERT INTO notes VALUES (1, 'one')");
    await admin.query("CREATE TABLE drafts (id int PRIMARY KEY, body text NOT NULL); INSERT INTO drafts VALUES (1, 'one')");
    await admin.query(`CREATE ROLE ${role} LOGIN; GRANT SELECT ON notes TO ${role}`);
  });
  afterAll(async () => {
    if (strictWorker) {
      await strictWorker.stop();
      await plane.client.connection.close();
      await plane.database.drop();
    } else {
      await plane?.close();
    }
    await site?.close();
    await s3?.close();
    rmSync(folders, { recursive: true, force: true });
    await admin?.end();
    await source?.drop();
    await dropRole(role);
  });

  async function create(body: Record<string, unknown>): Promise<string> {
    const created = await plane.request('POST', '/v1/connectors', { body: { name: `Permanent ${String(body.type)}`, ...body } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.data.state, created.body.data.stateReason).toBe('connected');
    return created.body.data.id as string;
  }

  /** Runs a sync to its end; how long it took and how many of its page attempts were retries. */
  async function sync(connectorId: string) {
    const began = Date.now();
    const started = await plane.request('POST', `/v1/connectors/${connectorId}/sync`, {});
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    const job = await waitForSync(plane, connectorId, started.body.data.jobId, 60_000);
    const elapsedMs = Date.now() - began;
    const row = await plane.database.db.selectFrom('sync_jobs').select('workflow_id').where('id', '=', job.jobId).executeTakeFirstOrThrow();
    return { job, elapsedMs, retriedPages: await countRetriedSyncPages(plane.client, row.workflow_id as string) };
  }

  async function expectPromptFailure(connectorId: string, reason: string | RegExp): Promise<void> {
    const { job, elapsedMs, retriedPages } = await sync(connectorId);
    expect({ status: job.status, retriedPages, etaSeconds: job.progress.etaSeconds }, job.error).toEqual({
      status: 'failed',
      retriedPages: 0,
      etaSeconds: null,
    });
    expect(job.error).toMatch(reason);
    expect(elapsedMs).toBeLessThan(PROMPT_FAILURE_MS);
  }

  const postgresql = (config: Record<string, unknown>, username = 'postgres') => ({
    type: 'postgresql',
    config: { ...postgresqlLocation(source.url as string), idColumn: 'id', ...config },
    credentials: { username, password: 'unused-with-trust-auth' },
  });

  it('fails at once when the start URL of a web source answers 404', async () => {
    const id = await create({ type: 'web_scraper', config: { url: `${site.url}/gone`, extractionType: 'single' } });
    await expectPromptFailure(id, `The start URL ${site.url}/gone could not be read: 404`);
  });

  it('fails at once when the folder of an upload source is gone', async () => {
    const folder = path.join(folders, 'minutes');
    mkdirSync(folder);
    writeFileSync(path.join(folder, 'board.txt'), 'Board minutes');
    const id = await create({ type: 'upload', config: { directory: folder } });
    rmSync(folder, { recursive: true });
    await expectPromptFailure(id, /is not a readable folder under one of the allowed folders/);
  });

  it('fails at once when the table of a PostgreSQL source is gone', async () => {
    const id = await create(postgresql({ table: 'drafts' }));
    await admin.query('DROP TABLE drafts');
    await expectPromptFailure(id, /relation "public.drafts" does not exist/);
  });

  it('fails at once when a PostgreSQL source may no longer read its table', async () => {
    const id = await create(postgresql({ table: 'notes' }, role));
    await admin.query(`REVOKE SELECT ON notes FROM ${role}`);
    await expectPromptFailure(id, /permission denied for table notes/);
  });

  it('fails at once when the bucket of an S3 source is gone', async () => {
    const id = await create({
      type: 's3',
      config: { bucket: 'removed', region: 'us-east-1', endpoint: s3.endpoint },
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    });
    const client = new S3Client({
      region: 'us-east-1',
      endpoint: s3.endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    });
    await client.send(new DeleteBucketCommand({ Bucket: 'removed' })).finally(() => client.destroy());
    await expectPromptFailure(id, /NoSuchBucket/);
  });

  it('retries a web source that answers 503 or drops the connection until it answers, then reports the crawl complete', async () => {
    for (const page of ['/busy', '/reset']) {
      const id = await create({ type: 'web_scraper', config: { url: `${site.url}${page}`, extractionType: 'all', delayMs: 0 } });
      const { job, retriedPages } = await sync(id);
      expect(job, job.error).toMatchObject({ status: 'succeeded', progress: { indexed: 1, percent: 100, etaSeconds: 0 } });
      expect(retriedPages).toBeGreaterThan(0);
      const status = await plane.request('GET', `/v1/connectors/${id}/sync/${job.jobId}`);
      expect(status.body.data.progress).toMatchObject({ percent: 100, etaSeconds: 0 });
    }
  });

  // Last: the worker is replaced by one whose address policy no longer allows what the connectors were made with.
  describe('once the address policy refuses what a connector was made with', () => {
    const ids: Record<string, string> = {};

    beforeAll(async () => {
      ids.web = await create({ type: 'web_scraper', config: { url: `${site.url}/busy`, extractionType: 'single' } });
      ids.postgresql = await create(postgresql({ table: 'notes' }));
      ids.s3 = await create({
        type: 's3',
        config: { bucket: 'kept', region: 'us-east-1', endpoint: s3.endpoint },
        credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
      });
      await plane.worker.stop();
      strictWorker = await startTestWorker({
        db: plane.database.db,
        client: plane.client,
        taskQueue: plane.worker.taskQueue,
        allowedHosts: [],
      });
    });

    it.each([
      { type: 'web', reason: '127.0.0.1 is a private or local address' },
      { type: 'postgresql', reason: '127.0.0.1 resolves to 127.0.0.1, a private or local address' },
      { type: 's3', reason: '127.0.0.1 is a private or local address' },
    ])('fails a $type source at once', async ({ type, reason }) => {
      await expectPromptFailure(ids[type] as string, reason);
    });
  });
});
