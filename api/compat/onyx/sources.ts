import { asList } from '../../../domain/comma-list.ts';
import type { ConnectorType } from '../../../connectors/registry.ts';
import { onyxValidationError, type FieldProblem } from './errors.ts';

type Config = Record<string, unknown>;

/**
 * One Onyx source as a Tributary type: its `connector_specific_config` keys mapped both ways. A key
 * Tributary cannot honour is refused (a null is the same as leaving it out), never silently dropped.
 */
export interface SourceMapping {
  source: string;
  type: ConnectorType;
  /** Onyx key → the Tributary config field it sets; errors on that field name the Onyx key. */
  keys: Record<string, string>;
  /** Keys accepted only while they ask for what Tributary does anyway, and why others are refused. */
  onlyIf?: Record<string, { accepts: (value: unknown) => boolean; why: string }>;
  toConfig(onyx: Config): Config | FieldProblem;
  fromConfig(config: Config): Config;
}

const configLoc = (key: string) => ['body', 'connector_specific_config', key];
const problem = (key: string, msg: string): FieldProblem => ({ loc: configLoc(key), msg, type: 'value_error' });
const defined = (config: Config) => Object.fromEntries(Object.entries(config).filter(([, value]) => value !== undefined && value !== null));

/** Onyx's `jira_project_url` (`.../projects/TECH/...`) as its site and project key, as Onyx's own parser reads it. */
function jiraProjectUrl(value: unknown): { baseUrl: string; projectKey: string } | undefined {
  if (typeof value !== 'string' || !URL.canParse(value)) return undefined;
  const url = new URL(value);
  const projectKey = /\/projects\/([^/]+)/.exec(url.pathname)?.[1];
  return projectKey ? { baseUrl: url.origin, projectKey: decodeURIComponent(projectKey) } : undefined;
}

const webTypes: Record<string, string> = { recursive: 'all', sitemap: 'all', single: 'single' };

