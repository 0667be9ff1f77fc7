import { z } from 'zod';
import type { ConnectorDefinition } from '../connector-definition.ts';
import { graphCheck, microsoftOAuth } from '../microsoft-graph.ts';
import { openGraphSource } from '../microsoft-graph/source.ts';
import { apiBaseUrl, httpsUrl } from '../shared-schemas.ts';

export const onedriveConfigSchema = z
  .object({
    urls: z.array(httpsUrl).min(1).max(500).meta({ description: 'OneDrive folders or files to sync.' }),
    graphUrl: apiBaseUrl('https://graph.microsoft.com', 'Microsoft Graph base URL (national clouds differ).'),
  })
  .strict()
  .meta({ id: 'OnedriveConfig', example: { urls: ['https://contoso-my.sharepoint.com/personal/jane/Documents/Specs'] } });

export type OnedriveConfig = z.infer<typeof onedriveConfigSchema>;

export const onedrive: ConnectorDefinition<OnedriveConfig> = {
  type: 'onedrive',
  title: 'OneDrive',
  configSchema: onedriveConfigSchema,
  credentialKinds: ['oauth2'],
  oauth: microsoftOAuth,
  check: (context) => graphCheck('OneDrive', context),
  openSource: (context) => openGraphSource(context, 'OneDrive'),
  reads: { incremental: true, prune: true },
};
