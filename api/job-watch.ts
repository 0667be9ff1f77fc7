import { setTimeout as sleep } from 'node:timers/promises';
import { activeSyncStatuses, type SyncJob } from '../domain/sync-job.ts';

/** What a watcher hears: the job when it changed (the last one ended), or why the watch stopped. */
export type JobUpdate = { job: SyncJob; ended: boolean } | { error: unknown };
export type JobListener = (update: JobUpdate) => void;

interface Watch {
  listeners: Set<JobListener>;
  latest: JobUpdate | undefined;
}

/**
 * One poll per job however many clients watch it: the first watcher starts it, it stops once the job
 * has ended, the read fails or no one watches any more, and watchers hear only of changes.
 * @example const stop = jobs.watch(jobId, () => getSyncJob(deps, ws, id, jobId), (update) => send(update))
 */
export function createJobWatch(pollMs: number) {
  const watches = new Map<string, Watch>();

  async function poll(key: string, watch: Watch, read: () => Promise<SyncJob>): Promise<void> {
    let seen = '';
    try {
      while (watch.listeners.size > 0) {
        const job = await read();
        const ended = !activeSyncStatuses.includes(job.status);
        const current = fingerprint(job);
        if (current !== seen) {
          seen = current;
          publish(watch, { job, ended });
        }
        if (ended) return;
        await sleep(pollMs);
      }
    } catch (error) {
      publish(watch, { error });
    } finally {
      watches.delete(key);
    }
  }

  return {
    /**
     * Calls `listener` with the job as last read (at once, when a poll already runs) and after each
     * change; `read` serves only if this call starts the poll. Returns the call that stops listening.
     */
    watch(key: string, read: () => Promise<SyncJob>, listener: JobListener): () => void {
      let watch = watches.get(key);
      if (watch) {
        watch.listeners.add(listener);
        if (watch.latest) listener(watch.latest);
      } else {
        watch = { listeners: new Set([listener]), latest: undefined };
        watches.set(key, watch);
        void poll(key, watch, read);
      }
      const joined = watch;
      return () => joined.listeners.delete(listener);
    },
  };
}

function publish(watch: Watch, update: JobUpdate): void {
  watch.latest = update;
  for (const listener of watch.listeners) listener(update);
}

/** The ETA moves with the clock alone, so it is left out of what counts as a change. */
function fingerprint(job: SyncJob): string {
  const { etaSeconds: _etaSeconds, ...progress } = job.progress;
  return JSON.stringify({ ...job, progress });
}
