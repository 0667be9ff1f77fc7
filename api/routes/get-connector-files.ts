import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { AppDependencies } from '../../application/dependencies.ts';
import { listStoredFiles } from '../../application/upload-files.ts';
import { uploadedFileSchema, uploadUsageSchema } from '../../domain/uploaded-file.ts';
import { listQuerySchema, pageEnvelope } from '../list-query.ts';
import { bearerSecurity, errorResponses } from '../openapi-schemas.ts';
import type { AppEnv } from '../principal.ts';
import { connectorParam } from './sync-params.ts';

const route = createRoute({
  method: 'get',
  path: '/v1/connectors/{id}/files',
  tags: ['Documents'],
  summary: "Files stored for an upload connector, in path order, with the workspace's upload quota usage",
  security: bearerSecurity,
  request: { params: connectorParam, query: listQuerySchema },
  responses: {
    200: {
      description: 'A page of files',
      content: { 'application/json': { schema: pageEnvelope(uploadedFileSchema).extend({ usage: uploadUsageSchema }) } },
    },
    ...errorResponses(400, 401, 404, 503),
  },
});

export function registerGetConnectorFiles(app: OpenAPIHono<AppEnv>, deps: AppDependencies): void {
  app.openapi(route, async (c) => {
    const page = await listStoredFiles(deps, c.get('principal').workspaceId, c.req.valid('param').id, c.req.valid('query'));
    return c.json({ data: page.items, nextCursor: page.nextCursor, usage: page.usage }, 200);
  });
}
