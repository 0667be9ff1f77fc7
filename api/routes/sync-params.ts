import { z } from '@hono/zod-openapi';

/** Path parameters of the sync routes. */
export const connectorParam = z.object({ id: z.string() });
export const jobParams = z.object({ id: z.string(), jobId: z.string() });
