import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { generateApiKey } from '../domain/api-keys.ts';

/** Reads a key kept in the data dir, creating it (owner-only) on first use. */
function readOrCreate(file: string, create: () => string): string {
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const value = create();
  writeFileSync(file, `${value}\n`, { mode: 0o600, flag: 'wx' });
  return value;
}

/** The credential encryption key: TRIBUTARY_SECRET_KEY, or one generated into the data dir on first start. */
export function resolveSecretKey(config: { TRIBUTARY_SECRET_KEY?: string | undefined; dataDir: string }): string {
  return config.TRIBUTARY_SECRET_KEY ?? readOrCreate(path.join(config.dataDir, 'secret.key'), () => randomBytes(32).toString('base64'));
}

export function adminKeyFile(dataDir: string): string {
  return path.join(dataDir, 'admin.key');
}

/** The embedded setup's admin key: generated into the data dir once, reused on every later start. */
export function embeddedAdminKey(dataDir: string): string {
  return readOrCreate(adminKeyFile(dataDir), generateApiKey);
}

/** How a kept key is shown in output: its first characters and its file, never the key itself. */
export function keptKeyHint(key: string, file: string): string {
  return `${key.slice(0, 8)}…  (kept in ${file})`;
}
