import { z } from 'zod';
export { progressEstimate } from './sync-progress.ts';

export const syncModes = ['incremental', 'full'] as const;
export type SyncMode = (typeof syncModes)[number];
/** A `sync` reads the source; a `prune` only lists its ids and removes the documents it no longer has. */
export const syncJobKinds = ['sync', 'prune'] as const;
export type SyncJobKind = (typeof syncJobKinds)[number];
export const syncTriggers = ['schedule', 'manual', 'resync'] as const;
export type SyncTrigger = (typeof syncTriggers)[number];
export const syncStatuses = ['queued', 'running', 'canceling', 'canceled', 'succeeded', 'failed'] as const;
export type SyncStatus = (typeof syncStatuses)[number];
export const activeSyncStatuses: readonly SyncStatus[] = ['queued', 'running', 'canceling'];
/** `rate_limited`: the source limits our rate; the page is read again at the job's `resumeAt`. */
export const syncPhases = ['queued', 'reading', 'rate_limited', 'removing_deleted', 'done'] as const;
export type SyncPhase = (typeof syncPhases)[number];

/** Sync job status transitions; anything else is refused in one place. */
export const syncStatusTransitions = {
  queued: ['running', 'canceling', 'canceled', 'failed'],
  running: ['canceling', 'succeeded', 'failed', 'canceled'],
  canceling: ['canceled', 'succeeded', 'failed'],
  canceled: [],
  succeeded: [],
  failed: [],
} as const satisfies Record<SyncStatus, readonly SyncStatus[]>;

export function canChangeSyncStatus(from: SyncStatus, to: SyncStatus): boolean {
  return from === to || (syncStatusTransitions[from] as readonly SyncStatus[]).includes(to);
}

export const syncCountersSchema = z.object({
  collected: z.number().int(),
  parsed: z.number().int(),
  indexed: z.number().int(),
  unchanged: z.number().int(),
  deleted: z.number().int(),
  failed: z.number().int(),
  skipped: z
    .number()
    .int()
    .meta({ description: 'Items deliberately not indexed (over the size limit, binary content); listed with their reason among the failures, stage `skip`.' }),
  sanitized: z
    .number()
    .int()
    .meta({ description: 'Documents stored with NUL characters removed or broken UTF-16 replaced, which the database cannot store as they are.' }),
  bytes: z.number().int(),
});
export type SyncCounters = z.infer<typeof syncCountersSchema>;

export const syncJobSchema = z
  .object({
    jobId: z.string(),
    connectorId: z.string(),
    kind: z.enum(syncJobKinds).meta({ description: '`sync` reads the source; `prune` only lists its ids and removes what it no longer has.' }),
    status: z.enum(syncStatuses),
    phase: z.enum(syncPhases),
    resumeAt: z.iso.datetime().nullable().meta({ description: 'While `phase` is `rate_limited`: when the source lets the sync read again; null otherwise.' }),
    mode: z.enum(syncModes),
    trigger: z.enum(syncTriggers),
    progress: syncCountersSchema.extend({
      total: z.number().int().nullable().meta({ description: 'Documents the source reports, when it can tell.' }),
      percent: z.number().nullable(),
      etaSeconds: z.number().nullable().meta({ description: 'Estimated seconds left, from the rate so far, when the total is known.' }),
    }),
    sourceCursor: z
      .object({
        from: z.string().nullable().meta({ description: 'The cursor an incremental job started from, masked; null for a full job.' }),
        next: z
          .string()
          .nullable()
          .meta({ description: 'The cursor the source handed out for the next incremental sync, masked; kept only if this job succeeds.' }),
      })
      .meta({
        description:
          'For sources whose changes feed hands out a cursor (Google Drive, Microsoft Graph) rather than taking a time. Values are masked: a URL keeps its origin, path and parameter names.',
      }),
    startedAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    finishedAt: z.iso.datetime().nullable(),
    error: z.string().nullable(),
    workflowId: z.string().nullable().meta({ description: 'The Temporal workflow that runs the job, to look it up in the Temporal UI.' }),
  })
  .meta({ id: 'SyncJob' });

export type SyncJob = z.infer<typeof syncJobSchema>;

/** Where an item stopped: `read` and `parse` count as failed, `skip` as skipped. */
export const syncFailureStages = ['read', 'parse', 'skip'] as const;
export type SyncFailureStage = (typeof syncFailureStages)[number];

export const syncFailureSchema = z
  .object({
    externalId: z.string().meta({ description: 'The source’s id of the item, e.g. its URL or path.' }),
    stage: z.enum(syncFailureStages).meta({
      description:
        '`read`: the source could not deliver it; `parse`: its content could not be turned into text; `skip`: deliberately not indexed, not a failure (counted as skipped).',
    }),
    error: z.string(),
    at: z.iso.datetime(),
  })
  .meta({ id: 'SyncFailure' });

export type SyncFailureItem = z.infer<typeof syncFailureSchema>;
