import { createConnector } from '../../../application/create-connector.ts';
import type { AppDependencies } from '../../../application/dependencies.ts';
import { AppError } from '../../../application/errors.ts';
import { updateConnector } from '../../../application/update-connector.ts';
import { shownConnectorId } from '../../../domain/connector-ids.ts';
import type { Connector } from '../../../domain/connector.ts';
import { resourceIdSchema } from '../../../domain/ids.ts';
import { invalidField } from './errors.ts';
import { isNativeKey, languageKey } from './present.ts';
import { sourceTypeOfService, type ConnectorBody } from './wire.ts';

function checkedId(field: string, value: string): string {
  const parsed = resourceIdSchema.safeParse(value);
  if (!parsed.success) throw invalidField([field], `[${value}] ${parsed.error.issues[0]?.message ?? 'is invalid'}`);
  return parsed.data;
}

/** The Elastic-only fields, kept in the connector's metadata so they read back as sent. */
function elasticMetadata(body: ConnectorBody, metadata: Record<string, string> = {}): Record<string, string> {
  return {
    ...metadata,
    ...(body.language === undefined ? {} : { [languageKey]: body.language }),
    ...(body.is_native === undefined ? {} : { [isNativeKey]: String(body.is_native) }),
  };
}

/**
 * Creates the connector as `PUT _connector/<id>` or `POST _connector` describe it: without a
 * configuration, so a type that needs one waits in `needs_configuration` until `_configuration`.
 * Tributary runs a connector of a known source type only, so `service_type` is required here.
 */
export async function createElasticConnector(deps: AppDependencies, workspaceId: string, id: string | undefined, body: ConnectorBody): Promise<Connector> {
  if (id !== undefined) checkedId('connector_id', id);
  if (!body.service_type)
    throw invalidField(['service_type'], `[service_type] is required to create a connector; one of: ${Object.keys(sourceTypeOfService).join(', ')}`);
  const type = sourceTypeOfService[body.service_type];
  if (!type)
    throw invalidField(['service_type'], `[${body.service_type}] is not a service type Tributary runs; one of: ${Object.keys(sourceTypeOfService).join(', ')}`);
  const collection = body.index_name === undefined ? undefined : checkedId('index_name', body.index_name);
  const name = body.name?.trim() || id || body.index_name || body.service_type;
  const outcome = await createConnector(deps, workspaceId, {
    ...(id === undefined ? {} : { id }),
    name,
    type: type as never,
    ...(body.description === undefined ? {} : { description: body.description }),
    ...(collection === undefined ? {} : { collection }),
    schedule: { type: 'manual' },
    metadata: elasticMetadata(body),
  });
  return outcome.connector;
}

/** `PUT _connector/<id>` on an existing connector: its name, description and Elastic fields; its type and index stay. */
export async function updateElasticConnector(deps: AppDependencies, workspaceId: string, existing: Connector, body: ConnectorBody): Promise<void> {
  const id = shownConnectorId(existing);
  if (body.service_type !== undefined && sourceTypeOfService[body.service_type] !== existing.type) {
    throw new AppError('conflict', `Connector [${id}] is a ${existing.type} connector; its service_type cannot change`);
  }
  if (body.index_name !== undefined && body.index_name !== existing.collection) {
    throw new AppError('conflict', `The index_name of connector [${id}] cannot change; create another connector`);
  }
  const metadata = elasticMetadata(body, existing.metadata);
  const name = body.name?.trim() || undefined;
  const patch = {
    ...(name !== undefined && name !== existing.name ? { name } : {}),
    ...(body.description !== undefined && body.description !== existing.description ? { description: body.description } : {}),
    ...(JSON.stringify(metadata) === JSON.stringify(existing.metadata) ? {} : { metadata }),
  };
  if (Object.keys(patch).length > 0) await updateConnector(deps, workspaceId, existing.id, patch);
}
