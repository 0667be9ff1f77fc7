import type { AppDependencies } from '../../application/dependencies.ts';
import type { ServerOAuthClient } from '../../config/oauth-clients.ts';
import type { Client } from '@temporalio/client';
import { pino } from 'pino';
import { createApp } from '../../api/app.ts';
import { loadConfig } from '../../config/env.ts';
import { apiLimitsOf, type ApiLimits } from '../../config/limits.ts';
import type { Db } from '../../db/database.ts';
import { insertApiKey, ensureWorkspace } from '../../db/repositories/workspaces.ts';
import { generateApiKey, hashApiKey, type ApiKeyRole } from '../../domain/api-keys.ts';
import { newId } from '../../domain/ids.ts';
import { createSecretCipher } from '../../secrets/cipher.ts';
import { AddressPolicy } from '../../net/address-policy.ts';
import { createGuardedFetch } from '../../net/guarded-fetch.ts';

export type TestApp = ReturnType<typeof createApp>;

/** The key the test apps and test workers share, as the API and the worker would. */
export const testSecretKey = 'test-secret-key-used-only-by-the-test-suite';

export interface TestAppOptions {
  db: Db;
  client: Client;
  taskQueue: string;
  workflowWaitMs?: number;
  directoryRoots?: string[];
  limits?: Partial<ApiLimits>;
  metricsToken?: string;
  oauthClients?: Record<string, ServerOAuthClient>;
}

/** The dependencies the test app is built with, for tests that also call a use case directly. */
export function testAppDependencies(options: TestAppOptions): AppDependencies {
  return {
    db: options.db,
    temporal: options.client,
    taskQueue: options.taskQueue,
    logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    now: () => new Date(),
    workflowWaitMs: options.workflowWaitMs ?? 30_000,
    cipher: createSecretCipher(testSecretKey),
    directoryRoots: options.directoryRoots ?? [],
    publicUrl: 'http://127.0.0.1:8080',
    fetch: createGuardedFetch(new AddressPolicy(['127.0.0.0/8', 'localhost'])),
    limits: { ...apiLimitsOf(loadConfig({})), ...options.limits },
    metricsToken: options.metricsToken,
    oauthClients: options.oauthClients ?? {},
  };
}

export function createTestApp(options: TestAppOptions): TestApp {
  return createApp(testAppDependencies(options));
}

/** Creates a workspace (if needed) and a key of the role; returns the plain key. */
export async function createTestKey(db: Db, workspaceId: string, role: ApiKeyRole = 'admin'): Promise<string> {
  await ensureWorkspace(db, workspaceId, workspaceId, new Date());
  const key = generateApiKey();
  await insertApiKey(db, {
    id: newId('key'),
    workspace_id: workspaceId,
    name: `${role} test key`,
    role,
    key_hash: hashApiKey(key),
    created_at: new Date().toISOString(),
  });
  return key;
}

/** Sends a JSON request through the app in process. */
export async function call(
  app: TestApp,
  method: string,
  path: string,
  options: { key?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: any }> {
  const body = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  const headers: Record<string, string> = { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...options.headers };
  if (options.key) headers.authorization = `Bearer ${options.key}`;
  const response = await app.request(path, { method, headers, ...(body === undefined ? {} : { body }) });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}
