import { sourceFetch } from '../http/source-fetch.ts';
import { SourceRefusedError } from '../http/source-errors.ts';
import type { ReadContext, Source, SourceDocument, SourcePage } from '../source.ts';
import { compareTs, SlackRefusedError, slackApi, slackTokenExpired, tsOf, type SlackMessage, type TsRange } from './api.ts';
import { threadDocument, threadId } from './documents.ts';
import type { SlackConfig } from './index.ts';
import { mentionedUsers } from './mrkdwn.ts';

/** Channel events, not messages a person would search for. */
const CHANNEL_EVENTS = new Set(['channel_join', 'channel_leave', 'channel_topic', 'channel_purpose', 'channel_name', 'channel_archive', 'channel_unarchive']);

/** Where a Slack sync stands: which channel, which part of its history, and where in that part. */
type SlackPosition = {
  /** The workspace's web host for permalinks, asked once per sync (`auth.test`). */
  workspace: string;
  /** Whether the token lists private channels too, decided once per sync from its scopes. */
  privateChannels: boolean;
  /** Ids of the channels still to read, space-separated, the current one first. */
  queue: string;
  /** The `conversations.list` cursor of the channels after those queued; null once all are queued. */
  listCursor: string | null;
  /** The current channel's name, once asked. */
  channelName: string | null;
  /**
   * `messages`: the history from `dateRange.from`, or from `since` in an incremental sync. `olderThreads`
   * (incremental only): the history before `since`, for the threads that changed since.
   */
  part: 'messages' | 'olderThreads';
  /** The history cursor within the part; null for its first page. */
  cursor: string | null;
};

/**
 * Each channel's threads, one document per thread with its replies, newest first. Channels are the
 * configured names or ids, or every channel the token can read. An incremental sync reads the
 * messages posted since the last sync with `oldest`, then lists the older history for the threads
 * changed since: a reply or an edit leaves the root's ts (which `oldest` filters on) as it was, so
 * only the root's `latest_reply` or `edited` tells, and only those threads' replies are read.
 */
