import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/env.ts';
import { freePort } from '../../tools/ports.ts';
import { createWorkerMetricsRegistry, serveWorkerMetrics, type WorkerMetricsServer } from '../../worker/metrics.ts';
import { startControlPlane, syncToEnd, type ControlPlane } from '../support/control-plane.ts';
import { startLocalServer, type LocalServer } from '../support/http-server.ts';

const metricsToken = 'metrics-token-for-the-sync-tests';

describe('sync metrics of the worker and the API', () => {
  let plane: ControlPlane;
  let registry: Registry;
  let workerMetrics: WorkerMetricsServer;
  let temporalMetricsUrl: string;
  let folder: string;
  let limitedSite: LocalServer;

  beforeAll(async () => {
    folder = mkdtempSync(path.join(tmpdir(), 'tributary-metrics-'));
    for (const name of ['a.txt', 'b.txt', 'c.txt']) writeFileSync(path.join(folder, name), `The text of ${name}.`);
    writeFileSync(path.join(folder, 'broken.pdf'), 'this is not a pdf');
    // The page answers 429 with Retry-After: 1 once, then the page.
    let limited = false;
    limitedSite = await startLocalServer((request, response) => {
      if (request.path !== '/') {
        response.statusCode = 404;
        return response.end();
      }
      if (!limited) {
        limited = true;
        response.writeHead(429, { 'retry-after': '1' });
        return response.end();
      }
      response.writeHead(200, { 'content-type': 'text/html' });
      response.end('<html><head><title>Limited</title></head><body><p>Worth the wait.</p></body></html>');
    });
    registry = createWorkerMetricsRegistry();
    const temporalMetricsAddress = `127.0.0.1:${await freePort()}`;
    temporalMetricsUrl = `http://${temporalMetricsAddress}/metrics`;
    plane = await startControlPlane('sqlite', { directoryRoots: [folder], metricsToken, metricsRegistry: registry, temporalMetricsAddress });
    workerMetrics = await serveWorkerMetrics({ registry, token: metricsToken, port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await workerMetrics?.close();
    await plane?.close();
    await limitedSite?.close();
    rmSync(folder, { recursive: true, force: true });
  });

  function scrapeWorker(init: RequestInit = {}, pathname = '/metrics') {
    return fetch(`http://127.0.0.1:${workerMetrics.port}${pathname}`, init);
  }

  async function workerFigures(): Promise<string> {
    const response = await scrapeWorker({ headers: { authorization: `Bearer ${metricsToken}` } });
    expect(response.status).toBe(200);
    return response.text();
  }

  it('counts documents indexed, deleted and failed, job durations and rate-limit waits on the worker', async () => {
    const upload = await plane.request('POST', '/v1/connectors', { body: { name: 'Folder', type: 'upload', config: { directory: folder } } });
    const uploadId = upload.body.data.id;
    expect((await syncToEnd(plane, uploadId, 'full')).progress).toMatchObject({ indexed: 3, failed: 1 });
    rmSync(path.join(folder, 'c.txt'));
    expect((await syncToEnd(plane, uploadId, 'full')).progress).toMatchObject({ deleted: 1, failed: 1 });

    const web = await plane.request('POST', '/v1/connectors', {
      body: { name: 'Limited', type: 'web_scraper', config: { url: `${limitedSite.url}/`, extractionType: 'single' } },
    });
    const webJob = await syncToEnd(plane, web.body.data.id, 'full');
    expect(webJob).toMatchObject({ status: 'succeeded', progress: { indexed: 1 } });
    const gone = await plane.request('POST', '/v1/connectors', {
      body: { name: 'Gone', type: 'web_scraper', config: { url: `${limitedSite.url}/gone`, extractionType: 'single' } },
    });
    expect((await syncToEnd(plane, gone.body.data.id, 'full')).status).toBe('failed');

    const figures = await workerFigures();
    expect(sample(figures, 'tributary_sync_documents_total', { connector_type: 'upload', outcome: 'indexed' })).toBe(3);
    expect(sample(figures, 'tributary_sync_documents_total', { connector_type: 'upload', outcome: 'deleted' })).toBe(1);
    expect(sample(figures, 'tributary_sync_documents_total', { connector_type: 'web_scraper', outcome: 'indexed' })).toBe(1);
    expect(sample(figures, 'tributary_sync_documents_total', { connector_type: 'upload', outcome: 'failed' })).toBe(2);
    expect(sample(figures, 'tributary_sync_job_duration_seconds_count', { connector_type: 'upload', kind: 'sync', status: 'succeeded' })).toBe(2);
    expect(sample(figures, 'tributary_sync_job_duration_seconds_count', { connector_type: 'web_scraper', kind: 'sync', status: 'failed' })).toBe(1);
    expect(sample(figures, 'tributary_sync_rate_limit_waits_total', { connector_type: 'web_scraper' })).toBe(1);
    const waited = sample(figures, 'tributary_sync_rate_limit_wait_seconds_total', { connector_type: 'web_scraper' }) ?? 0;
    expect(waited).toBeGreaterThan(0.5);
    expect(waited).toBeLessThanOrEqual(1);
    expect(figures).toContain('tributary_worker_process_resident_memory_bytes');
  });

  it('reports the active jobs of the deployment from the database, on the API and the worker alike', async () => {
    const created = await plane.request('POST', '/v1/connectors', { body: { name: 'Busy', type: 'upload', config: { directory: folder } } });
    const now = new Date().toISOString();
    // A job another process runs: only the database knows it.
    await plane.database.db
      .insertInto('sync_jobs')
      .values({
        id: 'job_active_metrics',
        workspace_id: plane.workspaceId,
        connector_id: created.body.data.id,
        mode: 'full',
        trigger: 'schedule',
        status: 'running',
        phase: 'reading',
        created_at: now,
        started_at: now,
        updated_at: now,
      })
      .execute();
    const api = await plane.app.request('/metrics', { headers: { authorization: `Bearer ${metricsToken}` } });
    expect(api.status).toBe(200);
    const labels = { kind: 'sync', connector_type: 'upload' };
    expect(sample(await api.text(), 'tributary_sync_jobs_active', labels)).toBe(1);
    expect(sample(await workerFigures(), 'tributary_sync_jobs_active', labels)).toBe(1);

    await plane.database.db.updateTable('sync_jobs').set({ status: 'canceled', finished_at: now }).where('id', '=', 'job_active_metrics').execute();
    expect(sample(await workerFigures(), 'tributary_sync_jobs_active', labels)).toBeUndefined();
  });

  it('serves the worker figures only to the holder of the metrics token, and nothing else', async () => {
    for (const authorization of [undefined, 'Bearer wrong', `Bearer ${metricsToken}x`, metricsToken]) {
      const refused = await scrapeWorker({ headers: authorization ? { authorization } : {} });
      expect(refused.status, String(authorization)).toBe(401);
      expect(await refused.json()).toEqual({
        error: { code: 'unauthorized', message: 'Send the metrics token as "Authorization: Bearer <token>"', details: null },
      });
    }
    const authorized = { authorization: `Bearer ${metricsToken}` };
    expect((await scrapeWorker({ headers: authorized }, '/')).status).toBe(404);
    expect((await scrapeWorker({ method: 'POST', headers: authorized })).status).toBe(404);
    const served = await scrapeWorker({ headers: authorized });
    expect(served.headers.get('content-type')).toContain('text/plain');
  });

  it('refuses to serve the worker figures on a port already taken', async () => {
    await expect(serveWorkerMetrics({ registry, token: metricsToken, port: workerMetrics.port, host: '127.0.0.1' })).rejects.toMatchObject({
      code: 'EADDRINUSE',
    });
  });

  it('refuses a worker metrics port or Temporal metrics address that is not one', () => {
    const defaults = loadConfig({});
    expect(defaults.TRIBUTARY_WORKER_METRICS_PORT).toBe(9464);
    expect(defaults.TRIBUTARY_TEMPORAL_METRICS_ADDRESS).toBeUndefined();
    expect(loadConfig({ TRIBUTARY_WORKER_METRICS_PORT: '0', TRIBUTARY_TEMPORAL_METRICS_ADDRESS: '0.0.0.0:9465' })).toMatchObject({
      TRIBUTARY_WORKER_METRICS_PORT: 0,
      TRIBUTARY_TEMPORAL_METRICS_ADDRESS: '0.0.0.0:9465',
    });
    expect(() => loadConfig({ TRIBUTARY_WORKER_METRICS_PORT: '70000' })).toThrow(/TRIBUTARY_WORKER_METRICS_PORT/);
    expect(() => loadConfig({ TRIBUTARY_TEMPORAL_METRICS_ADDRESS: 'http://host:9465' })).toThrow(/TRIBUTARY_TEMPORAL_METRICS_ADDRESS: must be host:port/);
  });

  it('serves the Temporal SDK worker metrics where the runtime was told to', async () => {
    const response = await fetch(temporalMetricsUrl);
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).toMatch(/^temporal_worker_task_slots_available\{/m);
    expect(text).toContain(`task_queue="${plane.worker.taskQueue}"`);
  });
});

/** The value of one Prometheus sample with exactly these labels, or undefined when it is absent. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const wanted = Object.entries(labels)
    .map(([key, value]) => `${key}="${value}"`)
    .sort()
    .join(',');
  for (const line of text.split('\n')) {
    const match = /^(\w+)\{([^}]*)\} (\S+)$/.exec(line);
    if (match?.[1] !== name) continue;
    const present = (match[2] ?? '').split(',').sort().join(',');
    if (present === wanted) return Number(match[3]);
  }
  return undefined;
}
