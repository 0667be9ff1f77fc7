import { z } from 'zod';
import type { ConnectorDefinition } from '../connector-definition.ts';
import { authorizationHeader, httpCheck, withCredential } from '../http/http-check.ts';
import { apiBaseUrl } from '../shared-schemas.ts';
import { openGithubSource } from './source.ts';

export const githubConfigSchema = z
  .object({
    repos: z
      .array(z.string().regex(/^[\w.-]+\/[\w.-]+$/, 'must be owner/name'))
      .min(1)
      .max(500)
      .meta({ description: 'Repositories as owner/name.' }),
    branch: z.string().min(1).max(255).optional().meta({ description: 'Defaults to each repository’s default branch.' }),
    pathFilter: z.string().min(1).max(1000).optional().meta({ description: 'A glob such as docs/**/*.md.' }),
    apiUrl: apiBaseUrl('https://api.github.com', 'GitHub API base URL; for GitHub Enterprise Server, https://HOST/api/v3.'),
  })
  .strict()
  .meta({ id: 'GithubConfig', example: { repos: ['acme/handbook'], branch: 'main', pathFilter: 'docs/**/*.md' } });

export type GithubConfig = z.infer<typeof githubConfigSchema>;

export const github: ConnectorDefinition<GithubConfig> = {
  type: 'github',
  title: 'GitHub',
  configSchema: githubConfigSchema,
  credentialKinds: ['api_token', 'oauth2'],
  // A GitHub App's user tokens expire and come with refresh tokens; an OAuth App's do not.
  oauth: {
    authorizationUrl: 'https://github.com/login/oauth/authorize',
    tokenUrl: 'https://github.com/login/oauth/access_token',
    scopes: ['repo'],
  },
  openSource: (context) => openGithubSource(context),
  reads: { incremental: true, prune: true },
  async check({ config, credential, fetch }) {
    // Reading the first repository proves both the token and its access to what is to be synced.
    return withCredential('GitHub', credential, (credential) =>
      httpCheck(fetch, {
        service: 'GitHub',
        url: `${config.apiUrl}/repos/${config.repos[0]}`,
        headers: { ...authorizationHeader(credential), 'x-github-api-version': '2022-11-28', 'user-agent': 'tributary' },
      }),
    );
  },
};
