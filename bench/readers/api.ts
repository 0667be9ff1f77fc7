import type { Client } from '@temporalio/client';
import { call } from '../../test/support/api.ts';
import type { SeededSource } from './reader-source.ts';
import type { Stack } from './system.ts';

export interface SyncJob {
  status: string;
  error?: string;
  progress: Record<string, number>;
}

/** Creates the credential (if any) and the connector through the API, and returns the connector's id. */
export async function createConnector(stack: Stack, name: string, seeded: SeededSource): Promise<string> {
  const request = (path: string, body: unknown) => call(stack.app, 'POST', path, { key: stack.key, body });
  let credentialId: string | undefined;
  if (seeded.credential) {
    const credential = await request('/v1/credentials', { name: `${name} credential`, type: seeded.type, ...seeded.credential });
    if (credential.status !== 201) throw new Error(`creating the credential answered ${credential.status}: ${JSON.stringify(credential.body)}`);
    credentialId = credential.body.data.id;
  }
  const created = await request('/v1/connectors', { name, type: seeded.type, config: seeded.config, ...(credentialId ? { credentialId } : {}) });
  if (created.status !== 201 || created.body.data.state !== 'connected') {
    throw new Error(`creating the connector answered ${created.status}: ${JSON.stringify(created.body)}`);
  }
  return created.body.data.id as string;
}

/** Starts a sync through the API and polls its job until it ends; the time is what a client sees. */
export async function runSync(
  stack: Pick<Stack, 'app' | 'key'>,
  connectorId: string,
  mode: 'full' | 'incremental',
  timeoutMs = 30 * 60_000,
): Promise<{ seconds: number; job: SyncJob }> {
  const started = performance.now();
  const trigger = await call(stack.app, 'POST', `/v1/connectors/${connectorId}/sync`, { key: stack.key, body: { mode } });
  if (trigger.status !== 202) throw new Error(`starting a ${mode} sync answered ${trigger.status}: ${JSON.stringify(trigger.body)}`);
  for (;;) {
    const response = await call(stack.app, 'GET', `/v1/connectors/${connectorId}/sync/${trigger.body.data.jobId}`, { key: stack.key });
    const job = response.body.data as SyncJob;
    if (!['queued', 'running', 'canceling'].includes(job.status)) return { seconds: (performance.now() - started) / 1000, job };
    if (performance.now() - started > timeoutMs)
      throw new Error(`the ${mode} sync was still ${job.status} after ${timeoutMs / 1000} s: ${JSON.stringify(job.progress)}`);
    // Often enough that a re-sync of a fraction of a second is measured to within a few percent.
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** The longest history among the connector's sync runs; a sync continues as new, so there may be several. */
export async function maxHistoryEvents(client: Client, connectorId: string): Promise<number> {
  let max = 0;
  for await (const run of client.workflow.list({ query: `TributaryConnectorId = '${connectorId}' AND WorkflowType = 'syncConnector'` })) {
    max = Math.max(max, run.historyLength);
  }
  return max;
}
