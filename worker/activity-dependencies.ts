import type { Client } from '@temporalio/client';
import { Registry } from 'prom-client';
import { createSyncMetrics } from '../activities/sync-metrics.ts';
import type { ActivityDependencies } from '../activities/index.ts';
import type { WorkerLimits } from '../config/limits.ts';
import { AddressPolicy } from '../net/address-policy.ts';
import { createGuardedFetch } from '../net/guarded-fetch.ts';
import type { Db } from '../db/database.ts';
import { webhookRetryDefaults, type WebhookRetryPolicy } from '../domain/webhook.ts';
import { createSecretCipher } from '../secrets/cipher.ts';
import { temporalScheduleGateway } from '../temporal/schedule-gateway.ts';
import { temporalWorkflowGateway } from '../temporal/workflow-gateway.ts';

export interface ActivityDependencyOptions {
  db: Db;
  client: Client;
  taskQueue: string;
  secretKey: string;
  previousSecretKeys?: readonly string[];
  allowedHosts: readonly string[];
  directoryRoots: readonly string[];
  limits: WorkerLimits;
  /** Production's backoff unless given; tests shorten it. */
  webhookRetry?: WebhookRetryPolicy;
  /** Where the sync metrics are recorded; a registry of their own when nothing serves them. */
  metricsRegistry?: Registry;
}

/** Builds the activities' dependencies once per worker from configuration and shared clients. */
export function buildActivityDependencies(options: ActivityDependencyOptions): ActivityDependencies {
  const policy = new AddressPolicy(options.allowedHosts);
  return {
    db: options.db,
    schedules: temporalScheduleGateway(options.client.schedule),
    workflows: temporalWorkflowGateway(options.client.workflow),
    taskQueue: options.taskQueue,
    now: () => new Date(),
    cipher: createSecretCipher(options.secretKey, options.previousSecretKeys),
    policy,
    fetch: createGuardedFetch(policy),
    environment: { directoryRoots: options.directoryRoots },
    limits: options.limits,
    webhookRetry: options.webhookRetry ?? webhookRetryDefaults,
    metrics: createSyncMetrics(options.metricsRegistry ?? new Registry(), options.db),
  };
}
