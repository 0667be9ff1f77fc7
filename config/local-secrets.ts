import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { generateApiKey } from '../domain/api-keys.ts';

/** Reads a key kept in the data dir, creating it (owner-only) on first use. */
function readOrCreate(file: string, create: () => string): string {
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(path.dirname(file), { recursive: true });
  const value = create();
  writeFileSync(file, `${value}\n`, { mode: 0o600, flag: 'wx' });
  return value;
}

/** Keys of the embedded setup: generated into the data dir once, reused on every later start. */
export function embeddedKeys(dataDir: string): { secretKey: string; adminKey: string } {
  return {
    secretKey: readOrCreate(path.join(dataDir, 'secret.key'), () => randomBytes(32).toString('base64')),
    adminKey: readOrCreate(path.join(dataDir, 'admin.key'), generateApiKey),
  };
}
