import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { S3Client } from '@aws-sdk/client-s3';
import { z } from 'zod';
import type { CheckResult, ConnectorDefinition } from '../connector-definition.ts';
import type { AddressPolicy } from '../http/address-policy.ts';
import { assertLiteralAllowed, guardedLookup } from '../http/guarded-fetch.ts';
import { withCredential } from '../http/http-check.ts';
import { httpsUrl } from '../shared-schemas.ts';
import { openS3Source } from './source.ts';

export const s3ConfigSchema = z
  .object({
    bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name'),
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region such as us-east-1').default('us-east-1'),
    prefix: z
      .string()
      .max(1024)
      .default('')
      .transform((value) => value.replace(/^\/+/, ''))
      .meta({ description: 'Only keys under this prefix; a leading "/" is dropped.' }),
    endpoint: httpsUrl.optional().meta({ description: 'An S3-compatible endpoint (MinIO, R2, ...); path-style addressing is used.' }),
  })
  .strict()
  .meta({ id: 'S3Config', example: { bucket: 'my-documents', region: 'us-east-1', prefix: 'documents/' } });

export type S3Config = z.infer<typeof s3ConfigSchema>;

/**
 * An S3 client whose connections obey the address policy, for checks and reads alike. The AWS SDK
 * loads on first use, so workers that never read S3 do not carry it.
 */
export async function createS3Client(config: S3Config, secret: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }, policy: AddressPolicy): Promise<S3Client> {
  if (config.endpoint) assertLiteralAllowed(policy, new URL(config.endpoint).hostname);
  const [{ S3Client }, { NodeHttpHandler }] = await Promise.all([import('@aws-sdk/client-s3'), import('@smithy/node-http-handler')]);
  const lookup = guardedLookup(policy);
  return new S3Client({
    region: config.region,
    ...(config.endpoint ? { endpoint: config.endpoint, forcePathStyle: true } : {}),
    credentials: secret,
    maxAttempts: 3,
    requestHandler: new NodeHttpHandler({
      httpAgent: new HttpAgent({ keepAlive: true, lookup }),
      httpsAgent: new HttpsAgent({ keepAlive: true, lookup }),
      connectionTimeout: 10_000,
      requestTimeout: 60_000,
    }),
  });
}

export const s3: ConnectorDefinition<S3Config> = {
  type: 's3',
  title: 'Amazon S3',
  configSchema: s3ConfigSchema,
  credentialKinds: ['aws'],
  openSource: (context) => openS3Source(context),
  async check({ config, credential, policy }): Promise<CheckResult> {
    return withCredential('S3', credential, async (credential) => {
      let client: S3Client | undefined;
      try {
        client = await createS3Client(config, credential.secret as { accessKeyId: string; secretAccessKey: string }, policy);
        const { ListObjectsV2Command } = await import('@aws-sdk/client-s3');
        await client.send(new ListObjectsV2Command({ Bucket: config.bucket, Prefix: config.prefix, MaxKeys: 1 }));
        return { ok: true };
      } catch (error) {
        const name = (error as { name?: string }).name ?? 'Error';
        return { ok: false, reason: `S3 refused listing ${config.bucket}/${config.prefix}: ${name}: ${(error as Error).message}` };
      } finally {
        client?.destroy();
      }
    });
  },
};
