import type { Db } from '../db/database.ts';
import { countWorkspaceAdminKeys, DEFAULT_WORKSPACE_ID, ensureWorkspace, insertApiKey } from '../db/repositories/workspaces.ts';
import { generateApiKey, hashApiKey } from '../domain/api-keys.ts';
import { newId } from '../domain/ids.ts';

/**
 * Makes sure the default workspace has an admin key: the configured one, or a generated one that is
 * returned so the caller can print it once (only its hash is kept).
 */
export async function bootstrapAdminKey(db: Db, configuredKey: string | undefined, now: Date): Promise<string | undefined> {
  await ensureWorkspace(db, DEFAULT_WORKSPACE_ID, 'Default', now);
  if (!configuredKey && (await countWorkspaceAdminKeys(db, DEFAULT_WORKSPACE_ID)) > 0) return undefined;
  const key = configuredKey ?? generateApiKey();
  await insertApiKey(db, {
    id: newId('key'),
    workspace_id: DEFAULT_WORKSPACE_ID,
    name: configuredKey ? 'TRIBUTARY_ADMIN_KEY' : 'bootstrap admin key',
    role: 'admin',
    key_hash: hashApiKey(key),
    created_at: now.toISOString(),
  });
  return configuredKey ? undefined : key;
}
