import { z } from 'zod';
import type { ConnectorDefinition } from '../connector-definition.ts';
import { authorizationHeader, httpCheck, withCredential } from '../http/http-check.ts';
import { apiBaseUrl } from '../shared-schemas.ts';
import { openSlackSource } from './source.ts';

export const slackConfigSchema = z
  .object({
    channels: z
      .array(z.string().trim().min(1))
      .max(1000)
      .optional()
      .meta({ description: 'Channel names or ids; when absent, every channel the token can read (private ones too with groups:read and groups:history).' }),
    dateRange: z
      .object({ from: z.iso.datetime({ offset: true }).optional(), to: z.iso.datetime({ offset: true }).optional() })
      .strict()
      .refine((range) => !range.from || !range.to || Date.parse(range.from) < Date.parse(range.to), { message: 'from must be before to' })
      .optional(),
    apiUrl: apiBaseUrl('https://slack.com/api', 'Slack Web API base URL.'),
  })
  .strict()
  .meta({ id: 'SlackConfig', example: { channels: ['engineering', 'C0123456789'], dateRange: { from: '2024-01-01T00:00:00Z' } } });

export type SlackConfig = z.infer<typeof slackConfigSchema>;

export const slack: ConnectorDefinition<SlackConfig> = {
  type: 'slack',
  title: 'Slack',
  configSchema: slackConfigSchema,
  credentialKinds: ['oauth2', 'api_token'],
  oauth: {
    authorizationUrl: 'https://slack.com/oauth/v2/authorize',
    tokenUrl: 'https://slack.com/api/oauth.v2.access',
    scopes: ['channels:history', 'channels:read', 'users:read'],
  },
  openSource: (context) => openSlackSource(context),
  reads: { incremental: true, prune: true },
  async check({ config, credential, fetch }) {
    return withCredential('Slack', credential, (credential) =>
      httpCheck(fetch, {
        service: 'Slack',
        url: `${config.apiUrl}/auth.test`,
        method: 'POST',
        headers: authorizationHeader(credential),
        // Slack answers 200 with { ok: false, error } for a bad token.
        bodyError: (body) => ((body as { ok?: boolean }).ok ? undefined : String((body as { error?: string }).error ?? 'unknown error')),
      }),
    );
  },
};
