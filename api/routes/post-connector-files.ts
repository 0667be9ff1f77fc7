import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { storeUploadedFiles } from '../../application/upload-files.ts';
import type { AppDependencies } from '../../application/dependencies.ts';
import { AppError } from '../../application/errors.ts';
import { bearerSecurity, dataEnvelope, errorResponses } from '../openapi-schemas.ts';
import type { AppEnv } from '../principal.ts';

export const MAX_UPLOAD_BYTES = 50 * 1024 * 1024;

const uploadedSchema = z.object({ path: z.string(), size: z.number().int(), mimeType: z.string() }).meta({ id: 'UploadedFile' });

const route = createRoute({
  method: 'post',
  path: '/v1/connectors/{id}/files',
  tags: ['Documents'],
  summary: 'Upload files to an upload connector',
  description: `multipart/form-data with one or more \`file\` fields (up to ${MAX_UPLOAD_BYTES / 1024 / 1024} MiB per request). A file's name is its path, and its external id is \`uploads/<path>\`; uploading the same path again replaces it. The next sync indexes them.`,
  security: bearerSecurity,
  request: { params: z.object({ id: z.string() }) },
  responses: {
    201: { description: 'Stored', content: { 'application/json': { schema: dataEnvelope(z.array(uploadedSchema)) } } },
    ...errorResponses(400, 401, 403, 404, 413, 503),
  },
});

export function registerPostConnectorFiles(app: OpenAPIHono<AppEnv>, deps: AppDependencies): void {
  app.openapi(route, async (c) => {
    const readFiles = async () => {
      if (!(c.req.header('content-type') ?? '').startsWith('multipart/form-data')) {
        throw new AppError('invalid_request', 'Send the files as multipart/form-data in fields named "file"');
      }
      const form = await c.req.parseBody({ all: true });
      const files = ([] as unknown[]).concat(form.file ?? []).filter((value): value is File => value instanceof File);
      return Promise.all(files.map(async (file) => ({ name: file.name, type: file.type, content: new Uint8Array(await file.arrayBuffer()) })));
    };
    return c.json({ data: await storeUploadedFiles(deps, c.get('principal').workspaceId, c.req.valid('param').id, readFiles) }, 201);
  });
}
