import type { WorkerLimits } from '../config/limits.ts';
import type { ServerEnvironment } from '../connectors/connector-definition.ts';
import type { AddressPolicy } from '../net/address-policy.ts';
import type { HttpFetch } from '../net/guarded-fetch.ts';
import type { Db } from '../db/database.ts';
import type { WebhookRetryPolicy } from '../domain/webhook.ts';
import type { SecretCipher } from '../secrets/cipher.ts';
import type { ScheduleGateway } from '../temporal/schedule-gateway.ts';
import type { SyncMetrics } from './sync-metrics.ts';

/** The part of Temporal's workflow client the activities use. */
export interface WorkflowGateway {
  /** Requests cancellation of a running workflow and waits for it to close; a missing or closed one is fine. */
  cancelAndWait(workflowId: string): Promise<void>;
  /** Starts a workflow on the task queue unless one runs or ran under its id, so a retried activity starts it once. */
  startOnce(workflowType: string, options: { workflowId: string; taskQueue: string; args: unknown[]; staticSummary: string }): Promise<void>;
}

/** Everything the activities touch, built once by the worker and passed in. */
export interface ActivityDependencies {
  readonly db: Db;
  readonly schedules: ScheduleGateway;
  readonly workflows: WorkflowGateway;
  /** Task queue that scheduled sync workflows run on. */
  readonly taskQueue: string;
  readonly now: () => Date;
  readonly cipher: SecretCipher;
  /** Outbound connections to sources obey this policy (TRIBUTARY_ALLOWED_HOSTS). */
  readonly policy: AddressPolicy;
  readonly fetch: HttpFetch;
  /** Server settings sources obey (upload folders' roots). */
  readonly environment: ServerEnvironment;
  readonly limits: WorkerLimits;
  /** How webhook deliveries are retried. */
  readonly webhookRetry: WebhookRetryPolicy;
  /** Prometheus figures of the syncs, served by the worker's metrics port. */
  readonly metrics: SyncMetrics;
}
