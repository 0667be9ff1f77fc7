import type { SSEMessage, SSEStreamingApi } from 'hono/streaming';
import { AppError } from '../application/errors.ts';
import type { JobListener } from './job-watch.ts';

/** Often enough for proxies that drop a connection quiet for 30 s or more, and to find dead clients. */
const HEARTBEAT_MS = 15_000;
/** The `retry:` hint: how long an EventSource waits before it reconnects. */
const RECONNECT_MS = 1000;

/**
 * Writes one client's live-progress stream: `progress` with each change of the job, `end` with the
 * final job, `: heartbeat` comments in between, `reconnect` once the job has not changed for
 * `idleMs`, `error` when the job can no longer be read. Resolves once the stream has ended or the
 * client has gone, never earlier and always then, so that the caller can give up its slot.
 */
export function followJob(stream: SSEStreamingApi, subscribe: (listener: JobListener) => () => void, idleMs: number): Promise<void> {
  return new Promise((resolve) => {
    let sequence = 0;
    let writing = Promise.resolve();
    // One write at a time: a heartbeat never cuts into an event, and the last event is out before the
    // close. A failed write means the client has gone, which its abort reports.
    const enqueue = (write: () => Promise<unknown>) => {
      writing = writing.then(write).then(
        () => undefined,
        () => undefined,
      );
    };
    const send = (message: SSEMessage) => enqueue(() => stream.writeSSE({ ...message, id: String(sequence++) }));

    let finished = false;
    let unsubscribe: (() => void) | undefined;
    const finish = (last?: SSEMessage) => {
      if (finished) return;
      finished = true;
      clearInterval(heartbeat);
      clearTimeout(idle);
      unsubscribe?.();
      if (last) send(last);
      void writing.then(resolve);
    };
    const onIdle = () =>
      finish({
        event: 'reconnect',
        data: JSON.stringify({ reason: 'idle', message: `The job has not changed for ${idleMs / 1000} s; reconnect to go on following it` }),
        retry: RECONNECT_MS,
      });

    // A short idle timeout (as in tests) still sees a few heartbeats before it.
    const heartbeat = setInterval(() => enqueue(() => stream.write(': heartbeat\n\n')), Math.min(HEARTBEAT_MS, idleMs / 3));
    let idle = setTimeout(onIdle, idleMs);
    stream.onAbort(() => finish());
    unsubscribe = subscribe((update) => {
      if ('error' in update) {
        const message = update.error instanceof AppError ? update.error.message : 'The job could not be read; reconnect to try again';
        return finish({ event: 'error', data: JSON.stringify({ message }), retry: RECONNECT_MS });
      }
      if (update.ended) return finish({ event: 'end', data: JSON.stringify(update.job) });
      clearTimeout(idle);
      idle = setTimeout(onIdle, idleMs);
      send({ event: 'progress', data: JSON.stringify(update.job) });
    });
    // The job may have ended already, within the call that subscribed.
    if (finished) unsubscribe();
  });
}
