import { parentPort } from 'node:worker_threads';
import { readDirectoryPage, type DirectoryPageRequest } from './directory-page.ts';

/** The reader thread: reads each requested page synchronously and hands its bodies over without copying them. */
parentPort?.on('message', ({ id, request }: { id: number; request: DirectoryPageRequest }) => {
  try {
    const page = readDirectoryPage(request);
    // A body that is not its own whole buffer (a pooled slice) is copied rather than moved.
    const owned = new Set(
      page.files.filter(({ body }) => body.byteOffset === 0 && body.byteLength === body.buffer.byteLength).map(({ body }) => body.buffer as ArrayBuffer),
    );
    parentPort?.postMessage({ id, page }, [...owned]);
  } catch (error) {
    const { message, code } = error as NodeJS.ErrnoException;
    parentPort?.postMessage({ id, error: { message, code } });
  }
});