const mappings: SourceMapping[] = [
  {
    source: 'jira',
    type: 'jira',
    keys: { jira_base_url: 'baseUrl', project_key: 'projectKey', comment_email_blacklist: 'commentEmailBlacklist', jql_query: 'jql', jira_project_url: '' },
    onlyIf: { labels_to_skip: { accepts: (value) => Array.isArray(value) && value.length === 0, why: 'Tributary does not skip Jira issues by label' } },
    toConfig(onyx) {
      const fromUrl = onyx.jira_project_url === undefined ? undefined : jiraProjectUrl(onyx.jira_project_url);
      if (onyx.jira_project_url !== undefined && !fromUrl)
        return problem('jira_project_url', 'must be a Jira project URL such as https://your-company.atlassian.net/projects/TECH');
      return defined({
        baseUrl: onyx.jira_base_url ?? fromUrl?.baseUrl,
        projectKey: onyx.project_key ?? fromUrl?.projectKey,
        commentEmailBlacklist: onyx.comment_email_blacklist,
        jql: onyx.jql_query,
      });
    },
    fromConfig: (config) => ({
      jira_base_url: config.baseUrl,
      project_key: config.projectKey ?? null,
      comment_email_blacklist: config.commentEmailBlacklist ?? null,
      jql_query: config.jql ?? null,
    }),
  },
  {
    source: 'confluence',
    type: 'confluence',
    keys: { wiki_base: 'instanceUrl', space: 'spaceKeys', page_id: 'pages', cql_query: 'cql', index_recursively: 'pagesWithChildren', is_cloud: '' },
    toConfig(onyx) {
      const page = onyx.page_id ? [onyx.page_id] : undefined;
      const recursive = onyx.index_recursively === true;
      const spaceKeys = onyx.space ? [onyx.space] : undefined;
      return defined({
        instanceUrl: onyx.wiki_base,
        spaceKeys,
        pages: recursive ? undefined : page,
        pagesWithChildren: recursive ? page : undefined,
        cql: onyx.cql_query,
        // Onyx reads every space the credential sees when none is named.
        uploadAllData: !spaceKeys && !page && !onyx.cql_query ? true : undefined,
      });
    },
    fromConfig: (config) => {
      const pages = (config.pagesWithChildren ?? config.pages) as string[] | undefined;
      return {
        wiki_base: config.instanceUrl,
        is_cloud: String(config.instanceUrl).includes('.atlassian.net'),
        space: (config.spaceKeys as string[] | undefined)?.[0] ?? null,
        page_id: pages?.[0] ?? null,
        index_recursively: Boolean(config.pagesWithChildren),
        cql_query: config.cql ?? null,
      };
    },
  },
  {
    source: 'google_drive',
    type: 'google_drive',
    keys: { shared_folder_urls: 'rootFileId', shared_drive_urls: 'rootItemIds' },
    onlyIf: Object.fromEntries(
      ['include_shared_drives', 'include_my_drives', 'include_files_shared_with_me', 'my_drive_emails', 'specific_user_emails'].map((key) => [
        key,
        {
          accepts: (value: unknown) => value === false || value === '',
          why: 'Tributary reads the folders and drives named in shared_folder_urls or shared_drive_urls',
        },
      ]),
    ),
    toConfig(onyx) {
      const roots = [...((asList(onyx.shared_folder_urls) as string[] | undefined) ?? []), ...((asList(onyx.shared_drive_urls) as string[] | undefined) ?? [])];
      if (roots.length === 0) return problem('shared_folder_urls', 'name at least one folder or drive URL (comma-separated)');
      return defined({ rootFileId: roots[0], rootItemIds: roots.length > 1 ? roots.slice(1) : undefined });
    },
    fromConfig: (config) => ({
      shared_folder_urls: [config.rootFileId, ...((config.rootItemIds as string[] | undefined) ?? [])].join(','),
      include_shared_drives: false,
      include_my_drives: false,
      include_files_shared_with_me: false,
    }),
  },
  {
    source: 'web',
    type: 'web_scraper',
    keys: { base_url: 'url', web_connector_type: 'extractionType' },
    onlyIf: {
      scroll_before_scraping: { accepts: (value) => value === false, why: 'Tributary fetches pages without a browser, so it cannot scroll' },
    },
    toConfig(onyx) {
      const kind = onyx.web_connector_type ?? 'recursive';
      if (typeof kind !== 'string' || !(kind in webTypes))
        return problem('web_connector_type', "must be 'recursive', 'single' or 'sitemap' (Tributary takes no uploaded URL list)");
      return defined({ url: onyx.base_url, extractionType: webTypes[kind] });
    },
    fromConfig: (config) => ({ base_url: config.url, web_connector_type: config.extractionType === 'all' ? 'recursive' : 'single' }),
  },
  {
    source: 'file',
    type: 'upload',
    keys: {},
    onlyIf: Object.fromEntries(
      ['file_locations', 'file_names'].map((key) => [
        key,
        {
          accepts: (value: unknown) => Array.isArray(value) && value.length === 0,
          why: 'upload the files to POST /v1/connectors/{id}/files once the connector exists',
        },
      ]),
    ),
    toConfig: () => ({}),
    fromConfig: () => ({ file_locations: [], file_names: [] }),
  },
  {
    source: 'slack',
    type: 'slack',
    keys: { channels: 'channels' },
    onlyIf: { channel_regex_enabled: { accepts: (value) => value === false, why: 'Tributary matches channels by name or id, not by regular expression' } },
    toConfig: (onyx) => defined({ channels: onyx.channels }),
    fromConfig: (config) => ({ channels: config.channels ?? null, channel_regex_enabled: false }),
  },
  {
    source: 'notion',
    type: 'notion',
    keys: { root_page_id: 'rootPageIds' },
    onlyIf: {
      recursive_index_references: { accepts: (value) => value === false, why: 'Tributary reads child pages, not the pages a page links to' },
    },
    toConfig: (onyx) => defined({ rootPageIds: onyx.root_page_id ? [onyx.root_page_id] : undefined }),
    fromConfig: (config) => ({ root_page_id: (config.rootPageIds as string[] | undefined)?.[0] ?? null }),
  },
  {
    source: 'github',
    type: 'github',
    keys: { repo_owner: 'repos', repositories: 'repos' },
    onlyIf: Object.fromEntries(
      ['include_prs', 'include_issues'].map((key) => [
        key,
        { accepts: (value: unknown) => value === true, why: 'Tributary’s GitHub connector always syncs both issues and pull requests' },
      ]),
    ),
    toConfig(onyx) {
      const names = asList(onyx.repositories) as string[] | undefined;
      if (!names?.length) return problem('repositories', 'name the repositories (comma-separated): Tributary does not list every repository of an owner');
      return { repos: names.map((name) => (name.includes('/') ? name : `${typeof onyx.repo_owner === 'string' ? onyx.repo_owner : ''}/${name}`)) };
    },
    fromConfig: (config) => {
      const repos = config.repos as string[];
      return {
        repo_owner: repos[0]?.split('/')[0] ?? null,
        repositories: repos.map((repo) => repo.split('/')[1]).join(','),
        include_prs: true,
        include_issues: true,
      };
    },
  },
  {
    source: 'sharepoint',
    type: 'sharepoint',
    keys: { sites: 'urls' },
    toConfig: (onyx) => defined({ urls: onyx.sites }),
    fromConfig: (config) => ({ sites: config.urls }),
  },
  {
    source: 'salesforce',
    type: 'salesforce',
    keys: { requested_objects: 'objects' },
    toConfig: (onyx) => defined({ objects: onyx.requested_objects }),
    fromConfig: (config) => ({ requested_objects: config.objects }),
  },
];

