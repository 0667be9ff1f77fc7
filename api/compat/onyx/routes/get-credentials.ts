import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { listWorkspaceCredentials } from '../../../../application/credentials.ts';
import type { AppDependencies } from '../../../../application/dependencies.ts';
import type { AppEnv } from '../../../principal.ts';
import { allPages } from '../all-pages.ts';
import { onyxErrorResponses } from '../errors.ts';
import { presentCredential } from '../present.ts';
import { credentialSnapshotSchema, onyxSecurity, onyxTags } from '../wire.ts';

const listing = (path: string, summary: string) =>
  createRoute({
    method: 'get',
    path,
    tags: onyxTags,
    summary,
    description:
      'Every credential of the key’s workspace as Onyx’s `CredentialSnapshot`, a bare array; `source` is Onyx’s name of its type and `credential_json` shows each field with at most its last four characters.',
    security: onyxSecurity,
    responses: {
      200: { description: 'The credentials', content: { 'application/json': { schema: z.array(credentialSnapshotSchema) } } },
      ...onyxErrorResponses(401, 503),
    },
  });

export function registerGetCredentials(app: OpenAPIHono<AppEnv>, deps: AppDependencies): void {
  for (const route of [listing('/admin/credential', 'List credentials (Onyx admin)'), listing('/credential', 'List credentials (Onyx)')]) {
    app.openapi(route, async (c) => {
      const credentials = await allPages((page) => listWorkspaceCredentials(deps, c.get('principal').workspaceId, page));
      return c.json(credentials.map(presentCredential), 200);
    });
  }
}
