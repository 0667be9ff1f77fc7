import type { ServerResponse } from 'node:http';
import { sendJson, startLocalServer, type RecordedRequest } from '../http-server.ts';
import { createProviderFaults } from './faults.ts';
import type { ExpectedDocument, SaasProvider, SourceScenario } from './saas-provider.ts';
import { createTokenIssuer } from './token-issuer.ts';

/** The server caps every `limit` this low, so a handful of seeded messages spans several cursor-paged pages. */
const MAX_LIMIT = 2;
const WORKSPACE_HOST = 'acme.slack.com';
/** What the bot token may do, as Slack says in `x-oauth-scopes` on every answer. */
const DEFAULT_SCOPES = ['channels:history', 'channels:read', 'groups:history', 'groups:read', 'users:read'];

interface StoredMessage {
  ts: string;
  text: string;
  user?: string;
  bot?: { id: string; name: string };
  subtype?: string;
  /** The root's ts, for a reply. */
  threadTs?: string;
  editedTs?: string;
}

interface Channel {
  id: string;
  name: string;
  isPrivate: boolean;
  /** Whether the app was invited; Slack answers `not_in_channel` to history of a channel it is not in. */
  isMember: boolean;
  /** Roots and replies alike, in ts order. */
  messages: StoredMessage[];
}

const USERS = {
  U0ALICE: { name: 'alice', real_name: 'Alice Archer', display_name: 'Alice' },
  U0BOB: { name: 'bob', real_name: 'Bob Builder', display_name: '' },
  U0CAROL: { name: 'carol', real_name: 'Carol Chen', display_name: 'carol.c' },
} as const;

/** The seeded thread roots, by what they are about. */
type SeedKey = 'welcome' | 'freeze' | 'owners' | 'deployed' | 'lunch' | 'coffee' | 'games' | 'roadmap' | 'closed';

export interface SlackProvider extends SaasProvider {
  /** The web host `auth.test` answers in its `url`. */
  workspaceHost: string;
  /** The ts of each seeded thread root. */
  seeded: Record<SeedKey, string>;
  /** Posts a message to a channel now; returns its ts. */
  post(channelId: string, user: keyof typeof USERS, text: string): string;
  /** Replies in a thread now; returns the reply's ts. */
  reply(channelId: string, threadTs: string, user: keyof typeof USERS, text: string): string;
  edit(channelId: string, ts: string, text: string): void;
  remove(channelId: string, ts: string): void;
  /** The scopes the token has from now on, as `x-oauth-scopes` tells them. */
  setScopes(scopes: string[]): void;
}

/**
 * A local Slack Web API for the methods the reader calls: `auth.test`, `conversations.list`,
 * `conversations.info`, `conversations.history`, `conversations.replies` and `users.info`, cursor-paged
 * through `response_metadata.next_cursor`, with Slack's HTTP 200 `{ ok: false, error }` answers, its
 * 429 `ratelimited` with `Retry-After`, and the token rotation endpoint `oauth.v2.access`.
 */
