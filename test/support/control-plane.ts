import type { Client } from '@temporalio/client';
import type { Registry } from 'prom-client';
import type { SyncLimits } from '../../config/limits.ts';
import type { ServerOAuthClient } from '../../config/oauth-clients.ts';
import type { WebhookRetryPolicy } from '../../domain/webhook.ts';
import { createApp } from '../../api/app.ts';
import type { AppDependencies } from '../../application/dependencies.ts';
import { call, createTestKey, testAppDependencies, type TestApp } from './api.ts';
import { createTestDatabase, type Dialect, type TestDatabase } from './databases.ts';
import { connectTestClient, startTestWorker, type TestWorker } from './temporal.ts';

export interface ControlPlane {
  database: TestDatabase;
  client: Client;
  worker: TestWorker;
  app: TestApp;
  /** The dependencies the app was built with, for calling a use case directly. */
  deps: AppDependencies;
  key: string;
  workspaceId: string;
  request(method: string, path: string, options?: { body?: unknown; rawBody?: string; key?: string }): ReturnType<typeof call>;
  close(): Promise<void>;
}

/** A real database of the dialect, a real worker on its own task queue, and the API in process. */
export async function startControlPlane(
  dialect: Dialect,
  options: {
    allowedHosts?: string[];
    directoryRoots?: string[];
    limits?: Partial<SyncLimits>;
    oauthClients?: Record<string, ServerOAuthClient>;
    webhookRetry?: WebhookRetryPolicy;
    /** `/metrics` of the API answers with this token. */
    metricsToken?: string;
    /** The worker's sync metrics go here. */
    metricsRegistry?: Registry;
    /** The Temporal SDK serves its metrics here (the process's first worker only). */
    temporalMetricsAddress?: string;
  } = {},
): Promise<ControlPlane> {
  const database = await createTestDatabase(dialect);
  const client = await connectTestClient();
  const worker = await startTestWorker({
    db: database.db,
    client,
    ...(options.allowedHosts ? { allowedHosts: options.allowedHosts } : {}),
    ...(options.directoryRoots ? { directoryRoots: options.directoryRoots } : {}),
    ...(options.limits ? { limits: options.limits } : {}),
    ...(options.webhookRetry ? { webhookRetry: options.webhookRetry } : {}),
    ...(options.metricsRegistry ? { metricsRegistry: options.metricsRegistry } : {}),
    ...(options.temporalMetricsAddress ? { temporalMetricsAddress: options.temporalMetricsAddress } : {}),
  });
  const deps = testAppDependencies({
    db: database.db,
    client,
    taskQueue: worker.taskQueue,
    ...(options.directoryRoots ? { directoryRoots: options.directoryRoots } : {}),
    ...(options.oauthClients ? { oauthClients: options.oauthClients } : {}),
    ...(options.metricsToken ? { metricsToken: options.metricsToken } : {}),
  });
  const app = createApp(deps);
  const workspaceId = `ws-${Math.random().toString(36).slice(2, 8)}`;
  const key = await createTestKey(database.db, workspaceId);
  return {
    database,
    client,
    worker,
    app,
    deps,
    key,
    workspaceId,
    request: (method, path, requestOptions = {}) => call(app, method, path, { key, ...requestOptions }),
    async close() {
      await worker.stop();
      await client.connection.close();
      await database.drop();
    },
  };
}

export function uniqueId(label: string): string {
  return `${label}-${Math.random().toString(36).slice(2, 10)}`;
}

/** Polls until `check` passes or the time is up; for effects that land after a 202. */
export async function eventually<T>(check: () => Promise<T>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

/** Polls a sync job until it has ended, and returns it. */
export async function waitForSync(plane: ControlPlane, connectorId: string, jobId: string, timeoutMs = 60_000) {
  return eventually(async () => {
    const response = await plane.request('GET', `/v1/connectors/${connectorId}/sync/${jobId}`);
    if (['queued', 'running', 'canceling'].includes(response.body.data?.status)) throw new Error(`still ${response.body.data.status}`);
    return response.body.data;
  }, timeoutMs);
}

/** Starts a sync of the connector through the API (in `mode`, else as the API decides) and waits until it has ended. */
export async function syncToEnd(plane: ControlPlane, connectorId: string, mode?: 'full' | 'incremental', timeoutMs = 60_000) {
  const started = await plane.request('POST', `/v1/connectors/${connectorId}/sync`, mode ? { body: { mode } } : {});
  if (started.status !== 202) throw new Error(`starting a sync answered ${started.status}: ${JSON.stringify(started.body)}`);
  return waitForSync(plane, connectorId, started.body.data.jobId, timeoutMs);
}

export interface CreatedWorkspace {
  workspace: { id: string };
  adminKey: { key: string; id: string };
}

/** A workspace and its first admin key, created through the API with a platform admin's key. */
export async function createWorkspace(plane: Pick<ControlPlane, 'app'>, platformKey: string, name: string): Promise<CreatedWorkspace> {
  const response = await call(plane.app, 'POST', '/v1/workspaces', { key: platformKey, body: { name } });
  if (response.status !== 201) throw new Error(`creating workspace ${name} answered ${response.status}: ${JSON.stringify(response.body)}`);
  return response.body.data as CreatedWorkspace;
}
