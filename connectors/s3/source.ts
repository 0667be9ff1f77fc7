import type { S3Client } from '@aws-sdk/client-s3';
import { mimeTypeFromName } from '../../domain/mime-types.ts';
import { SourceHttpError } from '../http/source-errors.ts';
import type { Checkpoint, ReadContext, Source, SourceDocument, SourcePage } from '../source.ts';
import { createS3Client } from './client.ts';
import type { S3Config } from './config.ts';

export const S3_PAGE_SIZE = 200;
const PARALLEL_GETS = 8;

/** S3 errors as the sync sees them: throttling and server errors retry, the rest stop the sync. */
function sourceError(error: unknown): unknown {
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  if (!status) return error;
  return new SourceHttpError(status, `S3 answered ${status}: ${(error as Error).name}: ${(error as Error).message}`);
}

/** Objects under the prefix, page by page with S3's continuation token; incremental reads skip unchanged objects. */
export function openS3Source(context: ReadContext<S3Config>): Source {
  const { config, since } = context;
  let client: S3Client | undefined;
  const s3 = async () =>
    (client ??= await createS3Client(config, context.credential?.secret as { accessKeyId: string; secretAccessKey: string }, context.policy));
  const commands = () => import('@aws-sdk/client-s3');

  async function list(token: string | undefined, maxKeys: number) {
    try {
      const { ListObjectsV2Command } = await commands();
      return await (await s3()).send(new ListObjectsV2Command({ Bucket: config.bucket, Prefix: config.prefix, MaxKeys: maxKeys, ContinuationToken: token }));
    } catch (error) {
      throw sourceError(error);
    }
  }

  async function get(key: string): Promise<{ body: Uint8Array; contentType: string | undefined }> {
    try {
      const { GetObjectCommand } = await commands();
      const object = await (await s3()).send(new GetObjectCommand({ Bucket: config.bucket, Key: key }), { abortSignal: context.signal });
      return { body: (await object.Body?.transformToByteArray()) ?? new Uint8Array(), contentType: object.ContentType };
    } catch (error) {
      throw sourceError(error);
    }
  }

  return {
    async read(checkpoint: Checkpoint | null): Promise<SourcePage> {
      const token = (checkpoint as { token?: string } | null)?.token;
      const listed = await list(token, S3_PAGE_SIZE);
      const wanted = (listed.Contents ?? []).filter(
        (object) => object.Key && !object.Key.endsWith('/') && (!since || (object.LastModified?.toISOString() ?? '') > since),
      );
      const documents: SourceDocument[] = [];
      for (let index = 0; index < wanted.length; index += PARALLEL_GETS) {
        const batch = wanted.slice(index, index + PARALLEL_GETS);
        const fetched = await Promise.all(batch.map((object) => get(object.Key as string)));
        batch.forEach((object, position) => {
          const key = object.Key as string;
          const { body, contentType } = fetched[position] as { body: Uint8Array; contentType: string | undefined };
          documents.push({
            externalId: key,
            title: key.split('/').pop() ?? key,
            url: `s3://${config.bucket}/${key}`,
            body,
            mimeType: contentType && contentType !== 'application/octet-stream' ? contentType : (mimeTypeFromName(key) ?? 'application/octet-stream'),
            metadata: { bucket: config.bucket, key, ...(object.ETag ? { etag: object.ETag } : {}) },
            updatedAt: object.LastModified?.toISOString() ?? null,
          });
        });
        context.heartbeat();
      }
      return { documents, next: listed.IsTruncated && listed.NextContinuationToken ? { token: listed.NextContinuationToken } : null };
    },
    async *listIds() {
      for (let token: string | undefined; ;) {
        const listed = await list(token, 1000);
        const keys = (listed.Contents ?? []).map((object) => object.Key).filter((key): key is string => Boolean(key) && !key?.endsWith('/'));
        if (keys.length > 0) yield keys;
        if (!listed.IsTruncated || !listed.NextContinuationToken) return;
        token = listed.NextContinuationToken;
      }
    },
    async close() {
      client?.destroy();
    },
  };
}