export async function startSlackProvider(): Promise<SlackProvider> {
  const tokens = createTokenIssuer('xoxb-');
  const faults = createProviderFaults();
  const channels = new Map<string, Channel>();
  let scopes = DEFAULT_SCOPES;
  let lastTs = '0.000000';

  /** Slack's `seconds.micro` ts of an instant, made unique and increasing as Slack's are within a channel. */
  function tsAt(ms: number): string {
    let ts = `${Math.floor(ms / 1000)}.${String((ms % 1000) * 1000).padStart(6, '0')}`;
    if (compareTs(ts, lastTs) <= 0) {
      const [seconds = 0, micro = 0] = lastTs.split('.').map(Number);
      ts = micro >= 999_999 ? `${seconds + 1}.000000` : `${seconds}.${String(micro + 1).padStart(6, '0')}`;
    }
    lastTs = ts;
    return ts;
  }

  const channelOf = (id: string) => {
    const channel = channels.get(id);
    if (!channel) throw new Error(`no channel ${id}`);
    return channel;
  };
  const add = (channelId: string, message: StoredMessage) => {
    channelOf(channelId).messages.push(message);
    return message.ts;
  };

  const server = await startLocalServer(async (request, response) => {
    const url = new URL(request.path, 'http://local');
    const method = url.pathname.replace(/^\/api\//, '');
    if (method === 'oauth.v2.access') return tokens.answerTokenRequest(request, response, (body) => ({ ok: true, ...body, token_type: 'bot' }));
    const fault = await faults.next();
    if (fault?.kind === 'rateLimit') {
      response.writeHead(429, { 'content-type': 'application/json', 'retry-after': String(fault.retryAfterSeconds) });
      return response.end(JSON.stringify({ ok: false, error: 'ratelimited' }));
    }
    if (fault?.kind === 'serverError') return sendJson(response, fault.status, { ok: false, error: 'internal_error' });
    const verdict = tokens.check(request.headers.authorization);
    if (verdict !== 'valid') {
      const error = { unknown: request.headers.authorization ? 'invalid_auth' : 'not_authed', expired: 'token_expired', revoked: 'token_revoked' }[verdict];
      return answer(response, { ok: false, error });
    }
    const params = paramsOf(request, url);
    switch (method) {
      case 'auth.test':
        return answer(response, { ok: true, url: `https://${WORKSPACE_HOST}/`, team: 'Acme', user: 'tributary', team_id: 'T0ACME', user_id: 'U0BOT' });
      case 'conversations.list':
        return listChannels(response, params);
      case 'conversations.info': {
        const channel = visibleChannel(params.get('channel'));
        return answer(response, channel ? { ok: true, channel: channelBody(channel) } : { ok: false, error: 'channel_not_found' });
      }
      case 'conversations.history':
        return history(response, params);
      case 'conversations.replies':
        return replies(response, params);
      case 'users.info': {
        const id = params.get('user') ?? '';
        const user = USERS[id as keyof typeof USERS];
        if (!user) return answer(response, { ok: false, error: 'user_not_found' });
        return answer(response, {
          ok: true,
          user: { id, name: user.name, real_name: user.real_name, profile: { display_name: user.display_name, real_name: user.real_name } },
        });
      }
      default:
        return answer(response, { ok: false, error: 'unknown_method' });
    }
  });

  function answer(response: ServerResponse, body: Record<string, unknown>): void {
    response.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'x-oauth-scopes': scopes.join(',') });
    response.end(JSON.stringify(body));
  }

  /** A private channel is visible only to its members, as Slack answers `channel_not_found` otherwise. */
  function visibleChannel(id: string | null): Channel | undefined {
    const channel = id ? channels.get(id) : undefined;
    return channel && (!channel.isPrivate || channel.isMember) ? channel : undefined;
  }

  function listChannels(response: ServerResponse, params: URLSearchParams): void {
    const types = (params.get('types') ?? 'public_channel').split(',');
    const listed = [...channels.values()].filter((channel) =>
      channel.isPrivate ? types.includes('private_channel') && scopes.includes('groups:read') && channel.isMember : types.includes('public_channel'),
    );
    const { slice, nextCursor } = byOffset(listed, params);
    answer(response, { ok: true, channels: slice.map(channelBody), response_metadata: { next_cursor: nextCursor } });
  }

  function history(response: ServerResponse, params: URLSearchParams): void {
    const channel = visibleChannel(params.get('channel'));
    if (!channel) return answer(response, { ok: false, error: 'channel_not_found' });
    if (!channel.isMember) return answer(response, { ok: false, error: 'not_in_channel' });
    const inclusive = ['true', '1'].includes(params.get('inclusive') ?? '');
    const oldest = params.get('oldest') ?? '0';
    const latest = params.get('latest');
    const after = (ts: string) => (inclusive ? compareTs(ts, oldest) >= 0 : compareTs(ts, oldest) > 0);
    const before = (ts: string) => !latest || (inclusive ? compareTs(ts, latest) <= 0 : compareTs(ts, latest) < 0);
    // Slack's history cursor names the ts the next page starts at: `next_ts:<ts>`, base64.
    const cursor = params.get('cursor');
    const startAt = cursor
      ? Buffer.from(cursor, 'base64')
          .toString('utf8')
          .replace(/^next_ts:/, '')
      : null;
    const inChannel = channel.messages
      .filter((message) => !message.threadTs || message.threadTs === message.ts || message.subtype === 'thread_broadcast')
      .filter((message) => after(message.ts) && before(message.ts) && (!startAt || compareTs(message.ts, startAt) <= 0))
      .sort((a, b) => compareTs(b.ts, a.ts));
    const limit = limitOf(params);
    const slice = inChannel.slice(0, limit);
    const next = inChannel[limit];
    answer(response, {
      ok: true,
      messages: slice.map((message) => messageBody(channel, message)),
      has_more: next !== undefined,
      pin_count: 0,
      response_metadata: { next_cursor: next ? Buffer.from(`next_ts:${next.ts}`).toString('base64') : '' },
    });
  }

  function replies(response: ServerResponse, params: URLSearchParams): void {
    const channel = visibleChannel(params.get('channel'));
    if (!channel) return answer(response, { ok: false, error: 'channel_not_found' });
    if (!channel.isMember) return answer(response, { ok: false, error: 'not_in_channel' });
    const ts = params.get('ts') ?? '';
    const thread = channel.messages.filter((message) => message.ts === ts || message.threadTs === ts).sort((a, b) => compareTs(a.ts, b.ts));
    if (!thread.some((message) => message.ts === ts)) return answer(response, { ok: false, error: 'thread_not_found' });
    const { slice, nextCursor } = byOffset(thread, params);
    answer(response, {
      ok: true,
      messages: slice.map((message) => messageBody(channel, message)),
      has_more: nextCursor !== '',
      response_metadata: { next_cursor: nextCursor },
    });
  }

  function messageBody(channel: Channel, message: StoredMessage): Record<string, unknown> {
    const threadReplies = channel.messages.filter((candidate) => candidate.threadTs === message.ts && candidate.ts !== message.ts);
    const lastReply = threadReplies.at(-1);
    return {
      type: 'message',
      ts: message.ts,
      text: message.text,
      ...(message.user ? { user: message.user } : {}),
      ...(message.bot ? { bot_id: message.bot.id, username: message.bot.name, subtype: 'bot_message' } : {}),
      ...(message.subtype ? { subtype: message.subtype } : {}),
      ...(message.editedTs ? { edited: { user: message.user, ts: message.editedTs } } : {}),
      ...(message.threadTs ? { thread_ts: message.threadTs } : {}),
      ...(lastReply
        ? {
            thread_ts: message.ts,
            reply_count: threadReplies.length,
            reply_users: [...new Set(threadReplies.map((reply) => reply.user))],
            latest_reply: lastReply.ts,
          }
        : {}),
    };
  }

  const now = () => tsAt(Date.now());
  // Seeded a minute apart in the past, so every change made during the tests falls after them.
  let seedMs = Date.parse('2024-03-01T09:00:00Z');
  const seedTs = () => tsAt((seedMs += 60_000));
  const seedChannel = (id: string, name: string, options: { isPrivate?: boolean; isMember?: boolean } = {}) =>
    channels.set(id, { id, name, isPrivate: options.isPrivate ?? false, isMember: options.isMember ?? true, messages: [] });

  seedChannel('C0GENERAL1', 'general');
  seedChannel('C0RANDOM01', 'random');
  seedChannel('G0PRIVATE1', 'secret-plans', { isPrivate: true });
  seedChannel('C0ANNOUNCE', 'announcements', { isMember: false });
  const welcome = add('C0GENERAL1', { ts: seedTs(), user: 'U0ALICE', text: 'Welcome to Acme! Start with <https://acme.example/handbook|the handbook>.' });
  add('C0GENERAL1', { ts: seedTs(), threadTs: welcome, user: 'U0BOB', text: 'Thanks <@U0ALICE>, reading it now.' });
  add('C0GENERAL1', { ts: seedTs(), user: 'U0CAROL', subtype: 'channel_join', text: '<@U0CAROL> has joined the channel' });
  const freeze = add('C0GENERAL1', { ts: seedTs(), user: 'U0BOB', text: 'Deploy freeze starts Friday at 18:00.' });
  const owners = add('C0GENERAL1', { ts: seedTs(), user: 'U0CAROL', text: 'Who owns the search service?' });
  add('C0GENERAL1', { ts: seedTs(), threadTs: owners, user: 'U0ALICE', text: 'The platform team &amp; friends.' });
  add('C0GENERAL1', { ts: seedTs(), threadTs: owners, user: 'U0BOB', subtype: 'thread_broadcast', text: 'cc <#C0RANDOM01|random> for visibility' });
  const deployed = add('C0GENERAL1', { ts: seedTs(), bot: { id: 'B0DEPLOY', name: 'deploybot' }, text: 'Deployed v1.4.2 to production.' });
  const lunch = add('C0GENERAL1', { ts: seedTs(), user: 'U0ALICE', text: 'Lunch at noon?' });
  const coffee = add('C0RANDOM01', { ts: seedTs(), user: 'U0CAROL', text: 'Coffee machine on floor 3 is fixed.' });
  const games = add('C0RANDOM01', { ts: seedTs(), user: 'U0BOB', text: 'Anyone up for a <!here> board game night?' });
  add('C0RANDOM01', { ts: seedTs(), threadTs: games, user: 'U0CAROL', text: 'Count me in.' });
  const roadmap = add('G0PRIVATE1', { ts: seedTs(), user: 'U0ALICE', text: 'Q3 roadmap draft is in the drive.' });
  const closed = add('C0ANNOUNCE', { ts: seedTs(), user: 'U0ALICE', text: 'Office closed Monday.' });

  return {
    url: `${server.url}/api`,
    tokenUrl: `${server.url}/api/oauth.v2.access`,
    requests: server.requests,
    tokens,
    faults,
    workspaceHost: WORKSPACE_HOST,
    seeded: { welcome, freeze, owners, deployed, lunch, coffee, games, roadmap, closed },
    post: (channelId, user, text) => add(channelId, { ts: now(), user, text }),
    reply: (channelId, threadTs, user, text) => add(channelId, { ts: now(), threadTs, user, text }),
    edit(channelId, ts, text) {
      const message = channelOf(channelId).messages.find((candidate) => candidate.ts === ts);
      if (!message) throw new Error(`no message ${ts} in ${channelId}`);
      message.text = text;
      message.editedTs = now();
    },
    remove(channelId, ts) {
      const channel = channelOf(channelId);
      channel.messages = channel.messages.filter((message) => message.ts !== ts && message.threadTs !== ts);
    },
    setScopes(granted) {
      scopes = granted;
    },
    close: () => server.close(),
  };
}

