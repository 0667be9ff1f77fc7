import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config/env.ts';
import { embeddedAdminKey, resolveSecretKey } from '../config/local-secrets.ts';
import { createDatabase } from '../db/database.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { testSecretKey } from './support/api.ts';

const modeOf = (file: string) => statSync(file).mode & 0o777;

describe('TRIBUTARY_SECRET_KEY strength', () => {
  it.each([
    ['a short word', 'changeme', 'must hold at least 32 bytes (it holds 6)'],
    ['24 random bytes', randomBytes(24).toString('base64'), 'must hold at least 32 bytes (it holds 24)'],
    ['a short hex key', randomBytes(24).toString('hex'), 'must hold at least 32 bytes (it holds 24)'],
    ['a passphrase with spaces', 'correct horse battery staple, long enough to look strong', 'must be base64 or hex encoded random bytes'],
    ['one character repeated', 'a'.repeat(64), 'repeats too few characters to be random'],
    ['a word repeated', 'password'.repeat(6), 'repeats too few characters to be random'],
  ])('refuses %s, saying why and never echoing the key', (_label, key, reason) => {
    const attempt = () => loadConfig({ TRIBUTARY_SECRET_KEY: key });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(`TRIBUTARY_SECRET_KEY: ${reason}; generate one with \`openssl rand -base64 32\``);
    expect(() => attempt()).not.toThrow(key);
  });

  it.each([
    ['base64', randomBytes(32).toString('base64')],
    ['base64url', randomBytes(32).toString('base64url')],
    ['hex', randomBytes(32).toString('hex')],
    ['the test suite’s key', testSecretKey],
  ])('accepts 32 random bytes as %s', (_label, key) => {
    expect(loadConfig({ TRIBUTARY_SECRET_KEY: key }).TRIBUTARY_SECRET_KEY).toBe(key);
  });

  it('still accepts weak previous keys, which must go on opening what they sealed', () => {
    expect(loadConfig({ TRIBUTARY_PREVIOUS_SECRET_KEYS: 'old-weak-key' }).TRIBUTARY_PREVIOUS_SECRET_KEYS).toEqual(['old-weak-key']);
  });

  it('generates a key that the rule accepts', () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'tributary-key-'));
    try {
      const generated = resolveSecretKey({ dataDir });
      expect(loadConfig({ TRIBUTARY_SECRET_KEY: generated }).TRIBUTARY_SECRET_KEY).toBe(generated);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('files of the data dir are the owner’s only', () => {
  const scratch = mkdtempSync(path.join(tmpdir(), 'tributary-modes-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('creates the SQLite file, its -wal and -shm files and its folder owner-only', async () => {
    const dataDir = path.join(scratch, 'fresh');
    const filename = path.join(dataDir, 'tributary.sqlite');
    const db = createDatabase({ kind: 'sqlite', filename });
    try {
      await migrateToLatest(db);
      await sql`insert into workspaces (id, name, created_at) values ('ws-modes', 'Modes', '2025-01-01T00:00:00.000Z')`.execute(db);
      expect(modeOf(dataDir)).toBe(0o700);
      for (const file of [filename, `${filename}-wal`, `${filename}-shm`]) expect(modeOf(file), file).toBe(0o600);
    } finally {
      await db.destroy();
    }
  });

  it('narrows the SQLite file of an older install that others could read', async () => {
    const filename = path.join(scratch, 'older.sqlite');
    writeFileSync(filename, '', { mode: 0o644 });
    expect(modeOf(filename)).toBe(0o644);
    const db = createDatabase({ kind: 'sqlite', filename });
    try {
      await migrateToLatest(db);
      expect(modeOf(filename)).toBe(0o600);
    } finally {
      await db.destroy();
    }
  });

  it('keeps generated keys in owner-only files of an owner-only folder', () => {
    const dataDir = path.join(scratch, 'keys');
    resolveSecretKey({ dataDir });
    embeddedAdminKey(dataDir);
    expect(modeOf(dataDir)).toBe(0o700);
    expect(modeOf(path.join(dataDir, 'secret.key'))).toBe(0o600);
    expect(modeOf(path.join(dataDir, 'admin.key'))).toBe(0o600);
  });
});
