import type { z } from 'zod';
import type { CredentialKind, CredentialSecret } from '../domain/credential.ts';
import type { AddressPolicy } from '../net/address-policy.ts';
import type { HttpFetch } from '../net/guarded-fetch.ts';
import type { ReadContext, Source } from './source.ts';

/** A credential as a check sees it: opened, and never logged. */
export interface OpenedCredential {
  kind: CredentialKind;
  secret: CredentialSecret;
}

export interface CheckContext<Config> {
  config: Config;
  credential: OpenedCredential | undefined;
  /** Fetch that refuses private addresses unless TRIBUTARY_ALLOWED_HOSTS admits them. */
  fetch: HttpFetch;
  /** The same policy, for clients that connect on their own (S3, PostgreSQL). */
  policy: AddressPolicy;
}

/** An expected outcome, not an exception: a refused credential is a value with the source's reason. */
export type CheckResult = { ok: true } | { ok: false; reason: string };

/** Where an OAuth2 source sends users for consent and where codes are exchanged. */
export interface OAuthProvider {
  authorizationUrl: string;
  tokenUrl: string;
  scopes: readonly string[];
  /** Extra query parameters of the consent URL, e.g. Google's `access_type=offline`. */
  authorizationParams?: Readonly<Record<string, string>>;
}

/**
 * What Tributary knows of a source type: its config schema, the credential kinds it takes, and
 * `check()`, the real request that proves a credential works.
 * @example
 * export const github: ConnectorDefinition<GithubConfig> = {
 *   type: 'github', title: 'GitHub', configSchema: githubConfigSchema, credentialKinds: ['api_token'],
 *   check: ({ config, credential, fetch }) =>
 *     withCredential('GitHub', credential, (opened) =>
 *       httpCheck(fetch, { service: 'GitHub', url: `${config.apiUrl}/repos/${config.repos[0]}`, headers: authorizationHeader(opened) }),
 *     ),
 * };
 */
export interface ConnectorDefinition<Config = unknown> {
  readonly type: string;
  readonly title: string;
  readonly configSchema: z.ZodType<Config>;
  /** Credential kinds the source accepts; empty when it needs none. */
  readonly credentialKinds: readonly CredentialKind[];
  readonly oauth?: OAuthProvider;
  check(context: CheckContext<Config>): Promise<CheckResult>;
  /** Opens the reader of a sync. */
  openSource(context: ReadContext<Config>): Source;
  /** What the reader can do beyond a full read; shown in `GET /v1/connector-types`. */
  readonly reads: ReaderAbilities;
  /** Rules that depend on the server's settings, which a static schema cannot know. */
  validateConfig?(config: Config, environment: ServerEnvironment): Promise<ConfigIssue | undefined>;
}

export interface ReaderAbilities {
  /** An incremental sync reads only what changed since the last successful one. */
  incremental: boolean;
  /** The reader lists every id the source holds, so a prune can remove what is gone without a full sync. */
  prune: boolean;
}

export interface ServerEnvironment {
  directoryRoots: readonly string[];
}

export interface ConfigIssue {
  path: string[];
  message: string;
}
