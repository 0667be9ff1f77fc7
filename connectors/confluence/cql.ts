/** The CQL that selects what a Confluence connector syncs, built from its config. */

export interface ContentSelection {
  spaceKeys?: string[] | undefined;
  cql?: string | undefined;
  pages?: string[] | undefined;
  pagesWithChildren?: string[] | undefined;
  folders?: string[] | undefined;
  uploadAllData: boolean;
}

/**
 * The content id a page or folder reference names: the id itself, or a link to it
 * (`.../spaces/ENG/pages/123/Title`, `.../folder/123`, `...viewpage.action?pageId=123`).
 * @example
 * contentIdOf('https://acme.atlassian.net/wiki/spaces/ENG/pages/98311/Runbook') // "98311"
 */
export function contentIdOf(reference: string): string | undefined {
  if (/^\d+$/.test(reference)) return reference;
  return /\/(?:pages|folder|blog\/(?:\d+\/){3})\/?(\d+)(?:[/?#]|$)/.exec(reference)?.[1] ?? /[?&]pageId=(\d+)/.exec(reference)?.[1];
}

/**
 * Pages and blog posts of every part the selection names, as one query: `uploadAllData` takes
 * every space the credential can read. A user's `order by` is dropped, since its query is wrapped.
 * @example
 * selectionCql({ spaceKeys: ['ENG', 'OPS'], uploadAllData: false }) // '(space in ("ENG","OPS")) and type in (page, blogpost)'
 */
export function selectionCql(selection: ContentSelection): string {
  const types = 'type in (page, blogpost)';
  if (selection.uploadAllData) return types;
  const ids = (references: string[] | undefined) => (references ?? []).map((reference) => contentIdOf(reference)).filter((id) => id !== undefined);
  const pages = ids(selection.pages);
  const withChildren = ids(selection.pagesWithChildren);
  const folders = ids(selection.folders);
  const parts: string[] = [];
  if (selection.spaceKeys?.length) parts.push(`space in (${selection.spaceKeys.map(quoted).join(',')})`);
  if (selection.cql) parts.push(`(${selection.cql.replace(/\s+order\s+by\s[\s\S]*$/i, '')})`);
  if (pages.length > 0 || withChildren.length > 0) parts.push(`id in (${[...pages, ...withChildren].join(',')})`);
  if (withChildren.length > 0 || folders.length > 0) parts.push(`ancestor in (${[...withChildren, ...folders].join(',')})`);
  return `(${parts.join(' or ')}) and ${types}`;
}

/**
 * `cql` narrowed to content modified since `since`, minute-precise as CQL dates are. CQL reads
 * the date in the user's time zone (UTC-12 to UTC+14), so the query starts 12 hours early and
 * `isModifiedSince` makes the exact cut on each result's `version.when`.
 */
export function modifiedSinceCql(cql: string, since: string): string {
  const start = new Date(Date.parse(since) - SINCE_MARGIN_MS - LATEST_TIME_ZONE_MS);
  const date = start.toISOString().slice(0, 16).replace('T', ' ');
  return `${cql} and lastmodified >= "${date}"`;
}

/** Whether content whose version is dated `when` changed since `since`, give or take the clock margin. */
export function isModifiedSince(when: string | undefined, since: string): boolean {
  return when === undefined || Date.parse(when) >= Date.parse(since) - SINCE_MARGIN_MS;
}

/** Tolerates clocks of Tributary and Confluence a minute apart. */
const SINCE_MARGIN_MS = 60_000;
const LATEST_TIME_ZONE_MS = 12 * 3_600_000;

function quoted(value: string): string {
  return `"${value.replace(/["\\]/g, '\\$&')}"`;
}
