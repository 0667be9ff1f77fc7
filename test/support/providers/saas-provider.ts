import type { RecordedRequest } from '../http-server.ts';
import type { ProviderFaults } from './faults.ts';
import type { TokenIssuer } from './token-issuer.ts';

/** What every local provider server offers the source conformance suite, beside its own helpers to change its data. */
export interface SaasProvider {
  /** The API base URL, as the connector's config takes it. */
  url: string;
  /** The provider's OAuth2 token endpoint, which answers refresh grants from `tokens`. */
  tokenUrl: string;
  /** Every request the server answered, API and token endpoint alike, with its arrival time. */
  requests: RecordedRequest[];
  tokens: TokenIssuer;
  faults: ProviderFaults;
  close(): Promise<void>;
}

/** A document a sync must store, as the API shows it. */
export interface ExpectedDocument {
  externalId: string;
  title: string;
  url: string;
  /** Fragments its text must hold. */
  contains: string[];
  /** Metadata it must carry (at least these fields, with these values). */
  metadata: Record<string, string>;
}

/** What changed at the provider between two syncs: two items changed, one added, one deleted. */
export interface ProviderChanges {
  changed: [ExpectedDocument, ExpectedDocument];
  added: ExpectedDocument;
  /** The external id of the deleted item. */
  deleted: string;
}

/**
 * One source type and its local provider, for `describeSourceConformance` and the worker-kill test.
 * @example
 * export const githubScenario: SourceScenario<GithubProvider> = { type: 'github', start: seededGithubProvider, ... };
 */
export interface SourceScenario<Provider extends SaasProvider = SaasProvider> {
  type: string;
  /** Starts the provider server with its seeded data set, every listing of which spans at least three pages. */
  start(): Promise<Provider>;
  config(provider: Provider): Record<string, unknown>;
  /** The credential a user would create for this source: an API token, or OAuth2 tokens for a source that takes only those. */
  tokenCredential(provider: Provider): { kind: 'api_token' | 'basic' | 'oauth2' | 'service_account'; secret: Record<string, string> };
  /** Every document the seeded data set gives. */
  seeded(provider: Provider): ExpectedDocument[];
  /** Whether a request reads a page of the listing that must span at least three pages. */
  isListingPage(request: RecordedRequest): boolean;
  /** Changes the provider's data: two changes, one addition, one deletion. */
  change(provider: Provider): ProviderChanges;
  /** What the provider says of a revoked token; the failed job and the disconnected connector carry it. */
  revokedReason: string;
  /**
   * Whether the source takes `oauth2` credentials, so the suite checks a token refreshed mid-sync; a
   * source that renews its tokens another way (a service account's delegation) tests that itself.
   */
  oauth2?: boolean;
  /** Whether an incremental sync learns of deletions (a changes feed), rather than leaving them to a full sync or a prune. */
  incrementalSeesDeletions?: boolean;
}
