import type { S3Client } from '@aws-sdk/client-s3';
import type { CheckResult, ConnectorDefinition } from '../connector-definition.ts';
import { withCredential } from '../http/http-check.ts';
import { createS3Client } from './client.ts';
import { s3ConfigSchema, type S3Config } from './config.ts';
import { openS3Source } from './source.ts';

export const s3: ConnectorDefinition<S3Config> = {
  type: 's3',
  title: 'Amazon S3',
  configSchema: s3ConfigSchema,
  credentialKinds: ['aws'],
  openSource: (context) => openS3Source(context),
  reads: { incremental: true, prune: true },
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
