/**
 * Connector ids are unique per workspace, so one tenant can never learn that another's id exists.
 * An id is stored as chosen while no other workspace has it, and as `<workspaceId>.<id>` when one
 * does, a form no requested id can take (ids have no "."). Every response shows the id as chosen.
 */
export function storedConnectorId(workspaceId: string, requestedId: string): string {
  return `${workspaceId}.${requestedId}`;
}

/** The id as the client knows it. */
export function publicConnectorId(workspaceId: string, storedId: string): string {
  const prefix = `${workspaceId}.`;
  return storedId.startsWith(prefix) ? storedId.slice(prefix.length) : storedId;
}

/** The stored ids an id from a request can name within its workspace: generated, or chosen by the client. */
export function storedConnectorIdCandidates(workspaceId: string, id: string): [string, string] {
  return [id, storedConnectorId(workspaceId, id)];
}

/** A connector's id as its workspace knows it, for messages. */
export function shownConnectorId(connector: { id: string; workspaceId: string }): string {
  return publicConnectorId(connector.workspaceId, connector.id);
}
