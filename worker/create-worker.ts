import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, DefaultLogger, Worker, type NativeConnection, type WorkflowBundleOption } from '@temporalio/worker';
import { createActivities, type ActivityDependencies } from '../activities/index.ts';

export const workflowsPath = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

/** Bundles the workflow code once; tests and benchmarks reuse the result across workers. */
export async function bundleWorkflows(): Promise<WorkflowBundleOption> {
  // Webpack's build report is noise in the worker's log; warnings and errors still show.
  const { code } = await bundleWorkflowCode({ workflowsPath, logger: new DefaultLogger('WARN') });
  return { code };
}

/** Bundles the workflows in a short-lived child process and returns the bundle's path. */
export async function bundleWorkflowsInChildProcess(outputDirectory: string): Promise<WorkflowBundleOption> {
  mkdirSync(outputDirectory, { recursive: true });
  const codePath = path.join(outputDirectory, `tributary-workflows-${process.pid}.js`);
  const script = fileURLToPath(new URL('./bundle-workflows.ts', import.meta.url));
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [script, codePath], { stdio: ['ignore', 'inherit', 'inherit'] });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`Bundling the workflows failed (exit ${code})`))));
  });
  return { codePath };
}

/** How long running activities may take to finish once the worker is asked to stop. */
export const SHUTDOWN_GRACE_MS = 10_000;

export interface CreateWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  dependencies: ActivityDependencies;
  workflowBundle?: WorkflowBundleOption;
}

export async function createWorker(options: CreateWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    workflowBundle: options.workflowBundle ?? (await bundleWorkflows()),
    activities: createActivities(options.dependencies),
    shutdownGraceTime: SHUTDOWN_GRACE_MS,
  });
}
