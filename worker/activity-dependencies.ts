import type { Client } from '@temporalio/client';
import type { ActivityDependencies } from '../activities/index.ts';
import type { SyncLimits } from '../config/limits.ts';
import { AddressPolicy } from '../net/address-policy.ts';
import { createGuardedFetch } from '../net/guarded-fetch.ts';
import type { Db } from '../db/database.ts';
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
  limits: SyncLimits;
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
  };
}
