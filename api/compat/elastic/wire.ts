import { z } from '@hono/zod-openapi';
import { syncModes } from '../../../domain/sync-job.ts';

export const tag = 'Elastic connector API';

export const apiKeySecurity = [{ elasticApiKey: [] }];

/** Elastic's `service_type` names and the source type each one is in Tributary; others are refused. */
export const sourceTypeOfService: Readonly<Record<string, string>> = {
  confluence: 'confluence',
  'elastic-crawler': 'web_scraper',
  github: 'github',
  google_drive: 'google_drive',
  jira: 'jira',
  notion: 'notion',
  onedrive: 'onedrive',
  postgresql: 'postgresql',
  s3: 's3',
  salesforce: 'salesforce',
  sharepoint_online: 'sharepoint',
  slack: 'slack',
};

export function serviceTypeOf(sourceType: string): string {
  return Object.entries(sourceTypeOfService).find(([, type]) => type === sourceType)?.[0] ?? sourceType;
}

/** Body of `PUT _connector/<id>` and `POST _connector`: every field optional, as Elastic documents. */
export const connectorBody = z
  .object({
    index_name: z.string().optional().meta({ description: 'The collection its documents go to; defaults to the connector id.' }),
    name: z.string().max(200).optional(),
    description: z.string().max(2000).optional(),
    service_type: z
      .string()
      .optional()
      .meta({ description: `One of: ${Object.keys(sourceTypeOfService).join(', ')}.` }),
    language: z.string().max(64).optional().meta({ description: 'Kept with the connector (metadata `elastic.language`); Tributary has no language analyzer.' }),
    is_native: z.boolean().optional().meta({ description: 'Kept with the connector; every Tributary connector runs in Tributary itself.' }),
  })
  .strict()
  .meta({ id: 'ElasticConnectorPut' });

export type ConnectorBody = z.infer<typeof connectorBody>;

/** A field of `configuration` as Elastic writes it (`{label, value, ...}`), or its bare value. */
const configurationEntry = z.union([z.looseObject({ value: z.unknown() }), z.unknown()]);

/** Body of `PUT _connector/<id>/_configuration`: `values` by field name, or a whole `configuration`. */
export const configurationBody = z
  .object({
    values: z.record(z.string(), z.unknown()).optional(),
    configuration: z.record(z.string(), configurationEntry).optional(),
  })
  .strict()
  .refine((body) => (body.values === undefined) !== (body.configuration === undefined), { message: 'send [values] or [configuration], not both' })
  .meta({ id: 'ElasticConnectorConfiguration' });

export type ConfigurationBody = z.infer<typeof configurationBody>;

/** Body of `POST _connector/_sync_job`. */
export const syncJobBody = z
  .object({
    id: z.string().min(1).meta({ description: 'The connector to sync.' }),
    job_type: z.enum(syncModes).optional().meta({ description: '`full` or `incremental` (default `full`, as Elastic).' }),
    trigger_method: z.enum(['on_demand', 'scheduled']).optional(),
  })
  .strict()
  .meta({ id: 'ElasticSyncJobPost' });

export const connectorIdParam = z.object({ connector_id: z.string() });
export const syncJobIdParam = z.object({ connector_sync_job_id: z.string() });

export const resultAnswer = z.object({ result: z.enum(['created', 'updated', 'deleted']), id: z.string().optional() }).meta({ id: 'ElasticResult' });

export const elasticError = z
  .object({
    error: z.object({
      root_cause: z.array(z.object({ type: z.string(), reason: z.string() })),
      type: z.string(),
      reason: z.string(),
    }),
    status: z.number().int(),
  })
  .meta({ id: 'ElasticError' });

export function errorAnswers(...statuses: Array<400 | 401 | 403 | 404 | 409 | 413 | 422 | 503>) {
  return Object.fromEntries(statuses.map((status) => [status, { description: 'Elastic error', content: { 'application/json': { schema: elasticError } } }]));
}
