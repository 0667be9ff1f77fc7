/** Slack's `mrkdwn` message text as plain text: mentions, channel links, links and escapes as a reader sees them. */

/** A `<...>` token: a user or channel mention, a special mention, or a link, each with an optional `|label`. */
const TOKEN = /<([^<>|]*)(?:\|([^<>]*))?>/g;
const USER_MENTION = /<@([UW][A-Z0-9]+)(?:\|[^<>]*)?>/g;

/** The ids of the users a text mentions (`<@U0123>`), so their names can be resolved before the text is converted. */
export function mentionedUsers(text: string): string[] {
  return [...text.matchAll(USER_MENTION)].map((match) => match[1] as string);
}

/**
 * Plain text of a message: `<@U0123>` becomes `@Name`, `<#C0123|general>` `#general`, `<!here>` `@here`,
 * `<https://x.example|the guide>` `the guide (https://x.example)`, and `&lt;`, `&gt;`, `&amp;` their characters.
 * @example
 * mrkdwnToText('Thanks <@U0ALICE>, see <#C0RANDOM|random>', (id) => ({ U0ALICE: 'Alice' })[id]) // 'Thanks @Alice, see #random'
 */
export function mrkdwnToText(text: string, userName: (id: string) => string | undefined): string {
  const converted = text.replace(TOKEN, (_token, target: string, label: string | undefined) => {
    if (target.startsWith('@')) return `@${userName(target.slice(1)) ?? label ?? target.slice(1)}`;
    if (target.startsWith('#')) return `#${label ?? target.slice(1)}`;
    // Special mentions (`!here`, `!subteam^S0123|@team`) and dates (`!date^...|fallback`) show their label, else their name.
    if (target.startsWith('!')) return label ?? `@${target.slice(1).split('^')[0]}`;
    const url = target.replace(/^mailto:/, '');
    return label && label !== url ? `${label} (${url})` : url;
  });
  // `&amp;` last, so an escaped `&amp;lt;` stays the text `&lt;`.
  return converted.replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&');
}
