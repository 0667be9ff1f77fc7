import type { Client } from '@temporalio/client';
import type { ApiLimits } from '../config/limits.ts';
import type { ServerOAuthClient } from '../config/oauth-clients.ts';
import type { Logger } from '../config/logger.ts';
import type { HttpFetch } from '../net/guarded-fetch.ts';
import type { Db } from '../db/database.ts';
import type { SecretCipher } from '../secrets/cipher.ts';

/** What the API needs, built once by its entry point (or a test) and passed in. */
export interface AppDependencies {
  readonly db: Db;
  readonly temporal: Client;
  readonly taskQueue: string;
  readonly logger: Logger;
  readonly now: () => Date;
  /** How long a request waits for its workflow before answering 202. */
  readonly workflowWaitMs: number;
  /** Seals credential secrets before they are stored or handed to a workflow. */
  readonly cipher: SecretCipher;
  readonly directoryRoots: readonly string[];
  /** Public base URL of this API, for OAuth redirect URIs. */
  readonly publicUrl: string;
  /** The server's own OAuth clients by source type, for clients that bring none (seed 003's null client_id). */
  readonly oauthClients: Readonly<Record<string, ServerOAuthClient>>;
  /** Outbound requests (OAuth token exchanges) obey TRIBUTARY_ALLOWED_HOSTS. */
  readonly fetch: HttpFetch;
  readonly limits: ApiLimits;
  /** Base URL of the Temporal UI, for the console's links from a sync job to its workflow; no links without it. */
  readonly temporalUiUrl?: string | undefined;
  /** The bearer token `/metrics` requires; without one, `/metrics` is off. */
  readonly metricsToken?: string | undefined;
}
