import type { CheckContext, CheckResult, OAuthProvider } from './connector-definition.ts';
import { authorizationHeader, httpCheck, withCredential } from './http/http-check.ts';

/** SharePoint and OneDrive both go through Microsoft Graph with the same consent endpoints. */
export const microsoftOAuth: OAuthProvider = {
  authorizationUrl: 'https://login.microsoftonline.com/common/oauth2/v2.0/authorize',
  tokenUrl: 'https://login.microsoftonline.com/common/oauth2/v2.0/token',
  scopes: ['offline_access', 'Files.Read.All', 'Sites.Read.All'],
};

export async function graphCheck(service: string, { config, credential, fetch }: CheckContext<{ graphUrl: string }>): Promise<CheckResult> {
  return withCredential(service, credential, (credential) =>
    httpCheck(fetch, { service, url: `${config.graphUrl}/v1.0/me/drive?$select=id`, headers: authorizationHeader(credential) }),
  );
}
