import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import { inject } from 'vitest';
import type { ActivityDependencies } from '../../activities/index.ts';
import type { Db } from '../../db/database.ts';
import { temporalScheduleGateway, type ScheduleGateway } from '../../temporal/schedule-gateway.ts';
import { createWorker } from '../../worker/create-worker.ts';

let runtimeInstalled = false;

function quietRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  Runtime.install({ logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} } });
}

export async function connectTestClient(): Promise<Client> {
  const connection = await Connection.connect({ address: inject('temporalAddress') });
  return new Client({ connection, namespace: 'default' });
}

export interface TestWorker {
  taskQueue: string;
  worker: Worker;
  stop(): Promise<void>;
}

/**
 * A real worker on its own task queue, with the real activities; `schedules` may wrap the real
 * gateway to inject a fault.
 */
export async function startTestWorker(options: {
  db: Db;
  client: Client;
  schedules?: (real: ScheduleGateway) => ScheduleGateway;
  now?: () => Date;
}): Promise<TestWorker> {
  quietRuntime();
  const taskQueue = `test-${randomUUID()}`;
  const connection = await NativeConnection.connect({ address: inject('temporalAddress') });
  const real = temporalScheduleGateway(options.client.schedule);
  const dependencies: ActivityDependencies = {
    db: options.db,
    schedules: options.schedules ? options.schedules(real) : real,
    taskQueue,
    now: options.now ?? (() => new Date()),
  };
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
