import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { storeUploadedFiles } from '../../application/upload-files.ts';
import type { AppDependencies } from '../../application/dependencies.ts';
import { AppError } from '../../application/errors.ts';
import { uploadedFileSchema } from '../../domain/uploaded-file.ts';
import { bearerSecurity, dataEnvelope, errorResponses } from '../openapi-schemas.ts';
import type { AppEnv } from '../principal.ts';

export const MAX_UPLOAD_BYTES = 50 * 1024 * 1024;

const route = createRoute({
  method: 'post',
  path: '/v1/connectors/{id}/files',
  tags: ['Documents'],
  summary: 'Upload files to an upload connector',
  description: `multipart/form-data with one or more \`file\` fields (up to ${MAX_UPLOAD_BYTES / 1024 / 1024} MiB per request). A file's name is its path, and its external id is \`uploads/<path>\`; uploading the same path again replaces it. The next sync indexes them. A request that would take the workspace's stored uploads over its quota answers 413 \`quota_exceeded\` and stores nothing.`,
  security: bearerSecurity,
  request: { params: z.object({ id: z.string() }) },
  responses: {
    201: { description: 'Stored', content: { 'application/json': { schema: dataEnvelope(z.array(uploadedFileSchema)) } } },
    ...errorResponses(400, 401, 403, 404, 413, 503),
  },
});

export function registerPostConnectorFiles(app: OpenAPIHono<AppEnv>, deps: AppDependencies): void {
  app.openapi(route, async (c) => {
    const readFiles = async () => {
      if (!/^multipart\/form-data/i.test(c.req.header('content-type') ?? '')) {
        throw new AppError('invalid_request', 'Send the files as multipart/form-data in fields named "file"');
      }
      // The parsed form's files are the one copy of their bytes (hono's parseBody would also keep the
      // raw body); the use case reads each out only while it stores it.
      const form = await c.req.raw.formData().catch((error: unknown) => {
        if (!(error instanceof TypeError)) throw error;
        const reason = error.cause instanceof Error ? `: ${error.cause.message}` : '';
        throw new AppError('invalid_request', `The multipart/form-data body is malformed${reason}`);
      });
      return form.getAll('file').filter((value): value is File => value instanceof File);
    };
    return c.json({ data: await storeUploadedFiles(deps, c.get('principal').workspaceId, c.req.valid('param').id, readFiles) }, 201);
  });
}