function channelBody(channel: Channel): Record<string, unknown> {
  return { id: channel.id, name: channel.name, is_channel: true, is_private: channel.isPrivate, is_archived: false, is_member: channel.isMember };
}

/** Query parameters and, for a POST, the form-encoded body: Slack takes either. */
function paramsOf(request: RecordedRequest, url: URL): URLSearchParams {
  const params = new URLSearchParams(url.search);
  if (request.method === 'POST' && (request.headers['content-type'] ?? '').includes('application/x-www-form-urlencoded')) {
    for (const [name, value] of new URLSearchParams(request.body)) params.set(name, value);
  }
  return params;
}

function limitOf(params: URLSearchParams): number {
  return Math.min(Number(params.get('limit') ?? 100) || 100, MAX_LIMIT);
}

/** Cursor paging by position, the cursor opaque to clients as Slack's are. */
function byOffset<T>(items: T[], params: URLSearchParams): { slice: T[]; nextCursor: string } {
  const cursor = params.get('cursor');
  const offset = cursor
    ? Number(
        Buffer.from(cursor, 'base64')
          .toString('utf8')
          .replace(/^offset:/, ''),
      )
    : 0;
  const limit = limitOf(params);
  const end = offset + limit;
  return { slice: items.slice(offset, end), nextCursor: end < items.length ? Buffer.from(`offset:${end}`).toString('base64') : '' };
}

