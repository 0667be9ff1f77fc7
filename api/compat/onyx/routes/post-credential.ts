import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { createCredential } from '../../../../application/credentials.ts';
import type { AppDependencies } from '../../../../application/dependencies.ts';
import { createCredentialBodySchema } from '../../../../domain/credential.ts';
import type { AppEnv } from '../../../principal.ts';
import { secretFromOnyx, onyxCredentialKey } from '../credential-json.ts';
import { onyxErrorResponses, onyxValidationError } from '../errors.ts';
import { presentCredential } from '../present.ts';
import { mappingOfSource } from '../sources.ts';
import { credentialCreatedSchema, credentialRequestSchema, onyxSecurity, onyxTags } from '../wire.ts';

const route = createRoute({
  method: 'post',
  path: '/credential',
  tags: onyxTags,
  summary: 'Create a credential (Onyx)',
  description:
    'Onyx’s `CredentialBase`, stored encrypted as `POST /v1/credentials` stores it: `credential_json` in Onyx’s keys becomes a credential of the source’s type — `jira_user_email`/`jira_api_token`, `confluence_username`/`confluence_access_token`, `github_access_token`, `slack_bot_token`, `notion_integration_token` are API tokens. The answer never holds the secret.',
  security: onyxSecurity,
  request: { body: { required: true, content: { 'application/json': { schema: credentialRequestSchema } } } },
  responses: {
    200: { description: 'Stored', content: { 'application/json': { schema: credentialCreatedSchema } } },
    ...onyxErrorResponses(401, 403, 413, 422, 503),
  },
});

export function registerPostCredential(app: OpenAPIHono<AppEnv>, deps: AppDependencies): void {
  app.openapi(route, async (c) => {
    const body = c.req.valid('json');
    const { kind, secret } = secretFromOnyx(body.source, body.credential_json);
    const type = mappingOfSource(body.source)?.type ?? body.source;
    const parsed = createCredentialBodySchema.safeParse({ name: body.name ?? `${body.source} credential`, type, kind, secret });
    if (!parsed.success) {
      throw onyxValidationError(
        parsed.error.issues.map((issue) => {
          const [field, key, ...rest] = issue.path.map(String);
          const loc =
            field === 'secret' && key ? ['body', 'credential_json', onyxCredentialKey(body.source, key), ...rest] : ['body', ...issue.path.map(String)];
          return { loc, msg: issue.message, type: issue.code };
        }),
      );
    }
    const credential = presentCredential(await createCredential(deps, c.get('principal').workspaceId, parsed.data));
    return c.json({ id: String(credential.id), credential }, 200);
  });
}
