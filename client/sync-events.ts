import type { components } from './openapi.ts';

type SyncJob = components['schemas']['SyncJob'];

/** One event of a sync's live-progress stream: the job as it is now (`progress`) or as it ended (`end`). */
export interface SyncEvent {
  type: 'progress' | 'end';
  job: SyncJob;
}

/** A Server-Sent Event as the stream carries it. */
interface StreamMessage {
  event: string;
  data: string;
}

/** Splits a `text/event-stream` body into its messages; comments (the heartbeats) carry nothing and are dropped. */
export async function* readEventStream(body: ReadableStream<Uint8Array>): AsyncGenerator<StreamMessage> {
  let buffered = '';
  for await (const chunk of body.pipeThrough(new TextDecoderStream())) {
    buffered += chunk;
    let boundary: RegExpExecArray | null;
    while ((boundary = /\r?\n\r?\n/.exec(buffered))) {
      const block = buffered.slice(0, boundary.index);
      buffered = buffered.slice(boundary.index + boundary[0].length);
      const message = parseBlock(block);
      if (message) yield message;
    }
  }
}

function parseBlock(block: string): StreamMessage | undefined {
  let event = 'message';
  const data: string[] = [];
  for (const line of block.split(/\r?\n/)) {
    if (line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  }
  return data.length > 0 ? { event, data: data.join('\n') } : undefined;
}

/**
 * The sync events of one opened stream. Ends quietly when the server asks the client to reconnect
 * (`reconnect`, after a long quiet spell) or the connection ends early, so the caller opens a new one;
 * a job the server can no longer read (`error`) throws.
 */
export async function* syncEventsOf(body: ReadableStream<Uint8Array>): AsyncGenerator<SyncEvent> {
  for await (const message of readEventStream(body)) {
    if (message.event === 'progress' || message.event === 'end') yield { type: message.event, job: JSON.parse(message.data) as SyncJob };
    else if (message.event === 'error') throw new Error((JSON.parse(message.data) as { message: string }).message);
    if (message.event === 'end' || message.event === 'reconnect') return;
  }
}
