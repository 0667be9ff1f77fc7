import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import type { Registry } from 'prom-client';
import { inject } from 'vitest';
import { loadConfig } from '../../config/env.ts';
import { syncLimitsOf, type SyncLimits } from '../../config/limits.ts';
import type { Db } from '../../db/database.ts';
import type { WebhookRetryPolicy } from '../../domain/webhook.ts';
import { buildActivityDependencies } from '../../worker/activity-dependencies.ts';
import { testSecretKey } from './api.ts';
import { createWorker } from '../../worker/create-worker.ts';
import { temporalMetricsTelemetry } from '../../worker/metrics.ts';
import { connectClient } from '../../temporal/connection.ts';
import { startDevServer, type DevServer } from '../../temporal/dev-server.ts';
import { freePort } from '../../tools/ports.ts';

let runtimeInstalled = false;

/** The runtime of this test process, installed once; telemetry only if the first worker asks for it. */
function quietRuntime(temporalMetricsAddress?: string): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  Runtime.install({ logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} }, ...temporalMetricsTelemetry(temporalMetricsAddress) });
}

export async function connectTestClient(address: string = inject('temporalAddress')): Promise<Client> {
  return connectClient({
    temporalAddress: address,
    TEMPORAL_NAMESPACE: 'default',
    TEMPORAL_TLS_CERT_PATH: undefined,
    TEMPORAL_TLS_KEY_PATH: undefined,
    TEMPORAL_API_KEY: undefined,
  });
}

/**
 * A dev server of the test's own on ports free at the time. Another process may take a port between
 * the look and the bind (dev servers started by other test files bind several at once), so a start
 * that loses its port is tried again on new ones.
 */
export async function startDevServerOnFreePorts(options: { stateDir?: string } = {}): Promise<{ server: DevServer; ports: { port: number; uiPort: number } }> {
  for (let attempt = 1; ; attempt += 1) {
    const ports = { port: await freePort(), uiPort: await freePort() };
    try {
      const server = await startDevServer({ cliPath: inject('temporalCliPath'), ...ports, namespace: 'default', readyTimeoutMs: 120_000, ...options });
      return { server, ports };
    } catch (error) {
      if (attempt >= 3 || !/address already in use/.test((error as Error).message)) throw error;
    }
  }
}

/** A dev server of the test's own, stopped and started again on the same ports and state, as a restart would. */
export interface OwnTemporalServer {
  readonly address: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops it and removes its state. */
  dispose(): Promise<void>;
}

export async function startOwnTemporalServer(label: string): Promise<OwnTemporalServer> {
  const stateDir = mkdtempSync(path.join(tmpdir(), `tributary-${label}-`));
  const first = await startDevServerOnFreePorts({ stateDir });
  const start = () => startDevServer({ cliPath: inject('temporalCliPath'), ...first.ports, namespace: 'default', stateDir, readyTimeoutMs: 120_000 });
  let server: DevServer | undefined = first.server;
  return {
    address: server.address,
    async stop() {
      await server?.stop();
      server = undefined;
    },
    async start() {
      server = await start();
    },
    async dispose() {
      await server?.stop();
      server = undefined;
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

export interface TestWorker {
  taskQueue: string;
  worker: Worker;
  stop(): Promise<void>;
}

/** A real worker on its own task queue, with the real activities. */
export async function startTestWorker(options: {
  db: Db;
  client: Client;
  /** Hosts connectors may reach; loopback by default, where the tests' fake services listen. */
  allowedHosts?: string[];
  directoryRoots?: string[];
  limits?: Partial<SyncLimits>;
  webhookRetry?: WebhookRetryPolicy;
  /** Where the sync metrics go, for a test that reads them. */
  metricsRegistry?: Registry;
  /** Where the Temporal SDK serves its metrics; only the process's first worker can set it. */
  temporalMetricsAddress?: string;
  taskQueue?: string;
  /** A Temporal server of the test's own; the shared dev server otherwise. */
  address?: string;
}): Promise<TestWorker> {
  quietRuntime(options.temporalMetricsAddress);
  const taskQueue = options.taskQueue ?? `test-${randomUUID()}`;
  const connection = await NativeConnection.connect({ address: options.address ?? inject('temporalAddress') });
  const dependencies = buildActivityDependencies({
    db: options.db,
    client: options.client,
    taskQueue,
    secretKey: testSecretKey,
    allowedHosts: options.allowedHosts ?? ['127.0.0.0/8', 'localhost'],
    directoryRoots: options.directoryRoots ?? [],
    limits: { ...syncLimitsOf(loadConfig({})), ...options.limits },
    ...(options.webhookRetry ? { webhookRetry: options.webhookRetry } : {}),
    ...(options.metricsRegistry ? { metricsRegistry: options.metricsRegistry } : {}),
  });
  const worker = await createWorker({
    connection,
    namespace: 'default',
    taskQueue,
    dependencies,
    workflowBundle: { codePath: inject('workflowBundlePath') },
  });
  const running = worker.run();
  return {
    taskQueue,
    worker,
    async stop() {
      worker.shutdown();
      await running;
      await connection.close();
    },
  };
}

/**
 * How many `syncPage` attempts of the workflow were retries, over all its runs (a sync continues as
 * new every 200 pages): proof that a kill landed inside a page.
 */
export async function countRetriedSyncPages(client: Client, workflowId: string): Promise<number> {
  let retried = 0;
  for await (const run of client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) {
    const history = await client.workflow.getHandle(workflowId, run.runId).fetchHistory();
    const types = new Map<string, string>();
    for (const event of history.events ?? []) {
      const scheduled = event.activityTaskScheduledEventAttributes;
      if (scheduled) types.set(String(event.eventId), scheduled.activityType?.name ?? '');
      const started = event.activityTaskStartedEventAttributes;
      if (started && types.get(String(started.scheduledEventId)) === 'syncPage' && (started.attempt ?? 1) > 1) retried += 1;
    }
  }
  return retried;
}
