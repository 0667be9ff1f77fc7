import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { S3Client } from '@aws-sdk/client-s3';
import type { AddressPolicy } from '../../net/address-policy.ts';
import { assertLiteralAllowed, guardedLookup } from '../../net/guarded-fetch.ts';
import type { S3Config } from './config.ts';

/**
 * An S3 client whose connections obey the address policy, for checks and reads alike. The AWS SDK
 * loads on first use, so workers that never read S3 do not carry it.
 */
export async function createS3Client(
  config: S3Config,
  secret: { accessKeyId: string; secretAccessKey: string; sessionToken?: string },
  policy: AddressPolicy,
): Promise<S3Client> {
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
