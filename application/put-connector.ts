import { isDeepStrictEqual } from 'node:util';
import { shownConnectorId } from '../domain/connector-ids.ts';
import { findWorkspaceConnector } from '../db/repositories/connectors.ts';
import type { Connector } from '../domain/connector.ts';
import type { ConnectorSpec, PutConnectorBody } from './connector-schemas.ts';
import { assertConfigAccepted, assertSchedulesAccepted, creationCredential } from './connector-input.ts';
import { newConnector, runConnectorCreation } from './create-connector.ts';
import type { AppDependencies } from './dependencies.ts';
import { AppError } from './errors.ts';
import { runCredentialBinding } from './bind-credential.ts';
import { runConnectorUpdate, updateConnector } from './update-connector.ts';

const definitionFields = ['name', 'description', 'collection', 'config', 'metadata', 'schedule', 'pruneSchedule'] as const;

/**
 * Creates the connector under a client-chosen id (201) or replaces its definition (200), as
 * Elastic's `PUT _connector/<id>` does; a replay answers 200 with the connector unchanged. On an
 * existing connector a new `credentialId` is checked and bound; inline `credentials` are refused.
 * A body without `type` changes the given fields of the existing connector, as seed 001's update does.
 */
export async function putConnector(
  deps: AppDependencies,
  workspaceId: string,
  id: string,
  body: PutConnectorBody,
): Promise<{ status: 200 | 201 | 202; connector: Connector }> {
  if (body.type === undefined) {
    const { type: _absent, ...change } = body;
    return updateConnector(deps, workspaceId, id, change);
  }
  return putDefinition(deps, workspaceId, id, body);
}

async function putDefinition(
  deps: AppDependencies,
  workspaceId: string,
  id: string,
  body: ConnectorSpec,
): Promise<{ status: 200 | 201 | 202; connector: Connector }> {
  const { credentialId, credentials, ...spec } = body;
  const now = deps.now();
  assertSchedulesAccepted(spec, now);
  await assertConfigAccepted(deps, spec.type, spec.config);
  const existing = await findWorkspaceConnector(deps.db, workspaceId, id);
  const wanted = newConnector(existing?.id ?? id, workspaceId, spec, now);
  if (existing) {
    if (credentials) {
      throw new AppError(
        'conflict',
        `Connector ${id} exists; inline credentials are taken only when it is created. Store the credential with POST /v1/credentials and send its credentialId`,
      );
    }
    const replaced = await replaceDefinition(deps, existing, wanted);
    if (!credentialId || credentialId === existing.credentialId) return replaced;
    // A replay that names the bound credential changes nothing; another one is checked and bound.
    const { credentialId: accepted } = await creationCredential(deps, wanted, { credentialId });
    return { status: 200, connector: await runCredentialBinding(deps, replaced.connector, accepted as string) };
  }
  return runConnectorCreation(deps, wanted, await creationCredential(deps, wanted, { credentialId, credentials }));
}

async function replaceDefinition(deps: AppDependencies, existing: Connector, wanted: Connector): Promise<{ status: 200 | 202; connector: Connector }> {
  if (existing.type !== wanted.type) {
    throw new AppError('conflict', `Connector ${shownConnectorId(existing)} is a ${existing.type} connector; its type cannot change`);
  }
  if (existing.collection !== wanted.collection) {
    throw new AppError('conflict', `The collection of connector ${shownConnectorId(existing)} cannot change; create another connector`);
  }
  if (definitionFields.every((field) => isDeepStrictEqual(existing[field], wanted[field]))) return { status: 200, connector: existing };
  return runConnectorUpdate(deps, existing, {
    name: wanted.name,
    description: wanted.description,
    config: wanted.config,
    metadata: wanted.metadata,
    schedule: wanted.schedule,
    pruneSchedule: wanted.pruneSchedule,
  });
}
