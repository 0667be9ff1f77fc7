import { z } from 'zod';
import { httpsUrl } from '../shared-schemas.ts';

export const s3ConfigSchema = z
  .object({
    bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name'),
    region: z
      .string()
      .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region such as us-east-1')
      .default('us-east-1'),
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
