import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { startLocalS3 } from '../../test/support/s3-server.ts';
import { itemText, type ReaderBench } from './reader-source.ts';

const BUCKET = 'bench-documents';
/** Uploads in flight at once; s3rver writes each object to its own files. */
const CONCURRENCY = 32;

/** Text objects of 1 KB under one prefix of a bucket on the local S3 server, 1000 to a folder. */
export const s3: ReaderBench = {
  name: 's3',
  items: 20_000,
  async seed(count) {
    const server = await startLocalS3([BUCKET]);
    const client = new S3Client({
      region: 'us-east-1',
      endpoint: server.endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey },
    });
    try {
      let next = 0;
      const upload = async () => {
        for (let index = next++; index < count; index = next++) {
          const Key = `documents/part-${String(Math.floor(index / 1000)).padStart(4, '0')}/doc-${String(index).padStart(7, '0')}.txt`;
          await client.send(new PutObjectCommand({ Bucket: BUCKET, Key, Body: itemText(index), ContentType: 'text/plain' }));
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, upload));
    } finally {
      client.destroy();
    }
    return {
      type: 's3',
      config: { bucket: BUCKET, region: 'us-east-1', prefix: 'documents/', endpoint: server.endpoint },
      credential: { kind: 'aws', secret: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey } },
      close: () => server.close(),
    };
  },
};
