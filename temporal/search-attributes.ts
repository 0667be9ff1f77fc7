import { publicConnectorId } from '../domain/connector-ids.ts';
import { defineSearchAttributeKey, SearchAttributeType, TypedSearchAttributes } from '@temporalio/common';

export const connectorIdKey = defineSearchAttributeKey('TributaryConnectorId', SearchAttributeType.KEYWORD);
export const connectorTypeKey = defineSearchAttributeKey('TributaryConnectorType', SearchAttributeType.KEYWORD);
export const workspaceIdKey = defineSearchAttributeKey('TributaryWorkspaceId', SearchAttributeType.KEYWORD);

/** Registered on the dev server at start (`--search-attribute Name=Keyword`). */
export const searchAttributeNames = [connectorIdKey.name, connectorTypeKey.name, workspaceIdKey.name];

export function connectorSearchAttributes(connector: { id: string; type: string; workspaceId: string }): TypedSearchAttributes {
  return new TypedSearchAttributes([
    { key: connectorIdKey, value: publicConnectorId(connector.workspaceId, connector.id) },
    { key: connectorTypeKey, value: connector.type },
    { key: workspaceIdKey, value: connector.workspaceId },
  ]);
}
