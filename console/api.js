// Calls to /v1 with the API key the user signed in with. The key lives in sessionStorage: it is gone
// when the tab closes, and no other site can read it.

const KEY_ITEM = 'tributary.apiKey';

export const session = {
  key: () => sessionStorage.getItem(KEY_ITEM),
  signIn: (/** @type {string} */ key) => sessionStorage.setItem(KEY_ITEM, key),
  signOut: () => sessionStorage.removeItem(KEY_ITEM),
};

/** An error answer of the API: `{ error: { code, message, details } }`. */
export class ApiError extends Error {
  /**
   * @param {number} status
   * @param {{ code?: string; message?: string; details?: { issues?: Array<{ path: Array<string | number>; message: string }> } }} error
   */
  constructor(status, error) {
    super(error.message ?? `The API answered ${status}`);
    this.status = status;
    this.code = error.code;
    this.issues = error.details?.issues ?? [];
  }
}

/**
 * One API call with the signed-in key; answers the parsed body, or throws an ApiError. A 401 signs
 * out, so the page asks for a key again.
 * @param {string} method
 * @param {string} path
 * @param {unknown} [body]
 * @returns {Promise<any>}
 * @example const { data } = await api('GET', '/v1/connectors')
 */
export async function api(method, path, body) {
  const headers = { authorization: `Bearer ${session.key() ?? ''}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) };
  const response = await fetch(path, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const text = await response.text();
  const parsed = text ? JSON.parse(text) : undefined;
  if (response.status === 401) {
    session.signOut();
    window.dispatchEvent(new Event('tributary:signed-out'));
  }
  if (!response.ok) throw new ApiError(response.status, parsed?.error ?? {});
  return parsed;
}

/**
 * Follows a sync job's Server-Sent Events. EventSource cannot send an Authorization header, so the
 * stream is read with fetch. Calls `onJob` with each `progress` and the final `end`; reconnects
 * when the server asks (`reconnect`) or the connection drops, until the job ends or `signal` aborts.
 * @param {string} connectorId
 * @param {string} jobId
 * @param {(job: any, ended: boolean) => void} onJob
 * @param {AbortSignal} signal
 */
export async function followSync(connectorId, jobId, onJob, signal) {
  const path = `/v1/connectors/${encodeURIComponent(connectorId)}/sync/${encodeURIComponent(jobId)}/events`;
  while (!signal.aborted) {
    let retryMs = 1000;
    try {
      const response = await fetch(path, { headers: { authorization: `Bearer ${session.key() ?? ''}`, accept: 'text/event-stream' }, signal });
      if (!response.ok || !response.body) {
        if (response.status === 429) retryMs = Number(response.headers.get('retry-after') ?? 1) * 1000;
        else return;
      } else {
        for await (const message of sseMessages(response.body)) {
          if (message.retry) retryMs = message.retry;
          if (message.event === 'progress') onJob(JSON.parse(message.data), false);
          if (message.event === 'end') return onJob(JSON.parse(message.data), true);
          if (message.event === 'error') return;
        }
      }
    } catch (error) {
      if (signal.aborted) return;
      console.warn('live progress stream dropped', error);
    }
    await new Promise((resolve) => setTimeout(resolve, retryMs));
  }
}

/**
 * The messages of an event stream, as the SSE format defines them: fields up to a blank line,
 * comments (heartbeats) skipped.
 * @param {ReadableStream<Uint8Array>} body
 * @returns {AsyncGenerator<{ event: string; data: string; retry?: number }>}
 */
async function* sseMessages(body) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true }).replace(/\r\n?/g, '\n');
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      /** @type {{ event: string; data: string; retry?: number }} */
      const message = { event: 'message', data: '' };
      const data = [];
      for (const line of block.split('\n')) {
        if (line === '' || line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const text = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'event') message.event = text;
        else if (field === 'data') data.push(text);
        else if (field === 'retry' && /^\d+$/.test(text)) message.retry = Number(text);
      }
      if (data.length === 0) continue;
      message.data = data.join('\n');
      yield message;
    }
  }
}
