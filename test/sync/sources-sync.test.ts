import { DeleteBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, dialects, type TestDatabase } from '../support/databases.ts';
import { startControlPlane, type ControlPlane, syncToEnd } from '../support/control-plane.ts';
import { startFakeSite } from '../support/fake-site.ts';
import type { LocalServer } from '../support/http-server.ts';
import { startLocalS3, type LocalS3 } from '../support/s3-server.ts';

describe.each(dialects)('syncing real sources on %s', (dialect) => {
  let plane: ControlPlane;
  let site: LocalServer;
  let source: TestDatabase;
  let s3: LocalS3;

  beforeAll(async () => {
    plane = await startControlPlane(dialect);
    site = await startFakeSite();
    source = await createTestDatabase('postgres');
    s3 = await startLocalS3(['my-documents', 'incremental-documents', 'doomed']);
  });
  afterAll(async () => {
    await plane?.close();
    await site?.close();
    await source?.drop();
    await s3?.close();
  });

  const sync = (connectorId: string, mode?: 'full' | 'incremental') => syncToEnd(plane, connectorId, mode, 90_000);

  async function externalIds(collection: string): Promise<string[]> {
    const response = await plane.request('GET', `/v1/collections/${collection}/documents?limit=200`);
    return response.body.data.map((document: { externalId: string }) => document.externalId).sort();
  }

  it('crawls a site: links and sitemap, robots.txt, retries of 5xx and 429, failures counted', async () => {
    const created = await plane.request('POST', '/v1/connectors', {
      body: { name: 'Site', type: 'web_scraper', config: { url: `${site.url}/`, extractionType: 'all', delayMs: 0 } },
    });
    expect(created.status).toBe(201);
    const job = await sync(created.body.data.id);
    expect(job.status).toBe('succeeded');
    const pages = ['/', '/a', '/b', '/c', '/d', '/flaky', '/limited'].map((path) => `${site.url}${path}`).sort();
    expect(await externalIds(created.body.data.id)).toEqual(pages);
    expect(job.progress).toMatchObject({ indexed: 7, failed: 1 });
    expect(site.requests.some((request) => request.path.startsWith('/private'))).toBe(false);
    expect(site.requests.filter((request) => request.path === '/flaky')).toHaveLength(3);
    expect(site.requests.filter((request) => request.path === '/broken').length).toBeGreaterThanOrEqual(2);
    expect(site.requests.every((request) => request.headers['user-agent']?.startsWith('TributaryBot'))).toBe(true);

    const search = await plane.request('GET', `/v1/collections/${created.body.data.id}/documents?q=vacation`);
    expect(search.body.data.map((document: { title: string }) => document.title)).toEqual(['Page B']);

    const single = await plane.request('POST', '/v1/connectors', {
      body: { name: 'One page', type: 'web_scraper', config: { url: `${site.url}/a`, extractionType: 'single' } },
    });
    expect((await sync(single.body.data.id)).progress).toMatchObject({ collected: 1, indexed: 1 });
    expect(await externalIds(single.body.data.id)).toEqual([`${site.url}/a`]);
  });

  it('shows each connector’s status and when its last sync ended, as seed 001 lists them', async () => {
    const created = await plane.request('POST', '/v1/connectors', {
      body: { name: 'Status', type: 'web_scraper', config: { url: `${site.url}/a`, extractionType: 'single' } },
    });
    expect(created.body.data).toMatchObject({ state: 'connected', status: 'active', lastSync: null });
    const id: string = created.body.data.id;
    const listed = async () => {
      const page = await plane.request('GET', '/v1/connectors?limit=200');
      return page.body.data.find((connector: { id: string }) => connector.id === id);
    };

    const succeeded = await sync(id);
    expect(await listed()).toMatchObject({ status: 'active', lastSync: succeeded.finishedAt });

    // The page is gone: the sync fails, and the connector says so until one succeeds again.
    await plane.request('PATCH', `/v1/connectors/${id}`, { body: { config: { url: `${site.url}/missing-page` } } });
    const failed = await sync(id);
    expect(failed.status).toBe('failed');
    expect((await plane.request('GET', `/v1/connectors/${id}`)).body.data).toMatchObject({ state: 'connected', status: 'error', lastSync: failed.finishedAt });

    await plane.request('POST', `/v1/connectors/${id}/pause`);
    expect(await listed()).toMatchObject({ state: 'paused', status: 'paused', lastSync: failed.finishedAt });
  });

  it('reads a PostgreSQL table, incrementally by its updated-at column, and removes deleted rows on a full sync', async () => {
    const client = new pg.Client({ connectionString: source.url });
    await client.connect();
    try {
      await client.query('CREATE TABLE articles (id serial PRIMARY KEY, title text NOT NULL, body text NOT NULL, updated_at timestamptz NOT NULL)');
      await client.query(
        `INSERT INTO articles (title, body, updated_at) SELECT 'Article ' || n, 'Body of article ' || n, now() - interval '1 day' FROM generate_series(1, 2500) AS n`,
      );
      const url = new URL(source.url as string);
      const created = await plane.request('POST', '/v1/connectors', {
        body: {
          name: 'Articles',
          type: 'postgresql',
          config: {
            host: url.hostname,
            port: Number(url.port),
            database: url.pathname.slice(1),
            table: 'articles',
            idColumn: 'id',
            updatedAtColumn: 'updated_at',
            titleColumn: 'title',
            contentColumns: ['title', 'body'],
          },
          credentials: { username: 'postgres', password: 'unused-with-trust-auth' },
        },
      });
      expect(created.body.data.state).toBe('connected');
      const id = created.body.data.id;

      const first = await sync(id);
      expect(first).toMatchObject({ status: 'succeeded', mode: 'full' });
      expect(first.progress).toMatchObject({ collected: 2500, indexed: 2500, total: 2500 });
      const one = await plane.request('GET', `/v1/collections/${id}/documents?q=${encodeURIComponent('article 1234')}`);
      expect(one.body.data.map((document: { title: string }) => document.title)).toContain('Article 1234');

      await client.query(`UPDATE articles SET body = body || ' (edited)', updated_at = now() + interval '1 minute' WHERE id <= 10`);
      await client.query(
        `INSERT INTO articles (title, body, updated_at) SELECT 'New ' || n, 'Fresh', now() + interval '1 minute' FROM generate_series(1, 5) AS n`,
      );
      const incremental = await sync(id);
      expect(incremental).toMatchObject({ status: 'succeeded', mode: 'incremental' });
      expect(incremental.progress).toMatchObject({ collected: 15, indexed: 15, deleted: 0 });

      await client.query('DELETE FROM articles WHERE id IN (100, 200, 300)');
      const full = await sync(id, 'full');
      expect(full.progress).toMatchObject({ collected: 2502, indexed: 0, unchanged: 2502, deleted: 3 });
      const count = await plane.database.db
        .selectFrom('documents')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .where('connector_id', '=', id)
        .executeTakeFirstOrThrow();
      expect(Number(count.n)).toBe(2502);
    } finally {
      await client.end();
    }
  });

  it('reads objects under an S3 prefix through the AWS SDK', async () => {
    const client = new S3Client({
      region: 'us-east-1',
      endpoint: s3.endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    });
    try {
      const put = (Key: string, Body: string, ContentType: string) => client.send(new PutObjectCommand({ Bucket: 'my-documents', Key, Body, ContentType }));
      await put('documents/guide.md', '# Guide\n\nHow to **search**.', 'text/markdown');
      await put('documents/team/index.html', '<html><head><title>Team</title></head><body>Team page</body></html>', 'text/html');
      await put('documents/data.json', '{"a":1}', 'application/json');
      await put('other/ignored.txt', 'outside the prefix', 'text/plain');
      const created = await plane.request('POST', '/v1/connectors', {
        body: {
          name: 'Document Storage',
          type: 's3',
          collection: `col-${dialect}`,
          config: { bucket: 'my-documents', region: 'us-east-1', prefix: '/documents/', endpoint: s3.endpoint },
          credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
        },
      });
      expect(created.body.data.state, created.body.data.stateReason).toBe('connected');
      const job = await sync(created.body.data.id);
      expect(job.progress).toMatchObject({ collected: 3, indexed: 3, failed: 0 });
      expect(await externalIds(`col-${dialect}`)).toEqual(['documents/data.json', 'documents/guide.md', 'documents/team/index.html']);
      const team = await plane.request('GET', `/v1/collections/col-${dialect}/documents?q=team`);
      expect(team.body.data[0]).toMatchObject({ title: 'Team', url: 's3://my-documents/documents/team/index.html' });
    } finally {
      client.destroy();
    }
  });

  function s3Client(): S3Client {
    return new S3Client({
      region: 'us-east-1',
      endpoint: s3.endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    });
  }

  async function createS3Connector(bucket: string, prefix: string): Promise<string> {
    const created = await plane.request('POST', '/v1/connectors', {
      body: {
        name: `Bucket ${bucket}`,
        type: 's3',
        config: { bucket, region: 'us-east-1', prefix, endpoint: s3.endpoint },
        credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
      },
    });
    expect(created.body.data.state, created.body.data.stateReason).toBe('connected');
    return created.body.data.id as string;
  }

  it('reads only the S3 objects modified since the last successful sync', async () => {
    const client = s3Client();
    try {
      const put = (Key: string, Body: string) => client.send(new PutObjectCommand({ Bucket: 'incremental-documents', Key, Body, ContentType: 'text/plain' }));
      await put(`${dialect}/one.txt`, 'First object.');
      await put(`${dialect}/two.txt`, 'Second object.');
      await put(`${dialect}/three.txt`, 'Third object.');
      const id = await createS3Connector('incremental-documents', `${dialect}/`);
      const first = await sync(id);
      expect(first).toMatchObject({ status: 'succeeded', mode: 'full', progress: { collected: 3, indexed: 3 } });
      // S3 keeps modification times to the second: the change must land in a later second than the sync began.
      await new Promise((resolve) => setTimeout(resolve, 1100));
      await put(`${dialect}/two.txt`, 'Second object, edited.');
      const incremental = await sync(id);
      expect(incremental).toMatchObject({ status: 'succeeded', mode: 'incremental' });
      expect(incremental.progress).toMatchObject({ collected: 1, indexed: 1, unchanged: 0, deleted: 0, failed: 0 });
      const edited = await plane.request('GET', `/v1/collections/${id}/documents?q=edited`);
      expect(edited.body.data.map((document: { externalId: string }) => document.externalId)).toEqual([`${dialect}/two.txt`]);
    } finally {
      client.destroy();
    }
  });

  it('fails the sync with the reason when the S3 listing answers 404', async () => {
    const id = await createS3Connector('doomed', 'documents/');
    const client = s3Client();
    try {
      // Gone after the connector was checked: every listing now answers 404 NoSuchBucket.
      await client.send(new DeleteBucketCommand({ Bucket: 'doomed' }));
    } finally {
      client.destroy();
    }
    const job = await sync(id);
    expect(job).toMatchObject({ status: 'failed', progress: { collected: 0 } });
    expect(job.error).toMatch(/S3 answered 404: NoSuchBucket/);
    expect(job.finishedAt).not.toBeNull();
  });
});
