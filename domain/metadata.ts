import { z } from 'zod';

export const MAX_METADATA_PAIRS = 16;

/** Free-form labels, as seed 003 defines them: at most 16 pairs, keys ≤ 64 chars, values ≤ 512 chars. */
export const metadataSchema = z
  .record(z.string().min(1).max(64), z.string().max(512))
  .refine((value) => Object.keys(value).length <= MAX_METADATA_PAIRS, {
    message: `at most ${MAX_METADATA_PAIRS} key-value pairs`,
  })
  .meta({ id: 'Metadata', example: { team: 'platform' } });

export type Metadata = z.infer<typeof metadataSchema>;
