import type { z } from 'zod';
import { publicConnectorId } from '../../../domain/connector-ids.ts';
import type { Connector } from '../../../domain/connector.ts';
import { schedulerOf } from './scheduler.ts';
import type { SeedType } from './slots.ts';
import { slotsOfConnector } from './slots.ts';
import type { connectorModelResponseSchema } from './wire-schemas.ts';

/** A connector as the seed's `ConnectorModelReponse`: snake_case, its config and metadata as slots. */
export function presentConnectorModel(connector: Connector): z.infer<typeof connectorModelResponseSchema> {
  const type = connector.type as SeedType;
  return {
    id: publicConnectorId(connector.workspaceId, connector.id),
    workspace_id: connector.workspaceId,
    name: connector.name,
    type,
    slots: slotsOfConnector(type, connector),
    ...schedulerOf(connector.schedule),
    collection_id: connector.collection,
    credential_id: connector.credentialId,
    state: connector.state,
    state_reason: connector.stateReason,
    created_at: connector.createdAt,
    updated_at: connector.updatedAt,
  };
}
