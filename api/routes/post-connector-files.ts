import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { upsertUploadedFile } from '../../db/repositories/uploaded-files.ts';
import { mimeTypeFromName } from '../../sync/parse-document.ts';
import { requireWorkspaceConnector } from '../connector-lookup.ts';
import type { ApiDependencies } from '../dependencies.ts';
import { ApiError } from '../errors.ts';
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

/** A file name as a safe relative path: no absolute paths, no "..", forward slashes. */
function safePath(name: string): string | undefined {
  const parts = name.replaceAll('\\', '/').split('/').filter((part) => part !== '' && part !== '.');
  if (parts.length === 0 || parts.some((part) => part === '..')) return undefined;
  return parts.join('/');
}

export function registerPostConnectorFiles(app: OpenAPIHono<AppEnv>, deps: ApiDependencies): void {
  app.openapi(route, async (c) => {
    const connector = await requireWorkspaceConnector(deps, c.get('principal').workspaceId, c.req.valid('param').id);
    if (connector.type !== 'upload') throw new ApiError(400, 'invalid_request', `Connector ${connector.id} is a ${connector.type} connector; files go to upload connectors`);
    if (!(c.req.header('content-type') ?? '').startsWith('multipart/form-data')) {
      throw new ApiError(400, 'invalid_request', 'Send the files as multipart/form-data in fields named "file"');
    }
    const form = await c.req.parseBody({ all: true });
    const files = ([] as unknown[]).concat(form.file ?? []).filter((value): value is File => value instanceof File);
    if (files.length === 0) throw new ApiError(400, 'invalid_request', 'No "file" field in the form');
    const stored = [];
    for (const file of files) {
      const path = safePath(file.name);
      if (!path) throw new ApiError(400, 'invalid_request', `"${file.name}" is not a usable file name`);
      stored.push({ path, content: new Uint8Array(await file.arrayBuffer()), mimeType: file.type || mimeTypeFromName(path) || 'application/octet-stream' });
    }
    const now = deps.now().toISOString();
    for (const file of stored) await upsertUploadedFile(deps.db, { connectorId: connector.id, ...file, now });
    return c.json({ data: stored.map((file) => ({ path: file.path, size: file.content.byteLength, mimeType: file.mimeType })) }, 201);
  });
}
