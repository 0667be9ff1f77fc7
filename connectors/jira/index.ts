import { z } from 'zod';
import type { ConnectorDefinition, OAuthProvider } from '../connector-definition.ts';
import { authorizationHeader, httpCheck, withCredential } from '../http/http-check.ts';
import { httpsUrl } from '../shared-schemas.ts';
import { openJiraSource } from './source.ts';

export const jiraConfigSchema = z
  .object({
    baseUrl: httpsUrl
      .transform((value) => value.replace(/\/+$/, ''))
      .meta({
        description: 'e.g. https://your-company.atlassian.net; with an OAuth2 credential, https://api.atlassian.com/ex/jira/{cloudId}.',
      }),
    projectKey: z
      .string()
      .regex(/^[A-Z][A-Z0-9_]{0,49}$/, 'must be a Jira project key such as TECH')
      .optional(),
    jql: z.string().min(1).max(4000).optional().meta({ description: 'Selects the issues to sync (seed: jql_query).' }),
    commentEmailBlacklist: z.array(z.email()).max(200).optional().meta({ description: 'Comments by these authors are left out.' }),
    includeAttachments: z.boolean().default(false),
    searchChildrenIssues: z.boolean().default(false),
    searchParentIssues: z.boolean().default(false),
  })
  .strict()
  .meta({ id: 'JiraConfig', example: { baseUrl: 'https://your-company.atlassian.net', projectKey: 'TECH' } });

export type JiraConfig = z.infer<typeof jiraConfigSchema>;

/** Atlassian's OAuth 2.0 (3LO); with it, `baseUrl` is https://api.atlassian.com/ex/jira/{cloudId}. */
export const atlassianOAuth: OAuthProvider = {
  authorizationUrl: 'https://auth.atlassian.com/authorize',
  tokenUrl: 'https://auth.atlassian.com/oauth/token',
  scopes: ['read:jira-work', 'read:jira-user', 'offline_access'],
  authorizationParams: { audience: 'api.atlassian.com', prompt: 'consent' },
};

export const jira: ConnectorDefinition<JiraConfig> = {
  type: 'jira',
  title: 'Jira',
  configSchema: jiraConfigSchema,
  credentialKinds: ['api_token', 'basic', 'oauth2'],
  oauth: atlassianOAuth,
  openSource: (context) => openJiraSource(context),
  reads: { incremental: true, prune: true },
  async check({ config, credential, fetch }) {
    return withCredential('Jira', credential, (credential) =>
      httpCheck(fetch, { service: 'Jira', url: `${config.baseUrl}/rest/api/2/myself`, headers: authorizationHeader(credential) }),
    );
  },
};
