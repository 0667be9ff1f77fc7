import { z } from 'zod';
import type { ConnectorDefinition } from '../connector-definition.ts';
import { graphCheck, microsoftOAuth } from '../microsoft-graph.ts';
import { openGraphSource } from '../microsoft-graph/source.ts';
import { apiBaseUrl, httpsUrl } from '../shared-schemas.ts';

export const sharepointConfigSchema = z
  .object({
    urls: z.array(httpsUrl).min(1).max(500).meta({ description: 'SharePoint sites, libraries or folders to sync.' }),
    graphUrl: apiBaseUrl('https://graph.microsoft.com', 'Microsoft Graph base URL (national clouds differ).'),
  })
  .strict()
  .meta({ id: 'SharepointConfig', example: { urls: ['https://contoso.sharepoint.com/sites/engineering'] } });

export type SharepointConfig = z.infer<typeof sharepointConfigSchema>;

export const sharepoint: ConnectorDefinition<SharepointConfig> = {
  type: 'sharepoint',
  title: 'SharePoint',
  configSchema: sharepointConfigSchema,
  credentialKinds: ['oauth2'],
  oauth: microsoftOAuth,
  check: (context) => graphCheck('SharePoint', context),
  openSource: (context) => openGraphSource(context, 'SharePoint'),
  reads: { incremental: true, prune: true },
};
