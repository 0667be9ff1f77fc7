import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { getDocument, listDocuments } from '../../application/documents.ts';
import type { AppDependencies } from '../../application/dependencies.ts';
import { listQuerySchema, pageEnvelope } from '../list-query.ts';
import { bearerSecurity, dataEnvelope, errorResponses } from '../openapi-schemas.ts';
import type { AppEnv } from '../principal.ts';

export const documentSchema = z
  .object({
    id: z.string(),
    collection: z.string(),
    connectorId: z.string(),
    externalId: z.string(),
    title: z.string().nullable(),
    url: z.string().nullable(),
    mimeType: z.string(),
    content: z.string(),
    contentHash: z.string(),
    metadata: z.record(z.string(), z.string()),
    sourceUpdatedAt: z.string().nullable(),
    syncedAt: z.string(),
  })
  .meta({ id: 'Document' });

const list = createRoute({
  method: 'get',
  path: '/v1/collections/{collection}/documents',
  tags: ['Documents'],
  summary: 'List or search the documents of a collection',
  description: '`q` searches titles and content (PostgreSQL full-text search, SQLite FTS5); every word must match.',
  security: bearerSecurity,
  request: {
    params: z.object({ collection: z.string() }),
    query: listQuerySchema.extend({ q: z.string().min(1).max(500).optional(), connectorId: z.string().optional() }),
  },
  responses: {
    200: { description: 'A page of documents', content: { 'application/json': { schema: pageEnvelope(documentSchema) } } },
    ...errorResponses(400, 401, 503),
  },
});

const get = createRoute({
  method: 'get',
  path: '/v1/documents/{id}',
  tags: ['Documents'],
  summary: 'Get a document',
  security: bearerSecurity,
  request: { params: z.object({ id: z.string() }) },
  responses: {
    200: { description: 'The document', content: { 'application/json': { schema: dataEnvelope(documentSchema) } } },
    ...errorResponses(401, 404, 503),
  },
});

export function registerDocuments(app: OpenAPIHono<AppEnv>, deps: AppDependencies): void {
  app.openapi(list, async (c) => {
    const { connectorId, q, cursor, limit } = c.req.valid('query');
    const page = await listDocuments(deps, c.get('principal').workspaceId, c.req.valid('param').collection, { connectorId, q, cursor, limit });
    return c.json({ data: page.items, nextCursor: page.nextCursor }, 200);
  });
  app.openapi(get, async (c) => c.json({ data: await getDocument(deps, c.get('principal').workspaceId, c.req.valid('param').id) }, 200));
}
