import { z } from 'zod';
import type { ConnectorDefinition } from '../connector-definition.ts';
import { authorizationHeader, httpCheck, withCredential } from '../http/http-check.ts';
import { httpsUrl } from '../shared-schemas.ts';
import { missingInstanceMessage, salesforceInstanceUrl } from './instance-url.ts';
import { openSalesforceSource } from './source.ts';

export const salesforceConfigSchema = z
  .object({
    instanceUrl: httpsUrl
      .transform((value) => value.replace(/\/+$/, ''))
      .optional()
      .meta({ description: 'e.g. https://acme.my.salesforce.com; taken from the OAuth token answer’s instance_url when the credential has one.' }),
    objects: z
      .array(z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'must be an sObject API name such as Account'))
      .min(1)
      .max(100)
      .meta({ description: 'sObjects to sync, e.g. Account, Case, KnowledgeArticleVersion.' }),
    soqlFilter: z.string().min(1).max(4000).optional().meta({ description: 'A SOQL WHERE clause applied to every object.' }),
    apiVersion: z
      .string()
      .regex(/^\d+\.\d$/)
      .default('61.0'),
  })
  .strict()
  .meta({ id: 'SalesforceConfig', example: { instanceUrl: 'https://acme.my.salesforce.com', objects: ['Account', 'Case'] } });

export type SalesforceConfig = z.infer<typeof salesforceConfigSchema>;

export const salesforce: ConnectorDefinition<SalesforceConfig> = {
  type: 'salesforce',
  title: 'Salesforce',
  configSchema: salesforceConfigSchema,
  credentialKinds: ['oauth2'],
  oauth: {
    authorizationUrl: 'https://login.salesforce.com/services/oauth2/authorize',
    tokenUrl: 'https://login.salesforce.com/services/oauth2/token',
    scopes: ['api', 'refresh_token'],
  },
  openSource: (context) => openSalesforceSource(context),
  reads: { incremental: true, prune: true },
  async check({ config, credential, fetch }) {
    return withCredential('Salesforce', credential, async (credential) => {
      const instanceUrl = salesforceInstanceUrl(config, credential);
      if (!instanceUrl) return { ok: false, reason: missingInstanceMessage };
      return httpCheck(fetch, {
        service: 'Salesforce',
        url: `${instanceUrl}/services/data/v${config.apiVersion}/sobjects/${config.objects[0]}/describe`,
        headers: authorizationHeader(credential),
      });
    });
  },
};
