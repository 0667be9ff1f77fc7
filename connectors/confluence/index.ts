import { z } from 'zod';
import type { ConnectorDefinition } from '../connector-definition.ts';
import { authorizationHeader, httpCheck, withCredential } from '../http/http-check.ts';
import { httpsUrl } from '../shared-schemas.ts';
import { contentIdOf } from './cql.ts';
import { openConfluenceSource } from './source.ts';

const pageRefs = z
  .array(
    z
      .string()
      .trim()
      .min(1)
      .refine((reference) => contentIdOf(reference) !== undefined, { message: 'must be a content id or a link to a page, blog post or folder' }),
  )
  .max(500);

export const confluenceConfigSchema = z
  .object({
    instanceUrl: httpsUrl.transform((value) => value.replace(/\/+$/, '')).meta({ description: 'e.g. https://your-company.atlassian.net/wiki' }),
    spaceKeys: z.array(z.string().trim().min(1)).max(500).optional().meta({ description: 'Every page of these spaces.' }),
    cql: z.string().min(1).max(4000).optional().meta({ description: 'A CQL query selecting the content (seed: cql_query).' }),
    pages: pageRefs.optional().meta({ description: 'Page ids or links, without their children.' }),
    pagesWithChildren: pageRefs.optional().meta({ description: 'Page ids or links, with all their descendants.' }),
    folders: pageRefs.optional().meta({ description: 'Every page of these folders.' }),
    includeAttachments: z.boolean().default(false),
    searchChildren: z.boolean().default(false),
    searchFolders: z.boolean().default(false),
    uploadAllData: z.boolean().default(false).meta({ description: 'Sync every space the credential can read.' }),
  })
  .strict()
  .refine(
    (config) =>
      config.uploadAllData ||
      Boolean(config.spaceKeys?.length || config.cql || config.pages?.length || config.pagesWithChildren?.length || config.folders?.length),
    { message: 'name what to sync: spaceKeys, cql, pages, pagesWithChildren, folders, or uploadAllData: true' },
  )
  .meta({ id: 'ConfluenceConfig', example: { instanceUrl: 'https://your-company.atlassian.net/wiki', spaceKeys: ['ENG'] } });

export type ConfluenceConfig = z.infer<typeof confluenceConfigSchema>;

export const confluence: ConnectorDefinition<ConfluenceConfig> = {
  type: 'confluence',
  title: 'Confluence',
  configSchema: confluenceConfigSchema,
  credentialKinds: ['api_token', 'basic', 'oauth2'],
  // Atlassian's OAuth 2.0 (3LO); such a token reaches the site through https://api.atlassian.com/ex/confluence/{cloudId}/wiki.
  oauth: {
    authorizationUrl: 'https://auth.atlassian.com/authorize',
    tokenUrl: 'https://auth.atlassian.com/oauth/token',
    scopes: ['read:confluence-content.all', 'read:confluence-space.summary', 'search:confluence', 'offline_access'],
    authorizationParams: { audience: 'api.atlassian.com', prompt: 'consent' },
  },
  openSource: (context) => openConfluenceSource(context),
  reads: { incremental: true, prune: true },
  async check({ config, credential, fetch }) {
    return withCredential('Confluence', credential, (credential) =>
      httpCheck(fetch, { service: 'Confluence', url: `${config.instanceUrl}/rest/api/space?limit=1`, headers: authorizationHeader(credential) }),
    );
  },
};