function compareTs(a: string, b: string): number {
  const [aSeconds = 0, aMicro = 0] = a.split('.').map(Number);
  const [bSeconds = 0, bMicro = 0] = b.split('.').map(Number);
  return aSeconds - bSeconds || aMicro - bMicro;
}

function isoOf(ts: string): string {
  const [seconds = '0', micro = '0'] = ts.split('.');
  return new Date(Number(seconds) * 1000 + Math.floor(Number(micro) / 1000)).toISOString();
}

/** A thread as the reader must store it. */
function thread(
  provider: SlackProvider,
  channel: { id: string; name: string },
  rootTs: string,
  expected: { title: string; author: string; replyCount: number; contains: string[] },
): ExpectedDocument {
  return {
    externalId: `${channel.id}/${rootTs}`,
    title: expected.title,
    url: `https://${provider.workspaceHost}/archives/${channel.id}/p${rootTs.replace('.', '')}`,
    contains: expected.contains,
    metadata: {
      channel: channel.name,
      channelId: channel.id,
      author: expected.author,
      replyCount: String(expected.replyCount),
      ts: rootTs,
      created: isoOf(rootTs),
    },
  };
}

const GENERAL = { id: 'C0GENERAL1', name: 'general' };
const RANDOM = { id: 'C0RANDOM01', name: 'random' };
const PRIVATE = { id: 'G0PRIVATE1', name: 'secret-plans' };

