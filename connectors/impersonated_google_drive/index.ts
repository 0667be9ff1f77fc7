import { createSign } from 'node:crypto';
import { z } from 'zod';
import type { ConnectorDefinition, CheckResult } from '../connector-definition.ts';
import { googleDriveConfigSchema, googleOAuth } from '../google_drive/index.ts';
import { httpCheck, withCredential } from '../http/http-check.ts';
import { httpsUrl } from '../shared-schemas.ts';

export const impersonatedGoogleDriveConfigSchema = googleDriveConfigSchema
  .extend({
    targetAccount: z.email().meta({ description: 'The Workspace user whose Drive is read through domain-wide delegation.' }),
    tokenUrl: httpsUrl.default(googleOAuth.tokenUrl),
  })
  .meta({ id: 'ImpersonatedGoogleDriveConfig', example: { rootFileId: '1AbCdEfGhIjKlMnOp', targetAccount: 'jane@example.com' } });

export type ImpersonatedGoogleDriveConfig = z.infer<typeof impersonatedGoogleDriveConfigSchema>;

/** The signed JWT bearer assertion of RFC 7523 that Google exchanges for a delegated access token. */
function delegationAssertion(clientEmail: string, privateKey: string, subject: string, tokenUrl: string, now: Date): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const issuedAt = Math.floor(now.getTime() / 1000);
  const unsigned = `${encode({ alg: 'RS256', typ: 'JWT' })}.${encode({
    iss: clientEmail,
    sub: subject,
    scope: googleOAuth.scopes.join(' '),
    aud: tokenUrl,
    iat: issuedAt,
    exp: issuedAt + 3600,
  })}`;
  const signature = createSign('RSA-SHA256').update(unsigned).sign(privateKey).toString('base64url');
  return `${unsigned}.${signature}`;
}

export const impersonatedGoogleDrive: ConnectorDefinition<ImpersonatedGoogleDriveConfig> = {
  type: 'impersonated_google_drive',
  title: 'Google Drive (domain-wide delegation)',
  configSchema: impersonatedGoogleDriveConfigSchema,
  credentialKinds: ['service_account'],
  async check({ config, credential, fetch }): Promise<CheckResult> {
    return withCredential('Google', credential, async (credential) => {
      const secret = credential.secret as { clientEmail: string; privateKey: string };
      let assertion: string;
      try {
        assertion = delegationAssertion(secret.clientEmail, secret.privateKey, config.targetAccount, config.tokenUrl, new Date());
      } catch {
        return { ok: false, reason: 'The service account private key is not a valid PEM RSA key' };
      }
      return httpCheck(fetch, {
        service: 'Google',
        url: config.tokenUrl,
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion }).toString(),
      });
    });
  },
};
