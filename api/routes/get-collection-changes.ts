import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { listCollectionChanges } from '../../application/collection-changes.ts';
import type { AppDependencies } from '../../application/dependencies.ts';
import { decodeChangeCursor } from '../../db/repositories/document-changes.ts';
import { bearerSecurity, errorBodySchema, errorResponses } from '../openapi-schemas.ts';
import type { AppEnv } from '../principal.ts';

const documentChangeSchema = z
  .object({
    seq: z.number().int().meta({ description: 'Position in the feed; grows in commit order.' }),
    kind: z.enum(['upsert', 'delete']),
    documentId: z.string(),
    externalId: z.string(),
    contentHash: z.string().nullable().meta({ description: 'The hash of the content written; null for a delete.' }),
    changedAt: z.string(),
  })
  .meta({ id: 'DocumentChange' });

const changesQuerySchema = z.object({
  cursor: z
    .string()
    .refine((value) => {
      try {
        decodeChangeCursor(value);
        return true;
      } catch {
        return false;
      }
    }, 'cursor is not one this API returned')
    .optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

const route = createRoute({
  method: 'get',
  path: '/v1/collections/{collection}/changes',
  tags: ['Documents'],
  summary: 'Follow a collection: its upserts and deletions since a cursor, in commit order',
  description:
    'Without a cursor the feed starts from the beginning, which holds an upsert for every document of the collection. Pass `nextCursor` back to read on; it stays valid across restarts. A cursor older than the feed keeps (`TRIBUTARY_CHANGE_FEED_RETENTION_DAYS`) answers 410 `cursor_expired`: read the collection again from the start.',
  security: bearerSecurity,
  request: { params: z.object({ collection: z.string() }), query: changesQuerySchema },
  responses: {
    200: {
      description: 'A page of changes, oldest first',
      content: {
        'application/json': { schema: z.object({ data: z.array(documentChangeSchema), nextCursor: z.string(), hasMore: z.boolean() }) },
      },
    },
    ...errorResponses(400, 401, 404, 503),
    410: { description: 'The cursor is older than the feed keeps; read it again from the start', content: { 'application/json': { schema: errorBodySchema } } },
  },
});

export function registerGetCollectionChanges(app: OpenAPIHono<AppEnv>, deps: AppDependencies): void {
  app.openapi(route, async (c) => {
    const page = await listCollectionChanges(deps, c.get('principal').workspaceId, c.req.valid('param').collection, c.req.valid('query'));
    return c.json({ data: page.changes, nextCursor: page.nextCursor, hasMore: page.hasMore }, 200);
  });
}