/** Every channel the bot token can read: three channels of one to four history pages each, the private one included. */
export const slackScenario: SourceScenario<SlackProvider> = {
  type: 'slack',
  start: startSlackProvider,
  config: (provider) => ({ apiUrl: provider.url }),
  tokenCredential: (provider) => ({ kind: 'api_token', secret: { token: provider.tokens.apiToken } }),
  seeded: (provider) => {
    const { seeded } = provider;
    return [
      thread(provider, GENERAL, seeded.welcome, {
        title: '#general: Welcome to Acme! Start with the handbook (https://acme.example/handbook).',
        author: 'Alice',
        replyCount: 1,
        contains: ['Thanks @Alice, reading it now.', 'Bob Builder, '],
      }),
      thread(provider, GENERAL, seeded.freeze, {
        title: '#general: Deploy freeze starts Friday at 18:00.',
        author: 'Bob Builder',
        replyCount: 0,
        contains: [],
      }),
      thread(provider, GENERAL, seeded.owners, {
        title: '#general: Who owns the search service?',
        author: 'carol.c',
        replyCount: 2,
        contains: ['The platform team & friends.', 'cc #random for visibility'],
      }),
      thread(provider, GENERAL, seeded.deployed, { title: '#general: Deployed v1.4.2 to production.', author: 'deploybot', replyCount: 0, contains: [] }),
      thread(provider, GENERAL, seeded.lunch, { title: '#general: Lunch at noon?', author: 'Alice', replyCount: 0, contains: [] }),
      thread(provider, RANDOM, seeded.coffee, { title: '#random: Coffee machine on floor 3 is fixed.', author: 'carol.c', replyCount: 0, contains: [] }),
      thread(provider, RANDOM, seeded.games, {
        title: '#random: Anyone up for a @here board game night?',
        author: 'Bob Builder',
        replyCount: 1,
        contains: ['Count me in.'],
      }),
      thread(provider, PRIVATE, seeded.roadmap, { title: '#secret-plans: Q3 roadmap draft is in the drive.', author: 'Alice', replyCount: 0, contains: [] }),
    ];
  },
  isListingPage: (request) => request.path.startsWith('/api/conversations.history'),
  change(provider) {
    const { seeded } = provider;
    provider.reply(GENERAL.id, seeded.freeze, 'U0CAROL', 'Moved to Monday.');
    const coffee = 'Coffee machine on floor 3 is fixed, and the one on floor 5 too.';
    provider.edit(RANDOM.id, seeded.coffee, coffee);
    const added = provider.post(GENERAL.id, 'U0BOB', 'Retro notes are in the wiki.');
    provider.remove(GENERAL.id, seeded.lunch);
    return {
      changed: [
        thread(provider, GENERAL, seeded.freeze, {
          title: '#general: Deploy freeze starts Friday at 18:00.',
          author: 'Bob Builder',
          replyCount: 1,
          contains: ['Moved to Monday.'],
        }),
        thread(provider, RANDOM, seeded.coffee, {
          title: '#random: Coffee machine on floor 3 is fixed, and the one…',
          author: 'carol.c',
          replyCount: 0,
          contains: [coffee],
        }),
      ],
      added: thread(provider, GENERAL, added, { title: '#general: Retro notes are in the wiki.', author: 'Bob Builder', replyCount: 0, contains: [] }),
      deleted: `${GENERAL.id}/${seeded.lunch}`,
    };
  },
  revokedReason: 'token_revoked',
};
