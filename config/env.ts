import { commaList } from '../domain/comma-list.ts';
import path from 'node:path';
import { z } from 'zod';
import { serverOAuthClients, type ServerOAuthClient } from './oauth-clients.ts';
import { secretKeySchema } from './secret-key.ts';

const port = z.coerce.number().int().min(1).max(65535);
const count = z.coerce.number().int().min(1);
const MiB = 1024 * 1024;
const bytes = z.coerce.number().int().min(1024);
const list = z.string().default('').transform(commaList);
const optionalString = z
  .string()
  .optional()
  .transform((value) => (value && value.trim() !== '' ? value.trim() : undefined));

/** Every setting Tributary reads from the environment; parsed once per entry point. */
export const envSchema = z.object({
  PORT: port.default(8080),
  TRIBUTARY_DATA_DIR: z.string().min(1).default('./.tributary'),
  DATABASE_URL: optionalString.pipe(
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
      .optional(),
  ),
  TEMPORAL_ADDRESS: optionalString,
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('tributary'),
  TEMPORAL_DEV_PORT: port.default(7233),
  TEMPORAL_UI_PORT: port.default(8233),
  TEMPORAL_TLS_CERT_PATH: optionalString,
  TEMPORAL_TLS_KEY_PATH: optionalString,
  TEMPORAL_API_KEY: optionalString,
  TEMPORAL_CLI_PATH: optionalString,
  TRIBUTARY_SECRET_KEY: optionalString.pipe(secretKeySchema.optional()),
  /** Earlier keys, comma-separated, so credentials sealed before a rotation still open. */
  TRIBUTARY_PREVIOUS_SECRET_KEYS: list,
  /** Public base URL of the API, for OAuth redirect URIs; defaults to http://localhost:PORT. */
  TRIBUTARY_PUBLIC_URL: optionalString.pipe(z.url().optional()),
  /** The Temporal UI the console links sync jobs to; defaults to the embedded dev server's, http://localhost:TEMPORAL_UI_PORT. */
  TRIBUTARY_TEMPORAL_UI_URL: optionalString.pipe(z.url().optional()),
  TRIBUTARY_ADMIN_KEY: optionalString.pipe(z.string().min(24, 'must be at least 24 characters').optional()),
  TRIBUTARY_ALLOWED_HOSTS: list,
  TRIBUTARY_DIRECTORY_ROOTS: list,
  /** A document larger than this is skipped with its reason instead of being read and parsed. */
  TRIBUTARY_MAX_DOCUMENT_BYTES: bytes.default(25 * MiB),
  /**
   * The most document content one sync page holds in memory; a page ends early once it is reached.
   * A sync reads one page ahead of the one it writes, so two pages are in memory at most.
   */
  TRIBUTARY_MAX_PAGE_BYTES: bytes.default(32 * MiB),
  /** A source's rate limit up to this long is waited out inside the page; a longer one retries the page when it ends. */
  TRIBUTARY_MAX_RATE_LIMIT_WAIT_SECONDS: count.default(60),
  /** Uploaded files a workspace may keep, in bytes, over all its upload connectors. */
  TRIBUTARY_UPLOAD_QUOTA_BYTES: bytes.default(1024 * MiB),
  /** Live-progress streams open at once, over all keys and per API key. */
  TRIBUTARY_MAX_STREAMS: count.default(200),
  TRIBUTARY_MAX_STREAMS_PER_KEY: count.default(10),
  /** A live-progress stream on a job that has not changed for this long is closed; the client may reconnect. */
  TRIBUTARY_STREAM_IDLE_SECONDS: count.default(600),
  /** A collection's change feed keeps every change for this long; older ones are compacted (a cursor behind them answers 410). */
  TRIBUTARY_CHANGE_FEED_RETENTION_DAYS: count.default(7),
  /** `/metrics` answers only with `Authorization: Bearer <this token>`; without it, `/metrics` is off. */
  TRIBUTARY_METRICS_TOKEN: optionalString.pipe(z.string().min(16, 'must be at least 16 characters').optional()),
  /** The worker serves its `/metrics` on this port, under the same token; 0 turns it off. */
  TRIBUTARY_WORKER_METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9464),
  /** `host:port` where the worker's Temporal SDK serves its own Prometheus metrics, unauthenticated; unset turns it off. */
  TRIBUTARY_TEMPORAL_METRICS_ADDRESS: optionalString.pipe(
    z
      .string()
      .regex(/^(\[[0-9a-fA-F:]+\]|[\w.-]+):\d{1,5}$/, 'must be host:port, e.g. 0.0.0.0:9465')
      .optional(),
  ),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Env = z.infer<typeof envSchema>;

export interface Config extends Env {
  /** Absolute data directory: SQLite file, dev server state, generated keys. */
  readonly dataDir: string;
  /** True when no TEMPORAL_ADDRESS is set and the embedded dev server is used. */
  readonly embeddedTemporal: boolean;
  readonly temporalAddress: string;
  readonly publicUrl: string;
  readonly temporalUiUrl: string;
  /** The server's own OAuth clients by source type (`TRIBUTARY_OAUTH_<TYPE>_CLIENT_ID` and `_CLIENT_SECRET`). */
  readonly oauthClients: Readonly<Record<string, ServerOAuthClient>>;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses the environment; a bad value throws a ConfigError naming each variable. */
export function loadConfig(environment: NodeJS.ProcessEnv = process.env): Readonly<Config> {
  const parsed = envSchema.safeParse(environment);
  const oauth = serverOAuthClients(environment);
  const lines = [...(parsed.error?.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`) ?? []), ...oauth.problems];
  if (!parsed.success || lines.length > 0) throw new ConfigError(`Invalid configuration:\n${lines.map((line) => `  ${line}`).join('\n')}`);
  const env = parsed.data;
  return Object.freeze({
    ...env,
    dataDir: path.resolve(env.TRIBUTARY_DATA_DIR),
    embeddedTemporal: env.TEMPORAL_ADDRESS === undefined,
    temporalAddress: env.TEMPORAL_ADDRESS ?? `127.0.0.1:${env.TEMPORAL_DEV_PORT}`,
    publicUrl: (env.TRIBUTARY_PUBLIC_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, ''),
    temporalUiUrl: (env.TRIBUTARY_TEMPORAL_UI_URL ?? `http://localhost:${env.TEMPORAL_UI_PORT}`).replace(/\/+$/, ''),
    oauthClients: oauth.clients,
  });
}

/** For entry points: a bad environment ends the process with the message, never a stack trace. */
export function loadConfigOrExit(environment: NodeJS.ProcessEnv = process.env): Readonly<Config> {
  try {
    return loadConfig(environment);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}
