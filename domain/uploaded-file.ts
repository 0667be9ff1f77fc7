import { z } from 'zod';

/** A file stored for an upload connector, as the API shows it (never its content). */
export const uploadedFileSchema = z
  .object({
    path: z.string().meta({ description: 'The file name it was uploaded under; its document has the external id `uploads/<path>`.' }),
    size: z.number().int(),
    mimeType: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'UploadedFile' });
export type UploadedFile = z.infer<typeof uploadedFileSchema>;

/** A workspace's stored upload bytes over all its upload connectors, against its quota. */
export const uploadUsageSchema = z.object({ usedBytes: z.number().int(), quotaBytes: z.number().int() }).meta({ id: 'UploadUsage' });
export type UploadUsage = z.infer<typeof uploadUsageSchema>;
