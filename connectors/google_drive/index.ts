import { z } from 'zod';
import type { ConnectorDefinition, OAuthProvider } from '../connector-definition.ts';
import { sourceFetch } from '../http/source-fetch.ts';
import { authorizationHeader, httpCheck, withCredential } from '../http/http-check.ts';
import { apiBaseUrl } from '../shared-schemas.ts';
import { driveIdSchema } from './drive-ids.ts';
import { driveRoots, openDriveSource } from './source.ts';

export const googleDriveConfigSchema = z
  .object({
    rootFileId: driveIdSchema
      .optional()
      .meta({ description: 'Id or URL of a Drive file or folder; a URL is stored as its id. Without roots, every file the account can read is synced.' }),
    rootItemIds: z.array(driveIdSchema).max(500).optional().meta({ description: 'More roots, as ids or URLs.' }),
    apiUrl: apiBaseUrl('https://www.googleapis.com', 'Google APIs base URL.'),
  })
  .strict()
  .meta({ id: 'GoogleDriveConfig', example: { rootFileId: 'https://drive.google.com/drive/folders/1AbCdEfGhIjKlMnOp' } });

export type GoogleDriveConfig = z.infer<typeof googleDriveConfigSchema>;

export const googleOAuth: OAuthProvider = {
  authorizationUrl: 'https://accounts.google.com/o/oauth2/v2/auth',
  tokenUrl: 'https://oauth2.googleapis.com/token',
  scopes: ['https://www.googleapis.com/auth/drive.readonly'],
  authorizationParams: { access_type: 'offline', prompt: 'consent' },
};

export const googleDrive: ConnectorDefinition<GoogleDriveConfig> = {
  type: 'google_drive',
  title: 'Google Drive',
  configSchema: googleDriveConfigSchema,
  credentialKinds: ['oauth2'],
  oauth: googleOAuth,
  openSource: (context) => openDriveSource(context, sourceFetch(context)),
  reads: { incremental: true, prune: true },
  async check({ config, credential, fetch }) {
    const [root] = driveRoots(config);
    return withCredential('Google Drive', credential, (credential) =>
      httpCheck(fetch, {
        service: 'Google Drive',
        // Without a root there is no file to look up; `about` answers for any credential Drive accepts.
        url: root
          ? `${config.apiUrl}/drive/v3/files/${encodeURIComponent(root)}?fields=id,name&supportsAllDrives=true`
          : `${config.apiUrl}/drive/v3/about?fields=user`,
        headers: authorizationHeader(credential),
      }),
    );
  },
};
