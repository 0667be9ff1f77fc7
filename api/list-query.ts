import { z } from 'zod';
import { decodeCursor } from '../db/repositories/pagination.ts';

/** `?cursor&limit` of every list route; a cursor this API did not issue is a 400, not a 500. */
export const listQuerySchema = z.object({
  cursor: z
    .string()
    .refine((value) => {
      try {
        decodeCursor(value);
        return true;
      } catch {
        return false;
      }
    }, 'cursor is not one this API returned')
    .optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export function pageEnvelope<T extends z.ZodType>(item: T) {
  return z.object({ data: z.array(item), nextCursor: z.string().nullable() });
}
