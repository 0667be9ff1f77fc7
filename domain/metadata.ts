import { z } from 'zod';

export const MAX_METADATA_PAIRS = 16;
const MAX_KEY_LENGTH = 64;
const MAX_VALUE_LENGTH = 512;

/** Free-form labels, as seed 003 defines them: at most 16 pairs, keys ≤ 64 chars, values ≤ 512 chars. */
export const metadataSchema = z
  .record(z.string(), z.string().max(MAX_VALUE_LENGTH, `values are at most ${MAX_VALUE_LENGTH} characters`))
  .superRefine((value, context) => {
    const keys = Object.keys(value);
    if (keys.length > MAX_METADATA_PAIRS) {
      context.addIssue({ code: 'custom', message: `at most ${MAX_METADATA_PAIRS} key-value pairs, got ${keys.length}` });
    }
    for (const key of keys) {
      if (key.length === 0 || key.length > MAX_KEY_LENGTH) {
        context.addIssue({ code: 'custom', message: `keys are 1 to ${MAX_KEY_LENGTH} characters`, path: [key] });
      }
    }
  })
  .meta({ id: 'Metadata', example: { team: 'platform' } });

export type Metadata = z.infer<typeof metadataSchema>;
