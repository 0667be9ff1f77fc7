import type { SealedCredentialRow } from '../activities/credential-activities.ts';
import { findConnectorDefinition } from '../connectors/registry.ts';
import { findWorkspaceCredentialRow } from '../db/repositories/credentials.ts';
import type { Connector } from '../domain/connector.ts';
import { credentialSecretSchemas, type CredentialKind } from '../domain/credential.ts';
import { newId } from '../domain/ids.ts';
import { scheduleInstantError, type Schedule } from '../domain/schedule.ts';
import { sealCredentialSecret } from '../secrets/credential-seal.ts';
import type { AppDependencies } from './dependencies.ts';
import { invalidInput } from './errors.ts';

/** Checks the parts of a schedule that depend on the clock, which the schema cannot. */
export function assertSchedulesAccepted(schedules: { schedule?: Schedule | undefined; pruneSchedule?: Schedule | null | undefined }, now: Date): void {
  for (const field of ['schedule', 'pruneSchedule'] as const) {
    const schedule = schedules[field];
    const error = schedule && scheduleInstantError(schedule, now);
    if (error) throw invalidInput([field, 'at'], error);
  }
}

/** Rules of a type's config that depend on this server's settings (an upload folder's roots). */
export async function assertConfigAccepted(deps: AppDependencies, type: string, config: unknown): Promise<void> {
  const issue = await findConnectorDefinition(type)?.validateConfig?.(config, { directoryRoots: deps.directoryRoots });
  if (issue) throw invalidInput(issue.path, issue.message);
}

/**
 * Whether a connector still lacks the config its type requires: created without one (as Elastic's
 * `PUT _connector/<id>` is), it waits in `needs_configuration` instead of being refused.
 */
export function needsConfiguration(connector: Pick<Connector, 'type' | 'config'>): boolean {
  if (Object.keys(connector.config).length > 0) return false;
  return findConnectorDefinition(connector.type)?.configSchema.safeParse({}).success === false;
}

/** The credential a creation request names: an existing one of the workspace, or an inline secret sealed here. */
export async function creationCredential(
  deps: AppDependencies,
  connector: Connector,
  body: { credentialId?: string | undefined; credentials?: Record<string, unknown> | undefined },
): Promise<{ credentialId?: string; inlineCredential?: SealedCredentialRow }> {
  if (body.credentialId && body.credentials) throw invalidInput(['credentials'], 'send credentialId or credentials, not both');
  const definition = findConnectorDefinition(connector.type);
  const accepted = definition?.credentialKinds ?? [];
  if (body.credentialId) {
    const row = await findWorkspaceCredentialRow(deps.db, connector.workspaceId, body.credentialId);
    if (!row) throw invalidInput(['credentialId'], `credential ${body.credentialId} not found in this workspace`);
    if (row.type !== connector.type || !accepted.includes(row.kind as CredentialKind)) {
      throw invalidInput(['credentialId'], `credential ${row.id} is a ${row.kind} credential for ${row.type}, not one ${connector.type} accepts`);
    }
    return { credentialId: row.id };
  }
  if (!body.credentials) return {};
  if (accepted.length === 0) throw invalidInput(['credentials'], `${connector.type} takes no credentials`);
  const { kind, ...fields } = body.credentials;
  if (kind !== undefined && !accepted.includes(kind as CredentialKind)) {
    throw invalidInput(['credentials', 'kind'], `${connector.type} takes ${accepted.join(' or ')} credentials`);
  }
  const candidates = kind === undefined ? accepted : [kind as CredentialKind];
  const attempts = candidates.map((candidate) => ({ candidate, parsed: credentialSecretSchemas[candidate].safeParse(fields) }));
  const match = attempts.find((attempt) => attempt.parsed.success);
  if (!match?.parsed.success) {
    const first = attempts[0]?.parsed.error?.issues[0];
    const path = ['credentials', ...(first?.path.map(String) ?? [])];
    throw invalidInput(path, `${first?.message ?? 'invalid'} (as a ${attempts[0]?.candidate} credential)`);
  }
  const now = connector.createdAt;
  return {
    inlineCredential: {
      id: newId('cred'),
      workspace_id: connector.workspaceId,
      name: `${connector.name} (${connector.id})`,
      type: connector.type,
      kind: match.candidate,
      ...sealCredentialSecret(deps.cipher, match.parsed.data),
      created_at: now,
      updated_at: now,
    },
  };
}
