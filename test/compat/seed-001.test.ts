import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workflowIds } from '../../domain/workflow-ids.ts';
import { eventually, startControlPlane, type ControlPlane } from '../support/control-plane.ts';
import { startLocalS3, type LocalS3 } from '../support/s3-server.ts';

/**
 * Seed 001's Connectors API, its examples sent in order as the document writes them (only the S3
 * endpoint and the keys are the local server's): list, create, get, update, trigger a sync, its
 * status, the OAuth authorize of a type, delete.
 */
describe('seed 001’s connectors API, example by example, on sqlite', () => {
  let plane: ControlPlane;
  let s3: LocalS3;
  let connectorId: string;

  beforeAll(async () => {
    [plane, s3] = await Promise.all([startControlPlane('sqlite'), startLocalS3(['my-documents'])]);
    const client = new S3Client({
      region: 'us-east-1',
      endpoint: s3.endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    });
    try {
      for (const key of ['documents/guide.md', 'new-prefix/notes.md']) {
        await client.send(new PutObjectCommand({ Bucket: 'my-documents', Key: key, Body: `# ${key}\n\nText.`, ContentType: 'text/markdown' }));
      }
    } finally {
      client.destroy();
    }
  });
  afterAll(async () => {
    await plane?.close();
    await s3?.close();
  });

  it('creates the S3 example, lists, gets and updates it, syncs it, shows its status, and deletes it', async () => {
    const created = await plane.request('POST', '/v1/connectors', {
      body: {
        name: 'Document Storage',
        type: 's3',
        collection: 'col_abc123',
        config: { bucket: 'my-documents', region: 'us-east-1', prefix: '/documents/', endpoint: s3.endpoint },
        credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
      },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    connectorId = created.body.data.id;
    expect(created.body.data).toMatchObject({ name: 'Document Storage', type: 's3', collection: 'col_abc123', status: 'active', lastSync: null });
    expect(JSON.stringify(created.body)).not.toContain(s3.secretAccessKey);

    const listed = await plane.request('GET', '/v1/connectors');
    expect(listed.body.data).toEqual(
      expect.arrayContaining([expect.objectContaining({ id: connectorId, name: 'Document Storage', type: 's3', status: 'active', collection: 'col_abc123' })]),
    );
    expect((await plane.request('GET', `/v1/connectors/${connectorId}`)).body.data).toMatchObject({ id: connectorId, createdAt: created.body.data.createdAt });

    const updated = await plane.request('PUT', `/v1/connectors/${connectorId}`, { body: { name: 'Updated Name', config: { prefix: '/new-prefix/' } } });
    expect(updated.status, JSON.stringify(updated.body)).toBe(200);
    // S3 keys have no leading slash: the prefix is stored as the keys under it begin.
    expect(updated.body.data).toMatchObject({ name: 'Updated Name', config: { bucket: 'my-documents', prefix: 'new-prefix/' } });

    const triggered = await plane.request('POST', `/v1/connectors/${connectorId}/sync`);
    expect(triggered.status).toBe(202);
    expect(triggered.body.data).toEqual({ jobId: expect.stringMatching(/^job_/), status: 'queued', startedAt: expect.any(String) });
    const job = await eventually(async () => {
      const status = await plane.request('GET', `/v1/connectors/${connectorId}/sync/${triggered.body.data.jobId}`);
      expect(status.body.data).toMatchObject({ jobId: triggered.body.data.jobId, status: 'succeeded', startedAt: triggered.body.data.startedAt });
      return status.body.data;
    }, 60_000);
    expect(job.progress).toMatchObject({ collected: 1, parsed: 1, indexed: 1 });
    expect((await plane.request('GET', `/v1/connectors/${connectorId}`)).body.data.lastSync).toBe(job.finishedAt);

    const deleted = await plane.request('DELETE', `/v1/connectors/${connectorId}`);
    expect(deleted.status).toBe(202);
    await eventually(async () => expect((await plane.request('GET', `/v1/connectors/${connectorId}`)).status).toBe(404), 30_000);
    await expect(plane.client.schedule.getHandle(workflowIds.connectorSchedule(connectorId)).describe()).rejects.toThrow();
  });

  it('answers the auth URL of an OAuth type, and takes Drive and Notion without config', async () => {
    const client = await plane.request('POST', '/v1/credentials', {
      body: { name: 'Drive app', type: 'google_drive', kind: 'oauth2', secret: { clientId: 'tributary', clientSecret: 'client-secret-value' } },
    });
    const auth = await plane.request('GET', `/v1/connectors/oauth/google_drive/authorize?credentialId=${client.body.data.id}`);
    expect(auth.status).toBe(200);
    const authUrl = new URL(auth.body.data.authUrl);
    expect(`${authUrl.origin}${authUrl.pathname}`).toBe('https://accounts.google.com/o/oauth2/v2/auth');
    expect(authUrl.searchParams.get('redirect_uri')).toBe('http://127.0.0.1:8080/v1/connectors/oauth/google_drive/callback');

    // "OAuth handled separately": no config, and the connector waits for its consent.
    for (const type of ['google_drive', 'notion']) {
      const created = await plane.request('POST', '/v1/connectors', {
        body: { name: `${type} of the account`, type, config: {}, credentials: { kind: 'oauth2', clientId: 'tributary', clientSecret: 'client-secret-value' } },
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      expect(created.body.data).toMatchObject({ type, state: 'auth_required', status: 'pending' });
    }
  });
});
