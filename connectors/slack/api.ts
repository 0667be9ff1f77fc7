import type { Response } from 'undici';
import { z } from 'zod';
import type { HttpFetch } from '../../net/guarded-fetch.ts';
import { type IsRefused } from '../http/authorized-fetch.ts';
import { readPage, type Listing, type ListingPage } from '../http/paging.ts';
import { SourceHttpError, SourceRefusedError } from '../http/source-errors.ts';

/** Slack's Web API wire format: the few methods the reader calls, and its `{ ok: false, error }` answers as sync errors. */

/** History, replies and channel listings ask for this many items a page; Slack advises at most 200. */
const PAGE_SIZE = 200;

export const messageSchema = z.object({
  ts: z.string(),
  subtype: z.string().optional(),
  user: z.string().optional(),
  bot_id: z.string().optional(),
  username: z.string().optional(),
  bot_profile: z.object({ name: z.string().optional() }).optional(),
  text: z.string().default(''),
  thread_ts: z.string().optional(),
  reply_count: z.number().int().optional(),
  latest_reply: z.string().optional(),
  edited: z.object({ ts: z.string() }).optional(),
});
export type SlackMessage = z.infer<typeof messageSchema>;

export const channelSchema = z.object({ id: z.string(), name: z.string(), is_private: z.boolean().optional() });
export type SlackChannel = z.infer<typeof channelSchema>;

const userSchema = z.object({
  id: z.string(),
  name: z.string(),
  real_name: z.string().optional(),
  profile: z.object({ display_name: z.string().optional(), real_name: z.string().optional() }).optional(),
});

const authTestSchema = z.object({ url: z.string() });

const errorBodySchema = z.object({ ok: z.literal(false), error: z.string(), needed: z.string().optional() });

/** Errors that say the token itself is refused: the connector is disconnected with Slack's code as the reason. */
const REFUSED_TOKEN = new Set(['invalid_auth', 'not_authed', 'token_revoked', 'token_expired', 'account_inactive']);
/** Errors Slack answers while it is failing: worth a retry. */
const SLACK_FAILING = new Set(['internal_error', 'fatal_error', 'service_unavailable', 'request_timeout']);

/** Slack refused a call for a reason of the request itself (`not_in_channel`, `channel_not_found`, `user_not_found`); its code says which. */
export class SlackRefusedError extends SourceRefusedError {
  override name = 'SlackRefusedError';
  readonly code: string;
  constructor(message: string, code: string) {
    super(message);
    this.code = code;
  }
}

/** A time range in Slack's `seconds.micro` timestamps, both ends included; either may be open. */
export interface TsRange {
  oldest: string | undefined;
  latest: string | undefined;
}

export interface SlackApi {
  /** The web host of the token's workspace (`acme.slack.com`), and whether the token may list and read private channels (`groups:read`, `groups:history`). */
  workspace(): Promise<{ host: string; privateChannels: boolean }>;
  /** One page of the workspace's channels the token can list. */
  channels(privateChannels: boolean, cursor: string | null): Promise<ListingPage<SlackChannel>>;
  channel(id: string): Promise<SlackChannel>;
  /** One page of a channel's messages, newest first. */
  history(channel: string, range: TsRange, cursor: string | null): Promise<ListingPage<SlackMessage>>;
  /** Every message of a thread, its root first. */
  replies(channel: string, threadTs: string): Promise<SlackMessage[]>;
  /** The name the workspace shows for a user; undefined for a user Slack does not know. */
  userName(id: string): Promise<string | undefined>;
}

export interface SlackApiOptions {
  apiUrl: string;
  /** The reader's `sourceFetch`: authorized, refreshing and retrying. */
  fetch: HttpFetch;
}

