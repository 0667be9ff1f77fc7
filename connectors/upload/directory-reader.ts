import { Worker } from 'node:worker_threads';
import type { DirectoryPage, DirectoryPageRequest } from './directory-page.ts';

type Reply = { id: number; page: DirectoryPage } | { id: number; error: { message: string; code?: string } };

let thread: Worker | undefined;
let nextId = 0;
const waiting = new Map<number, { resolve: (page: DirectoryPage) => void; reject: (error: Error) => void }>();

/**
 * The process's reader thread, started on first use. Reading files synchronously costs a third of the
 * CPU of promise-based reads, and on a thread of its own the next page is read while the sync thread
 * parses and writes the current one (SQLite writes block it). Referenced only while a page is asked
 * for, so an idle thread never keeps the process alive.
 */
function readerThread(): Worker {
  if (thread) return thread;
  // A page's bodies are handed over as they are read, so the thread needs little heap of its own.
  const started = new Worker(new URL('./directory-reader-thread.ts', import.meta.url), {
    resourceLimits: { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 8 },
  });
  started.unref();
  started.on('message', (reply: Reply) => {
    const request = waiting.get(reply.id);
    if (!request) return;
    waiting.delete(reply.id);
    if (waiting.size === 0) started.unref();
    if ('page' in reply) request.resolve(reply.page);
    else request.reject(Object.assign(new Error(reply.error.message), reply.error.code ? { code: reply.error.code } : {}));
  });
  const failAll = (error: Error) => {
    thread = undefined;
    for (const request of waiting.values()) request.reject(error);
    waiting.clear();
  };
  started.on('error', failAll);
  started.on('exit', (code) => failAll(new Error(`The folder reader thread exited with code ${code}`)));
  thread = started;
  return started;
}

/** Reads one page of a server folder on the reader thread. */
export function readDirectoryPageInThread(request: DirectoryPageRequest): Promise<DirectoryPage> {
  const reader = readerThread();
  const id = (nextId += 1);
  reader.ref();
  return new Promise((resolve, reject) => {
    waiting.set(id, { resolve, reject });
    reader.postMessage({ id, request });
  });
}
