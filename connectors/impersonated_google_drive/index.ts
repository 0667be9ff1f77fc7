import { retryingFetch } from '../http/source-fetch.ts';
import { z } from 'zod';
import type { ConnectorDefinition, CheckResult } from '../connector-definition.ts';
import { googleDriveConfigSchema, googleOAuth } from '../google_drive/index.ts';
import { openDriveSource } from '../google_drive/source.ts';
import { authorizedFetch } from '../http/authorized-fetch.ts';
import { httpCheck, withCredential } from '../http/http-check.ts';
import { SourceRefusedError } from '../http/source-errors.ts';
import { httpsUrl } from '../shared-schemas.ts';
import { delegatedAccess, delegationRequestBody, type ServiceAccountKey } from './delegated-token.ts';

export const impersonatedGoogleDriveConfigSchema = googleDriveConfigSchema
  .extend({
    targetAccount: z.email().meta({ description: 'The Workspace user whose Drive is read through domain-wide delegation.' }),
    tokenUrl: httpsUrl.default(googleOAuth.tokenUrl),
  })
  .meta({ id: 'ImpersonatedGoogleDriveConfig', example: { rootFileId: '1AbCdEfGhIjKlMnOp', targetAccount: 'jane@example.com' } });

export type ImpersonatedGoogleDriveConfig = z.infer<typeof impersonatedGoogleDriveConfigSchema>;

export const impersonatedGoogleDrive: ConnectorDefinition<ImpersonatedGoogleDriveConfig> = {
  type: 'impersonated_google_drive',
  title: 'Google Drive (domain-wide delegation)',
  configSchema: impersonatedGoogleDriveConfigSchema,
  credentialKinds: ['service_account'],
  openSource(context) {
    if (!context.credential) throw new SourceRefusedError('Google Drive through domain-wide delegation needs a service account credential');
    const retrying = retryingFetch(context);
    const access = delegatedAccess({
      fetch: retrying,
      key: context.credential.secret as ServiceAccountKey,
      subject: context.config.targetAccount,
      tokenUrl: context.config.tokenUrl,
    });
    // Each request takes the token of the moment, so one about to expire is renewed before it is sent.
    return openDriveSource(context, async (url, init) => authorizedFetch(retrying, await access.current(), (refused) => access.renew(refused))(url, init));
  },
  reads: { incremental: true, prune: true },
  async check({ config, credential, fetch }): Promise<CheckResult> {
    return withCredential('Google', credential, async (credential) => {
      let body: string;
      try {
        body = delegationRequestBody(credential.secret as ServiceAccountKey, config.targetAccount, config.tokenUrl, new Date());
      } catch (error) {
        return { ok: false, reason: (error as Error).message };
      }
      return httpCheck(fetch, {
        service: 'Google',
        url: config.tokenUrl,
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body,
      });
    });
  },
};