/** The Onyx sources this API takes, in Onyx's spelling. */
export const onyxSources = mappings.map((mapping) => mapping.source);

export function mappingOfSource(source: string): SourceMapping | undefined {
  return mappings.find((mapping) => mapping.source === source);
}

/** Onyx's name of a Tributary type; a type Onyx has no source for keeps its own name. */
export function sourceOfType(type: string): string {
  return mappings.find((mapping) => mapping.type === type)?.source ?? type;
}

/** Tributary's config for an Onyx `connector_specific_config`; a 422 names the first key it cannot take. */
export function configFromOnyx(mapping: SourceMapping, onyx: Config): Config {
  for (const [key, value] of Object.entries(onyx)) {
    if (value === null || key in mapping.keys) continue;
    const rule = mapping.onlyIf?.[key];
    if (rule && !rule.accepts(value)) throw onyxValidationError([problem(key, `${JSON.stringify(value)} is not supported: ${rule.why}`)]);
    if (!rule) {
      const known = [...Object.keys(mapping.keys), ...Object.keys(mapping.onlyIf ?? {})];
      throw onyxValidationError([problem(key, `is not a setting of Tributary's ${mapping.source} connector; it takes: ${known.join(', ') || 'none'}`)]);
    }
  }
  const config = mapping.toConfig(onyx);
  if (isProblem(config)) throw onyxValidationError([config]);
  return config;
}

function isProblem(value: Config | FieldProblem): value is FieldProblem {
  return Array.isArray(value.loc) && typeof value.msg === 'string';
}

/** The config as Onyx shows it: a type with a mapping in Onyx's keys, any other as Tributary stores it. */
export function configToOnyx(type: string, config: Config): Config {
  return mappings.find((mapping) => mapping.type === type)?.fromConfig(config) ?? config;
}

/** The Onyx key a Tributary config field came from, for error messages. */
export function onyxKeyOf(mapping: SourceMapping, field: string): string {
  return Object.entries(mapping.keys).find(([, tributary]) => tributary === field)?.[0] ?? field;
}
