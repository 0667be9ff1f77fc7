import type { SourceDocument } from '../source.ts';
import { compareTs, isoOf, type SlackMessage } from './api.ts';
import { mrkdwnToText } from './mrkdwn.ts';

const TITLE_WORDS = 10;
const TITLE_CHARACTERS = 80;

/** A thread is known by its channel and its root's timestamp, which Slack never changes. */
export const threadId = (channelId: string, threadTs: string) => `${channelId}/${threadTs}`;

/** Who wrote a message: the user's resolved name, or a bot's name, or the raw id when Slack does not know it. */
export function authorOf(message: SlackMessage, userName: (id: string) => string | undefined): string {
  if (message.user) return userName(message.user) ?? message.user;
  return message.username ?? message.bot_profile?.name ?? message.bot_id ?? 'unknown';
}

export interface SlackThread {
  /** The web host of the workspace, for permalinks: `acme.slack.com`. */
  workspace: string;
  channelId: string;
  channelName: string;
  /** The root first, then its replies in order. */
  messages: [SlackMessage, ...SlackMessage[]];
  userName: (id: string) => string | undefined;
}

/** One thread (a message without replies is a thread of one) as plain text: each message under its author and time. */
export function threadDocument(thread: SlackThread): SourceDocument {
  const { channelId, channelName, messages, userName } = thread;
  const [root] = messages;
  const parts = [`#${channelName}`];
  for (const message of messages) {
    parts.push(`${authorOf(message, userName)}, ${isoOf(message.ts)}:\n${mrkdwnToText(message.text, userName)}`);
  }
  // An edit changes a message without changing its ts, so it counts as a change of the thread.
  const lastChange = messages.map((message) => message.edited?.ts ?? message.ts).reduce((latest, ts) => (compareTs(ts, latest) > 0 ? ts : latest));
  const updated = isoOf(lastChange);
  const opening = firstWords(mrkdwnToText(root.text, userName));
  return {
    externalId: threadId(channelId, root.ts),
    title: opening ? `#${channelName}: ${opening}` : `#${channelName}`,
    url: `https://${thread.workspace}/archives/${channelId}/p${root.ts.replace('.', '')}`,
    body: parts.join('\n\n'),
    mimeType: 'text/plain',
    metadata: {
      channel: channelName,
      channelId,
      author: authorOf(root, userName),
      replyCount: String(messages.length - 1),
      ts: root.ts,
      created: isoOf(root.ts),
      updated,
    },
    updatedAt: updated,
  };
}

function firstWords(text: string): string {
  const words = text.split(/\s+/).filter(Boolean);
  const opening = words.slice(0, TITLE_WORDS).join(' ');
  const cut = opening.length > TITLE_CHARACTERS ? opening.slice(0, TITLE_CHARACTERS).trimEnd() : opening;
  return cut.length < words.join(' ').length ? `${cut}…` : cut;
}
