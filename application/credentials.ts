import { findConnectorDefinition } from '../connectors/registry.ts';
import type { Page } from '../db/repositories/pagination.ts';
import {
  connectorsUsingCredential,
  deleteCredentialRow,
  findWorkspaceCredentialRow,
  insertCredential,
  listCredentials,
  toCredential,
  updateCredentialRow,
} from '../db/repositories/credentials.ts';
import type { CredentialRow } from '../db/schema.ts';
import { credentialSecretSchemas, type CreateCredentialBody, type Credential, type CredentialKind, type UpdateCredentialBody } from '../domain/credential.ts';
import { newId } from '../domain/ids.ts';
import { sealCredentialSecret } from '../secrets/credential-seal.ts';
import type { AppDependencies } from './dependencies.ts';
import { AppError, invalidInput, validationError } from './errors.ts';

async function requireCredentialRow(deps: AppDependencies, workspaceId: string, id: string): Promise<CredentialRow> {
  const row = await findWorkspaceCredentialRow(deps.db, workspaceId, id);
  if (!row) throw new AppError('not_found', `Credential ${id} not found`);
  return row;
}

/** Stores a credential sealed with the secret key; the answer never holds the secret. */
export async function createCredential(deps: AppDependencies, workspaceId: string, body: CreateCredentialBody): Promise<Credential> {
  const definition = findConnectorDefinition(body.type);
  if (!definition) throw invalidInput(['type'], `unknown connector type ${body.type}`);
  if (!definition.credentialKinds.includes(body.kind)) {
    const accepted = definition.credentialKinds.length ? definition.credentialKinds.join(', ') : 'none';
    throw invalidInput(['kind'], `${body.type} does not take ${body.kind} credentials (accepted: ${accepted})`);
  }
  const now = deps.now().toISOString();
  const row = {
    id: newId('cred'),
    workspace_id: workspaceId,
    name: body.name,
    type: body.type,
    kind: body.kind,
    ...sealCredentialSecret(deps.cipher, body.secret),
    created_at: now,
    updated_at: now,
  };
  await insertCredential(deps.db, row);
  return toCredential({ ...row, refresh_locked_until: null });
}

export async function listWorkspaceCredentials(
  deps: AppDependencies,
  workspaceId: string,
  query: Parameters<typeof listCredentials>[2],
): Promise<Page<Credential>> {
  return listCredentials(deps.db, workspaceId, query);
}

export async function getCredential(deps: AppDependencies, workspaceId: string, id: string): Promise<Credential> {
  return toCredential(await requireCredentialRow(deps, workspaceId, id));
}

/** Renames a credential or replaces its secret, which is validated against the credential's kind. */
export async function updateCredential(deps: AppDependencies, workspaceId: string, id: string, body: UpdateCredentialBody): Promise<Credential> {
  const row = await requireCredentialRow(deps, workspaceId, id);
  let sealed = {};
  if (body.secret) {
    const parsed = credentialSecretSchemas[row.kind as CredentialKind].safeParse(body.secret);
    if (!parsed.success) throw validationError(parsed.error, 'request body', ['secret']);
    sealed = sealCredentialSecret(deps.cipher, parsed.data);
  }
  const changes = { ...(body.name ? { name: body.name } : {}), ...sealed, updated_at: deps.now().toISOString() };
  await updateCredentialRow(deps.db, id, changes);
  return toCredential({ ...row, ...changes });
}

/** Deletes a credential no connector uses; one in use is a conflict naming its connectors. */
export async function deleteCredential(deps: AppDependencies, workspaceId: string, id: string): Promise<void> {
  await requireCredentialRow(deps, workspaceId, id);
  const users = await connectorsUsingCredential(deps.db, id);
  if (users.length > 0) {
    throw new AppError('conflict', `Credential ${id} is used by ${users.length} connector(s); unbind or delete them first`, { connectorIds: users });
  }
  await deleteCredentialRow(deps.db, id);
}