export function openSlackSource(context: ReadContext<SlackConfig>): Source {
  const { config } = context;
  const api = slackApi({ apiUrl: config.apiUrl, fetch: sourceFetch(context, { isRefused: slackTokenExpired }) });
  const named = (config.channels ?? []).map((channel) => channel.replace(/^#/, ''));
  const from = config.dateRange?.from ? tsOf(config.dateRange.from) : undefined;
  const to = config.dateRange?.to ? tsOf(config.dateRange.to) : undefined;
  const since = context.since ? tsOf(context.since) : undefined;
  // Names of the users this page's messages mention, asked once each; never in the checkpoint.
  const userNames = new Map<string, string | undefined>();

  function rangeOf(part: SlackPosition['part']): TsRange {
    if (part === 'olderThreads') return { oldest: from, latest: since && to && compareTs(to, since) < 0 ? to : since };
    return { oldest: since && (!from || compareTs(since, from) > 0) ? since : from, latest: to };
  }

  // At `since` itself counts as changed: reading a thread twice costs less than missing a reply.
  const changedSince = (root: SlackMessage) =>
    since !== undefined && [root.latest_reply, root.edited?.ts].some((ts) => ts !== undefined && compareTs(ts, since) >= 0);

  async function namedChannelIds(privateChannels: boolean): Promise<string[]> {
    const wanted = new Set(named.filter((channel) => !isChannelId(channel)));
    const idsByName = new Map<string, string>();
    for (let cursor: string | null = null, first = true; wanted.size > idsByName.size && (first || cursor); first = false) {
      const page = await api.channels(privateChannels, cursor);
      for (const channel of page.items) if (wanted.has(channel.name)) idsByName.set(channel.name, channel.id);
      cursor = cursorOf(page.next);
    }
    const missing = [...wanted].filter((name) => !idsByName.has(name));
    if (missing.length > 0) {
      throw new SourceRefusedError(
        `Slack lists no channel named ${missing.map((name) => `#${name}`).join(', ')} to this token; check the names, and for a private channel invite the app and grant groups:read and groups:history`,
      );
    }
    return [...new Set(named.map((channel) => idsByName.get(channel) ?? channel))];
  }

  async function queueListed(position: SlackPosition, cursor: string | null): Promise<SlackPosition> {
    const page = await api.channels(position.privateChannels, cursor);
    return { ...position, queue: page.items.map((channel) => channel.id).join(' '), listCursor: cursorOf(page.next) };
  }

  async function start(): Promise<SlackPosition> {
    const { host, privateChannels } = await api.workspace();
    const position: SlackPosition = { workspace: host, privateChannels, queue: '', listCursor: null, channelName: null, part: 'messages', cursor: null };
    if (named.length > 0) return { ...position, queue: (await namedChannelIds(privateChannels)).join(' ') };
    return queueListed(position, null);
  }

  function afterChannel(position: SlackPosition): SlackPosition | null {
    const queue = position.queue.split(' ').slice(1).join(' ');
    if (queue === '' && position.listCursor === null) return null;
    return { ...position, queue, channelName: null, part: 'messages', cursor: null };
  }

  const afterPart = (position: SlackPosition): SlackPosition | null =>
    position.part === 'messages' && since !== undefined ? { ...position, part: 'olderThreads', cursor: null } : afterChannel(position);

  const notInChannel = (channelId: string, channelName: string) =>
    new SourceRefusedError(
      `Slack refused to read #${channelName} (${channelId}): the app is not a member of the channel (not_in_channel); invite it there with /invite @<app name>, or remove the channel from the connector`,
    );

  async function resolveUsers(messages: SlackMessage[]): Promise<void> {
    const ids = new Set(messages.flatMap((message) => [...(message.user ? [message.user] : []), ...mentionedUsers(message.text)]));
    for (const id of ids) {
      if (!userNames.has(id)) userNames.set(id, await api.userName(id));
    }
  }

  async function threadDocuments(position: SlackPosition & { channelName: string }, channelId: string, roots: SlackMessage[]): Promise<SourceDocument[]> {
    const threads: Array<[SlackMessage, ...SlackMessage[]]> = [];
    for (const root of roots) {
      const replies = root.reply_count ? await api.replies(channelId, root.ts) : [];
      const [first, ...rest] = replies;
      // A thread deleted between the two calls answers nothing; its root as listed still stands.
      threads.push(first ? [first, ...rest] : [root]);
      context.heartbeat();
    }
    await resolveUsers(threads.flat());
    return threads.map((messages) =>
      threadDocument({
        workspace: position.workspace,
        channelId,
        channelName: position.channelName,
        messages,
        userName: (id) => userNames.get(id),
      }),
    );
  }

  async function everyChannelId(privateChannels: boolean): Promise<string[]> {
    const ids: string[] = [];
    for (let cursor: string | null = null, first = true; first || cursor; first = false) {
      const page = await api.channels(privateChannels, cursor);
      ids.push(...page.items.map((channel) => channel.id));
      cursor = cursorOf(page.next);
    }
    return ids;
  }

  return {
    async read(checkpoint): Promise<SourcePage> {
      let position = (checkpoint as SlackPosition | null) ?? (await start());
      while (position.queue === '' && position.listCursor !== null) position = await queueListed(position, position.listCursor);
      const [channelId = ''] = position.queue.split(' ');
      if (channelId === '') return { documents: [], next: null };
      const current = { ...position, channelName: position.channelName ?? (await api.channel(channelId)).name };
      let page;
      try {
        page = await api.history(channelId, rangeOf(current.part), current.cursor);
      } catch (error) {
        if (!(error instanceof SlackRefusedError && error.code === 'not_in_channel')) throw error;
        if (named.length > 0) throw notInChannel(channelId, current.channelName);
        // Every channel means every channel the token can read; one the app was not invited to is not among them.
        return { documents: [], next: afterChannel(current) };
      }
      const roots = page.items.filter((message) => isThreadRoot(message) && (current.part === 'messages' || changedSince(message)));
      const documents = await threadDocuments(current, channelId, roots);
      const cursor = cursorOf(page.next);
      return { documents, next: cursor ? { ...current, cursor } : afterPart(current) };
    },
    async *listIds() {
      const { privateChannels } = await api.workspace();
      const channelIds = named.length > 0 ? await namedChannelIds(privateChannels) : await everyChannelId(privateChannels);
      for (const channelId of channelIds) {
        for (let cursor: string | null = null, first = true; first || cursor; first = false) {
          let page;
          try {
            page = await api.history(channelId, rangeOf('messages'), cursor);
          } catch (error) {
            if (!(error instanceof SlackRefusedError && error.code === 'not_in_channel')) throw error;
            if (named.length > 0) throw notInChannel(channelId, (await api.channel(channelId)).name);
            break;
          }
          const ids = page.items.filter(isThreadRoot).map((message) => threadId(channelId, message.ts));
          if (ids.length > 0) yield ids;
          cursor = cursorOf(page.next);
        }
      }
    },
  };
}

/** A message that starts a thread (or stands alone); a reply also sent to the channel is read with its thread. */
function isThreadRoot(message: SlackMessage): boolean {
  return (message.thread_ts === undefined || message.thread_ts === message.ts) && !CHANNEL_EVENTS.has(message.subtype ?? '');
}

/** Channel ids (`C0123ABCD`, `G0123ABCD` for older private channels); names are lower case, so they never look like one. */
function isChannelId(channel: string): boolean {
  return /^[CG][A-Z0-9]{6,}$/.test(channel);
}

function cursorOf(next: { cursor: string } | { url: string } | null): string | null {
  return next && 'cursor' in next ? next.cursor : null;
}
