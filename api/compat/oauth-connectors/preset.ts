/** The source type and config a URL stands for. */
export interface Preset {
  type: string;
  config: Record<string, unknown>;
}

type Matcher = (url: URL) => Preset | undefined;

const segments = (url: URL) => url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
const hostIs = (url: URL, ...hosts: string[]) => hosts.includes(url.hostname);
const hostEndsWith = (url: URL, suffix: string) => url.hostname.endsWith(suffix) && url.hostname.length > suffix.length;

/** `/wiki/spaces/ENG/pages/123/Title` syncs that page and its children; `/wiki/spaces/ENG` the space; `/wiki` the whole site. */
const confluence: Matcher = (url) => {
  const path = segments(url);
  if (!hostEndsWith(url, '.atlassian.net') || path[0] !== 'wiki') return undefined;
  const instanceUrl = `https://${url.hostname}/wiki`;
  if (path[1] === 'spaces' && path[2] && path[3] === 'pages' && path[4]) return { type: 'confluence', config: { instanceUrl, pagesWithChildren: [url.href] } };
  if (path[1] === 'spaces' && path[2]) return { type: 'confluence', config: { instanceUrl, spaceKeys: [path[2]] } };
  return { type: 'confluence', config: { instanceUrl, uploadAllData: true } };
};

/** `/browse/TECH-12`, `/browse/TECH` and `/jira/software/projects/TECH/...` sync project TECH; other Jira pages the whole site. */
const jira: Matcher = (url) => {
  const path = segments(url);
  if (!hostEndsWith(url, '.atlassian.net') || (path[0] !== 'browse' && path[0] !== 'jira')) return undefined;
  const projectIndex = path.indexOf('projects');
  const key = (path[0] === 'browse' ? path[1]?.split('-')[0] : projectIndex === -1 ? undefined : path[projectIndex + 1])?.toUpperCase();
  return { type: 'jira', config: { baseUrl: `https://${url.hostname}`, ...(key ? { projectKey: key } : {}) } };
};

const github: Matcher = (url) => {
  if (!hostIs(url, 'github.com', 'www.github.com')) return undefined;
  const [owner = '', repo = ''] = segments(url);
  return { type: 'github', config: { repos: [`${owner}/${repo.replace(/\.git$/, '')}`] } };
};

const googleDrive: Matcher = (url) =>
  hostIs(url, 'drive.google.com', 'docs.google.com') ? { type: 'google_drive', config: { rootFileId: url.href } } : undefined;

/** OneDrive for Business lives on `<tenant>-my.sharepoint.com`, so it is matched before SharePoint. */
const onedrive: Matcher = (url) =>
  hostEndsWith(url, '-my.sharepoint.com') || hostIs(url, 'onedrive.live.com', '1drv.ms') ? { type: 'onedrive', config: { urls: [url.href] } } : undefined;

const sharepoint: Matcher = (url) => (hostEndsWith(url, '.sharepoint.com') ? { type: 'sharepoint', config: { urls: [url.href] } } : undefined);

/** A page link ends in the page's 32-hex id; without one, everything shared with the integration. */
const notion: Matcher = (url) => {
  if (!hostIs(url, 'notion.so', 'www.notion.so', 'notion.site') && !hostEndsWith(url, '.notion.so') && !hostEndsWith(url, '.notion.site')) return undefined;
  const pageId = /([0-9a-f]{32})$/i.exec(segments(url).at(-1) ?? '')?.[1];
  return { type: 'notion', config: pageId ? { rootPageIds: [pageId] } : {} };
};

/** `/archives/C0123` syncs that channel; the workspace URL every channel the token reads. */
const slack: Matcher = (url) => {
  if (!hostEndsWith(url, '.slack.com')) return undefined;
  const path = segments(url);
  const channel = path[0] === 'archives' ? path[1] : undefined;
  return { type: 'slack', config: channel ? { channels: [channel] } : {} };
};

/** Salesforce needs the objects to read: the one a Lightning URL shows (`/lightning/o/Case/...`), else the common ones. */
const salesforce: Matcher = (url) => {
  const lightning = hostEndsWith(url, '.lightning.force.com');
  if (!lightning && !hostEndsWith(url, '.my.salesforce.com')) return undefined;
  const path = segments(url);
  const shown = path[0] === 'lightning' && (path[1] === 'o' || path[1] === 'r') ? path[2] : undefined;
  const instanceUrl = `https://${lightning ? url.hostname.replace(/\.lightning\.force\.com$/, '.my.salesforce.com') : url.hostname}`;
  return { type: 'salesforce', config: { instanceUrl, objects: shown ? [shown] : ['Account', 'Contact', 'Opportunity', 'Case'] } };
};

const matchers: Matcher[] = [confluence, jira, github, googleDrive, onedrive, sharepoint, notion, slack, salesforce];

/** Any other site, or any URL when presets are off: a crawl of the site from that page. */
export function webCrawl(url: URL): Preset {
  return { type: 'web_scraper', config: { url: url.href, extractionType: 'all' } };
}

/**
 * The source a URL points at, e.g. `https://acme.atlassian.net/wiki/spaces/ENG` → Confluence space
 * ENG, `https://github.com/acme/handbook` → that repository; a site no preset knows is crawled.
 */
export function presetOf(url: URL): Preset {
  for (const match of matchers) {
    const preset = match(url);
    if (preset) return preset;
  }
  return webCrawl(url);
}
