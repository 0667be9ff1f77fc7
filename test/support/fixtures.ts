import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Client } from '@temporalio/client';

/** `count` text files of about 1 KB under `folder`, a thousand per sub-folder (`part-N/doc-I.txt`). */
export function writeTextFiles(folder: string, count: number): void {
  for (let index = 0; index < count; index += 1) {
    const directory = path.join(folder, `part-${Math.floor(index / 1000)}`);
    mkdirSync(directory, { recursive: true });
    writeFileSync(path.join(directory, `doc-${index}.txt`), `Document ${index}: ${'lorem ipsum '.repeat(80)}`);
  }
}

/** Where a `postgresql` connector finds the database at `url`: the host, port and database parts of its config. */
export function postgresqlLocation(url: string): { host: string; port: number; database: string } {
  const parsed = new URL(url);
  return { host: parsed.hostname, port: Number(parsed.port || 5432), database: parsed.pathname.slice(1) };
}

/** A paused schedule under `scheduleId` that Tributary did not make, for sagas that must refuse it. */
export async function createForeignSchedule(client: Client, scheduleId: string): Promise<void> {
  await client.schedule.create({
    scheduleId,
    spec: { intervals: [{ every: '1 hour' }] },
    action: { type: 'startWorkflow', workflowType: 'somethingElse', taskQueue: 'elsewhere', args: [] },
    state: { paused: true },
  });
}
