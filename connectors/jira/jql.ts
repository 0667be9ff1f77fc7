import type { JiraConfig } from './index.ts';

/** Key order: an issue updated during the sync keeps its place, so offset pages neither skip nor repeat it. */
const ORDER = 'ORDER BY key ASC';

/** Jira Cloud refuses a search with no restriction at all; this one holds every issue. */
const EVERY_ISSUE = 'created IS NOT EMPTY';

/** The issues the connector selects, without an ORDER BY (the reader sets its own); null for every issue the credential can read. */
export function selectionOf(config: Pick<JiraConfig, 'jql' | 'projectKey'>): string | null {
  const clauses = [config.jql ? withoutOrderBy(config.jql) : undefined, config.projectKey ? `project = "${config.projectKey}"` : undefined];
  const present = clauses.filter((clause): clause is string => Boolean(clause));
  return present.length > 0 ? present.map((clause) => `(${clause})`).join(' AND ') : null;
}

/** The JQL up to its ORDER BY, one that stands outside quoted text. */
function withoutOrderBy(jql: string): string {
  for (const match of jql.matchAll(/\border\s+by\b/gi)) {
    const before = jql.slice(0, match.index);
    if ((before.match(/"/g) ?? []).length % 2 === 0 && (before.match(/'/g) ?? []).length % 2 === 0) return before.trim();
  }
  return jql.trim();
}

/** A search of the issues every clause holds for, in key order. */
export function searchJql(...clauses: Array<string | null>): string {
  const present = clauses.filter((clause): clause is string => Boolean(clause));
  return `${present.length > 0 ? present.map((clause) => `(${clause})`).join(' AND ') : EVERY_ISSUE} ${ORDER}`;
}

/** Issues whose key is in `keys`, as a JQL list. */
export const keyList = (keys: readonly string[]) => `(${keys.map((key) => `"${key}"`).join(', ')})`;

const MINUTE_MS = 60_000;
/** Time zones run from UTC-12 to UTC+14: read 12 hours earlier in UTC and no zone misses a change. */
const UNKNOWN_ZONE_MARGIN_MS = 12 * 60 * MINUTE_MS;

/**
 * `updated >= "yyyy-MM-dd HH:mm"` for issues changed since `since` (ISO). Jira reads the date in the
 * account's time zone and to the minute, so it is written in that zone, a minute early; re-read
 * issues that did not change cost no write.
 * @example
 * updatedSince('2024-05-01T10:30:45Z', 'Europe/Berlin') // 'updated >= "2024-05-01 12:29"'
 */
export function updatedSince(since: string, timeZone: string | undefined): string {
  const at = Date.parse(since) - MINUTE_MS;
  const zoned = timeZone ? formatIn(new Date(at), timeZone) : undefined;
  return `updated >= "${zoned ?? formatIn(new Date(at - UNKNOWN_ZONE_MARGIN_MS), 'UTC')}"`;
}

function formatIn(date: Date, timeZone: string): string | undefined {
  let parts;
  try {
    parts = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    }).formatToParts(date);
  } catch {
    return undefined;
  }
  const part = (type: string) => parts.find((candidate) => candidate.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')}`;
}
