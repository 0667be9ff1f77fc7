import { z } from 'zod';
import type { ConnectorDefinition } from '../connector-definition.ts';
import { authorizationHeader, httpCheck, withCredential } from '../http/http-check.ts';
import { apiBaseUrl } from '../shared-schemas.ts';
import { NOTION_HEADERS } from './api.ts';
import { openNotionSource } from './source.ts';

export const notionConfigSchema = z
  .object({
    rootPageIds: z
      .array(z.string().trim().min(1))
      .max(500)
      .optional()
      .meta({ description: 'Pages to sync with their children; everything shared with the integration when absent.' }),
    apiUrl: apiBaseUrl('https://api.notion.com', 'Notion API base URL.'),
  })
  .strict()
  .meta({ id: 'NotionConfig', example: {} });

export type NotionConfig = z.infer<typeof notionConfigSchema>;

export const notion: ConnectorDefinition<NotionConfig> = {
  type: 'notion',
  title: 'Notion',
  configSchema: notionConfigSchema,
  credentialKinds: ['oauth2', 'api_token'],
  oauth: {
    authorizationUrl: 'https://api.notion.com/v1/oauth/authorize',
    tokenUrl: 'https://api.notion.com/v1/oauth/token',
    scopes: [],
    authorizationParams: { owner: 'user' },
  },
  openSource: (context) => openNotionSource(context),
  reads: { incremental: true, prune: true },
  async check({ config, credential, fetch }) {
    // With root pages, reading the first proves the token and that the page is shared with the integration.
    const root = config.rootPageIds?.[0];
    return withCredential('Notion', credential, (credential) =>
      httpCheck(fetch, {
        service: 'Notion',
        url: root ? `${config.apiUrl}/v1/pages/${encodeURIComponent(root)}` : `${config.apiUrl}/v1/users/me`,
        headers: { ...authorizationHeader(credential), ...NOTION_HEADERS },
      }),
    );
  },
};
