import path from 'node:path';
import { z } from 'zod';

export const uploadConfigSchema = z
  .object({
    directory: z
      .string()
      .min(1)
      .max(4096)
      .refine((value) => path.isAbsolute(value), { message: 'must be an absolute path' })
      .optional()
      .meta({ description: 'A server-side folder synced besides the uploaded files; must lie under TRIBUTARY_DIRECTORY_ROOTS.' }),
  })
  .strict()
  .meta({ id: 'UploadConfig', example: {} });

export type UploadConfig = z.infer<typeof uploadConfigSchema>;
