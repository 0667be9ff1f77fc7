import type { Db } from '../db/database.ts';
import { countWorkspaceAdminKeys, DEFAULT_WORKSPACE_ID, ensureWorkspace, insertApiKey } from '../db/repositories/workspaces.ts';
import { hashApiKey } from '../domain/api-keys.ts';
import { newId } from '../domain/ids.ts';

/**
 * Makes sure the default workspace has an admin key: the configured one, or, when the workspace has
 * none, the one `keptKey` gives (kept in the data dir), which is returned so the caller can say where it is.
 */
export async function bootstrapAdminKey(db: Db, configuredKey: string | undefined, now: Date, keptKey: () => string): Promise<string | undefined> {
  await ensureWorkspace(db, DEFAULT_WORKSPACE_ID, 'Default', now);
  if (!configuredKey && (await countWorkspaceAdminKeys(db, DEFAULT_WORKSPACE_ID)) > 0) return undefined;
  const key = configuredKey ?? keptKey();
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