export function slackApi(options: SlackApiOptions): SlackApi {
  const { apiUrl } = options;
  // Every answer passes here, so an `ok: false` body throws its mapped error whichever call asked.
  const fetch: HttpFetch = async (url, init = {}) => {
    const response = await options.fetch(url, init);
    if (response.ok) {
      const failure = await errorBody(response.clone());
      if (failure) throw slackError(new URL(url), failure);
    }
    return response;
  };

  const listing = <Item>(method: string, params: Record<string, string>, itemsAt: string, item: z.ZodType<Item>): Listing<Item> => ({
    service: 'Slack',
    baseUrl: apiUrl,
    request: { path: `/${method}?${new URLSearchParams(params).toString()}` },
    itemsAt,
    item,
    paging: { kind: 'bodyCursor', cursorAt: 'response_metadata.next_cursor', sendAs: { query: 'cursor' } },
  });

  async function get<T>(method: string, params: Record<string, string>, schema: z.ZodType<T>): Promise<{ body: T; response: Response }> {
    const response = await fetch(`${apiUrl}/${method}?${new URLSearchParams(params).toString()}`, { headers: { accept: 'application/json' } });
    const text = await response.text();
    if (!response.ok) throw SourceHttpError.fromResponse(response, text, `Slack (${method})`);
    return { body: schema.parse(JSON.parse(text)), response };
  }

  return {
    async workspace() {
      const { body, response } = await get('auth.test', {}, authTestSchema);
      const scopes = (response.headers.get('x-oauth-scopes') ?? '').split(',').map((scope) => scope.trim());
      return { host: new URL(body.url).host, privateChannels: ['groups:read', 'groups:history'].every((scope) => scopes.includes(scope)) };
    },
    channels(privateChannels, cursor) {
      const types = privateChannels ? 'public_channel,private_channel' : 'public_channel';
      return readPage(fetch, listing('conversations.list', { types, limit: String(PAGE_SIZE) }, 'channels', channelSchema), cursor ? { cursor } : null);
    },
    async channel(id) {
      return (await get('conversations.info', { channel: id }, z.object({ channel: channelSchema }))).body.channel;
    },
    history(channel, range, cursor) {
      const params: Record<string, string> = { channel, limit: String(PAGE_SIZE) };
      if (range.oldest) params.oldest = range.oldest;
      if (range.latest) params.latest = range.latest;
      if (range.oldest || range.latest) params.inclusive = 'true';
      return readPage(fetch, listing('conversations.history', params, 'messages', messageSchema), cursor ? { cursor } : null);
    },
    async replies(channel, threadTs) {
      const thread = listing('conversations.replies', { channel, ts: threadTs, limit: String(PAGE_SIZE) }, 'messages', messageSchema);
      const byTs = new Map<string, SlackMessage>();
      for (let cursor: string | null = null, first = true; first || cursor; first = false) {
        const page: ListingPage<SlackMessage> = await readPage(fetch, thread, cursor ? { cursor } : null);
        // Each page may repeat the root; keyed by ts, it is kept once.
        for (const message of page.items) byTs.set(message.ts, message);
        cursor = page.next && 'cursor' in page.next ? page.next.cursor : null;
      }
      return [...byTs.values()].sort((a, b) => compareTs(a.ts, b.ts));
    },
    async userName(id) {
      try {
        const { user } = (await get('users.info', { user: id }, z.object({ user: userSchema }))).body;
        return user.profile?.display_name || user.profile?.real_name || user.real_name || user.name;
      } catch (error) {
        if (error instanceof SlackRefusedError && error.code === 'user_not_found') return undefined;
        throw error;
      }
    },
  };
}

/** An expired rotated token is answered 200 `{ ok: false, error: 'token_expired' }`, which must trigger a refresh as a 401 does. */
export const slackTokenExpired: IsRefused = async (response) => response.status === 401 || (await errorBody(response.clone()))?.error === 'token_expired';

async function errorBody(response: Response): Promise<z.infer<typeof errorBodySchema> | undefined> {
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    return undefined;
  }
  const parsed = errorBodySchema.safeParse(body);
  return parsed.success ? parsed.data : undefined;
}

function slackError(url: URL, failure: z.infer<typeof errorBodySchema>): Error {
  const method = url.pathname.split('/').pop() ?? '';
  const channel = url.searchParams.get('channel');
  const what = `Slack refused ${method}${channel ? ` for channel ${channel}` : ''}: ${failure.error}`;
  if (REFUSED_TOKEN.has(failure.error)) return new SourceHttpError(401, `${what}; the token is no longer valid, connect the app again`);
  if (failure.error === 'missing_scope') return new SourceHttpError(403, `${what}${failure.needed ? ` (the token needs ${failure.needed})` : ''}`);
  if (failure.error === 'ratelimited') return new SourceHttpError(429, what);
  if (SLACK_FAILING.has(failure.error)) return new SourceHttpError(503, what);
  return new SlackRefusedError(what, failure.error);
}

/** Orders two Slack timestamps (`seconds.micro`), by number rather than as text. */
export function compareTs(a: string, b: string): number {
  const [aSeconds = 0, aMicro = 0] = a.split('.').map(Number);
  const [bSeconds = 0, bMicro = 0] = b.split('.').map(Number);
  return aSeconds - bSeconds || aMicro - bMicro;
}

/** An ISO instant as a Slack timestamp, to the microsecond: 2024-03-01T10:00:00.123Z is 1709287200.123000. */
export function tsOf(iso: string): string {
  const ms = Date.parse(iso);
  return `${Math.floor(ms / 1000)}.${String((ms % 1000) * 1000).padStart(6, '0')}`;
}

/** A Slack timestamp as an ISO instant (to the millisecond). */
export function isoOf(ts: string): string {
  const [seconds = '0', micro = '0'] = ts.split('.');
  return new Date(Number(seconds) * 1000 + Math.floor(Number(micro.padEnd(6, '0')) / 1000)).toISOString();
}
