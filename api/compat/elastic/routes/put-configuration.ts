import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { bindCredential } from '../../../../application/bind-credential.ts';
import { requireLiveConnector } from '../../../../application/connector-lookup.ts';
import { createCredential, deleteCredential } from '../../../../application/credentials.ts';
import type { AppDependencies } from '../../../../application/dependencies.ts';
import { AppError } from '../../../../application/errors.ts';
import { updateConnector } from '../../../../application/update-connector.ts';
import { findConnectorDefinition } from '../../../../connectors/registry.ts';
import { shownConnectorId } from '../../../../domain/connector-ids.ts';
import type { Connector } from '../../../../domain/connector.ts';
import type { CredentialSecret } from '../../../../domain/credential.ts';
import type { AppEnv } from '../../../principal.ts';
import { elasticFieldOf, mapConfiguration, type MappedConfiguration } from '../configuration.ts';
import { invalidField } from '../errors.ts';
import { apiKeySecurity, configurationBody, connectorIdParam, errorAnswers, resultAnswer, tag, type ConfigurationBody } from '../wire.ts';

const route = createRoute({
  method: 'put',
  path: '/{connector_id}/_configuration',
  tags: [tag],
  summary: "Set a connector's configuration",
  description:
    "Elastic's field names (e.g. Jira's `jira_url`, `projects`, `account_email`, `api_token`) are mapped onto the type's config; secret fields become a Tributary credential, stored encrypted, checked against the source and bound. A connector in `needs_configuration` is then checked and becomes `connected`, or `needs_configuration` again while its type still lacks a credential.",
  security: apiKeySecurity,
  request: { params: connectorIdParam, body: { required: true, content: { 'application/json': { schema: configurationBody } } } },
  responses: {
    200: { description: 'Updated', content: { 'application/json': { schema: resultAnswer } } },
    ...errorAnswers(400, 401, 403, 404, 409, 413, 422, 503),
  },
});

/** `values` as sent, or the `value` of each field of a whole `configuration`. */
function valuesOf(body: ConfigurationBody): Record<string, unknown> {
  if (body.values) return body.values;
  return Object.fromEntries(
    Object.entries(body.configuration ?? {}).map(([field, entry]) => [
      field,
      entry !== null && typeof entry === 'object' && 'value' in entry ? (entry as { value: unknown }).value : entry,
    ]),
  );
}

/** The config change, with a failure of the type's schema naming the caller's Elastic field. */
async function setConfig(deps: AppDependencies, connector: Connector, mapped: MappedConfiguration): Promise<void> {
  try {
    await updateConnector(deps, connector.workspaceId, shownConnectorId(connector), { config: mapped.config });
  } catch (error) {
    const issues =
      error instanceof AppError && error.code === 'invalid_request' ? (error.details as { issues?: { path: string[]; message: string }[] })?.issues : undefined;
    if (!issues) throw error;
    const named = issues.map(({ path: [first, field, ...rest], message }) =>
      first === 'config' && field !== undefined
        ? { path: ['configuration', mapped.sourceOf[field] ?? elasticFieldOf(connector.type, field), ...rest], message }
        : { path: [first ?? 'configuration', ...(field === undefined ? [] : [field]), ...rest], message },
    );
    throw new AppError('invalid_request', error instanceof Error ? error.message : 'invalid configuration', { issues: named });
  }
}

/** Stores the secret fields as a credential and binds it; a credential the source refuses is removed again. */
async function setCredential(deps: AppDependencies, connector: Connector, credential: NonNullable<MappedConfiguration['credential']>): Promise<void> {
  const id = shownConnectorId(connector);
  const stored = await createCredential(deps, connector.workspaceId, {
    name: `${connector.name} (${id})`,
    type: connector.type,
    kind: credential.kind,
    secret: credential.secret as CredentialSecret,
  });
  try {
    await bindCredential(deps, connector.workspaceId, id, stored.id);
  } catch (error) {
    await deleteCredential(deps, connector.workspaceId, stored.id);
    throw error;
  }
}

export function registerPutConfiguration(api: OpenAPIHono<AppEnv>, deps: AppDependencies): void {
  api.openapi(route, async (c) => {
    const connector = await requireLiveConnector(deps, c.get('principal').workspaceId, c.req.valid('param').connector_id);
    const mapped = mapConfiguration(connector.type, valuesOf(c.req.valid('json')));
    if (mapped.credential && !findConnectorDefinition(connector.type)?.credentialKinds.includes(mapped.credential.kind)) {
      throw invalidField(['configuration'], `${connector.type} takes no ${mapped.credential.kind} credential`);
    }
    if (Object.keys(mapped.config).length > 0) await setConfig(deps, connector, mapped);
    if (mapped.credential) await setCredential(deps, connector, mapped.credential);
    return c.json({ result: 'updated' as const }, 200);
  });
}
