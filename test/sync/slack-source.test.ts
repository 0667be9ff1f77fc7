import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenedCredential } from '../../connectors/connector-definition.ts';
import { SourceHttpError, SourceRefusedError } from '../../connectors/http/source-errors.ts';
import { slack, slackConfigSchema } from '../../connectors/slack/index.ts';
import { mrkdwnToText } from '../../connectors/slack/mrkdwn.ts';
import type { Source, SourceDocument } from '../../connectors/source.ts';
import { directReadContext, readEveryPage } from '../support/read-context.ts';
import { AddressPolicy } from '../../net/address-policy.ts';
import { createGuardedFetch } from '../../net/guarded-fetch.ts';
import { refreshTokens } from '../../oauth/client.ts';
import { slackScenario, startSlackProvider, type SlackProvider } from '../support/providers/slack.ts';
import { describeSourceConformance } from '../support/source-conformance.ts';

describeSourceConformance(slackScenario, 'postgres');

describe('the Slack reader', () => {
  const policy = new AddressPolicy(['127.0.0.0/8']);
  const fetch = createGuardedFetch(policy);
  let provider: SlackProvider;

  beforeAll(async () => {
    provider = await startSlackProvider();
  });
  afterAll(async () => {
    await provider?.close();
  });

  it('turns mrkdwn into plain text: mentions by name, channel links, special mentions, labelled links and escapes', () => {
    const names: Record<string, string> = { U0ALICE: 'Alice' };
    const text =
      'Hi <@U0ALICE> and <@U0NOBODY>, see <#C0RANDOM01|random>, <!here>, <https://x.example/a?b=1&amp;c=2|the guide>, <mailto:a@x.example|a@x.example> &lt;3 &amp;lt;';
    expect(mrkdwnToText(text, (id) => names[id])).toBe(
      'Hi @Alice and @U0NOBODY, see #random, @here, the guide (https://x.example/a?b=1&c=2), a@x.example <3 &lt;',
    );
  });

  it('reads named channels by name or id, lists channels and history by cursor, and asks each user’s name once', async () => {
    const before = provider.requests.length;
    const documents = await readAll(openReader({ channels: ['#random', 'C0GENERAL1'] }));
    const { welcome, freeze, owners, deployed, lunch, coffee, games } = provider.seeded;
    expect(documents.map((document) => document.externalId).sort()).toEqual(
      [...[welcome, freeze, owners, deployed, lunch].map((ts) => `C0GENERAL1/${ts}`), `C0RANDOM01/${coffee}`, `C0RANDOM01/${games}`].sort(),
    );
    const requests = provider.requests.slice(before);
    for (const request of requests) expect(request.headers.authorization).toBe(`Bearer ${provider.tokens.apiToken}`);
    const paths = requests.map((request) => new URL(request.path, provider.url));
    expect(paths.filter((url) => url.pathname === '/api/auth.test')).toHaveLength(1);
    // The token has groups:read and groups:history, so private channels are listed too; the listing stops once #random is found.
    const listings = paths.filter((url) => url.pathname === '/api/conversations.list');
    expect(listings.map((url) => url.searchParams.get('types'))).toEqual(['public_channel,private_channel']);
    // #general's seven messages (a join and a reply sent to the channel among them), two a page.
    const generalHistory = paths.filter((url) => url.pathname === '/api/conversations.history' && url.searchParams.get('channel') === 'C0GENERAL1');
    expect(generalHistory.map((url) => url.searchParams.has('cursor'))).toEqual([false, true, true, true]);
    const users = paths.filter((url) => url.pathname === '/api/users.info').map((url) => url.searchParams.get('user'));
    expect(users).toHaveLength(3);
    expect(new Set(users)).toEqual(new Set(['U0ALICE', 'U0BOB', 'U0CAROL']));
    const gameNight = documents.find((document) => document.externalId === `C0RANDOM01/${games}`);
    expect(gameNight?.body).toMatch(
      /^#random\n\nBob Builder, 2024-03-01T09:\d\d:00\.000Z:\nAnyone up for a @here board game night\?\n\ncarol\.c, .*:\nCount me in\.$/,
    );
  });

  it('lists only public channels when the token cannot read private ones (no groups:read)', async () => {
    provider.setScopes(['channels:history', 'channels:read', 'users:read']);
    try {
      const before = provider.requests.length;
      const documents = await readAll(openReader({}));
      expect(documents.some((document) => document.metadata.channelId === 'G0PRIVATE1')).toBe(false);
      expect(documents).toHaveLength(7);
      const listings = provider.requests
        .slice(before)
        .filter((request) => request.path.startsWith('/api/conversations.list'))
        .map((request) => new URL(request.path, provider.url).searchParams);
      expect(listings.map((params) => params.get('types'))).toEqual(['public_channel', 'public_channel']);
      expect(listings.map((params) => params.has('cursor'))).toEqual([false, true]);
    } finally {
      provider.setScopes(['channels:history', 'channels:read', 'groups:history', 'groups:read', 'users:read']);
    }
  });

  it('passes over a channel the app is not in when reading every channel, but names it and says to invite the app when it was asked for', async () => {
    const every = await readAll(openReader({}));
    expect(every.some((document) => document.metadata.channelId === 'C0ANNOUNCE')).toBe(false);

    const failure = await readAll(openReader({ channels: ['announcements'] })).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(SourceRefusedError);
    expect((failure as Error).message).toContain('#announcements (C0ANNOUNCE)');
    expect((failure as Error).message).toContain('not_in_channel');
    expect((failure as Error).message).toContain('/invite');
  });

  it('bounds history by dateRange with oldest and latest, both included', async () => {
    const { owners, deployed } = provider.seeded;
    const before = provider.requests.length;
    const documents = await readAll(openReader({ channels: ['C0GENERAL1'], dateRange: { from: isoOf(owners), to: isoOf(deployed) } }));
    expect(documents.map((document) => document.externalId).sort()).toEqual([`C0GENERAL1/${owners}`, `C0GENERAL1/${deployed}`].sort());
    const history = provider.requests.slice(before).find((request) => request.path.startsWith('/api/conversations.history'));
    expect(Object.fromEntries(new URL(history?.path ?? '', provider.url).searchParams)).toMatchObject({ oldest: owners, latest: deployed, inclusive: 'true' });
  });

  it('reads incrementally the messages since with oldest, and re-reads only the older threads with a new reply', async () => {
    const since = new Date().toISOString();
    const reply = provider.reply('C0GENERAL1', provider.seeded.welcome, 'U0CAROL', 'Done with chapter one.');
    const posted = provider.post('C0GENERAL1', 'U0ALICE', 'Standup moved to 10:00.');
    const before = provider.requests.length;
    const documents = await readAll(openReader({ channels: ['general'] }, since));
    expect(documents.map((document) => document.externalId).sort()).toEqual([`C0GENERAL1/${provider.seeded.welcome}`, `C0GENERAL1/${posted}`].sort());
    const welcome = documents.find((document) => document.externalId === `C0GENERAL1/${provider.seeded.welcome}`);
    expect(welcome?.metadata).toMatchObject({ replyCount: '2', updated: isoOf(reply) });
    expect(welcome?.body).toContain('Done with chapter one.');

    const paths = provider.requests.slice(before).map((request) => new URL(request.path, provider.url));
    const history = paths.filter((url) => url.pathname === '/api/conversations.history');
    const sinceTs = `${Math.floor(Date.parse(since) / 1000)}.${String((Date.parse(since) % 1000) * 1000).padStart(6, '0')}`;
    expect(history[0]?.searchParams.get('oldest')).toBe(sinceTs);
    expect(history.slice(1).every((url) => url.searchParams.get('latest') === sinceTs && !url.searchParams.has('oldest'))).toBe(true);
    // Only the changed thread's replies are read; the older threads' are not.
    expect(paths.filter((url) => url.pathname === '/api/conversations.replies').map((url) => url.searchParams.get('ts'))).toEqual([
      provider.seeded.welcome,
      provider.seeded.welcome,
    ]);
  });

  it('refreshes a rotated token that Slack answers token_expired, through oauth.v2.access and its token_type bot', async () => {
    const granted = provider.tokens.grant();
    const secret = { clientId: provider.tokens.clientId, clientSecret: provider.tokens.clientSecret, ...granted, tokenUrl: provider.tokenUrl };
    const refreshesBefore = provider.tokens.refreshes;
    provider.tokens.expireAccessTokensAfter(2);
    const documents = await readAll(
      openReader({ channels: ['random'] }, null, { kind: 'oauth2', secret }, async (refused) => {
        const refusedSecret = refused.secret as typeof secret;
        const tokens = await refreshTokens({
          endpoints: { authorizationUrl: 'https://slack.com/oauth/v2/authorize', tokenUrl: provider.tokenUrl },
          client: { clientId: refusedSecret.clientId, clientSecret: refusedSecret.clientSecret },
          refreshToken: refusedSecret.refreshToken,
          fetch,
          now: new Date(),
        });
        return { kind: 'oauth2', secret: { ...refusedSecret, ...tokens } };
      }),
    );
    expect(documents).toHaveLength(2);
    expect(provider.tokens.refreshes - refreshesBefore).toBe(1);
  });

  it('fails as a 401 naming Slack’s error code when the token is revoked, so the sync disconnects the connector', async () => {
    provider.tokens.revokeAll();
    const failure = await openReader({})
      .read(null)
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(SourceHttpError);
    expect(failure).toMatchObject({ status: 401, message: expect.stringContaining('Slack refused auth.test: token_revoked') });
  });

  function openReader(
    configInput: Record<string, unknown>,
    since: string | null = null,
    credential: OpenedCredential = { kind: 'api_token', secret: { token: provider.tokens.apiToken } },
    refreshCredential?: (refused: OpenedCredential) => Promise<OpenedCredential | undefined>,
  ): Source {
    const config = slackConfigSchema.parse({ apiUrl: provider.url, ...configInput });
    const source = slack.openSource(directReadContext(config, { credential, since, ...(refreshCredential ? { refreshCredential } : {}) }));
    return source;
  }
});

async function readAll(source: Source): Promise<SourceDocument[]> {
  return (await readEveryPage(source)).flatMap((page) => page.documents);
}

function isoOf(ts: string): string {
  const [seconds = '0', micro = '0'] = ts.split('.');
  return new Date(Number(seconds) * 1000 + Math.floor(Number(micro) / 1000)).toISOString();
}
