import { ApplicationFailure, Context } from '@temporalio/activity';
import { SourceHttpError, SourceRateLimitedError, SourceRefusedError } from '../connectors/http/source-errors.ts';
import { findConnectorDefinition } from '../connectors/registry.ts';
import type { Source } from '../connectors/source.ts';
import type { Connector } from '../domain/connector.ts';
import { BlockedAddressError, type HttpFetch } from '../net/guarded-fetch.ts';
import { rateLimitedUntil } from '../connectors/http/rate-limit.ts';
import { OAuthExchangeError } from '../oauth/client.ts';
import { openFreshCredential } from '../oauth/fresh-credential.ts';
import type { ActivityDependencies } from './dependencies.ts';
import { failureTypes, nonRetryable } from './failures.ts';
import { createSourcePorts } from './source-ports.ts';
import type { StagedCrawlFrontier } from './staged-crawl-frontier.ts';

/** Opens connectors' sources for the sync and prune activities. */
export function createConnectorSourceOpener(deps: ActivityDependencies) {
  /**
   * The connector's source, opened with its fresh credential, and the crawl frontier it changes (to
   * commit with the page); undefined when its type cannot read yet. A credential that cannot be
   * opened fails as the source's refusal would.
   */
  return async function openConnectorSource(
    connector: Connector,
    jobId: string,
    /** Where an incremental read starts; nulls for a full read or a prune. */
    start: { since: string | null; sourceCursor: string | null },
    heartbeat: () => void,
  ): Promise<{ source: Source; frontier: StagedCrawlFrontier } | undefined> {
    const definition = findConnectorDefinition(connector.type);
    if (!definition) return undefined;
    const ports = createSourcePorts(deps.db, { connectorId: connector.id, jobId });
    let credential;
    try {
      credential = connector.credentialId ? await openFreshCredential(deps, connector.credentialId) : undefined;
    } catch (error) {
      throw classifySourceError(error, connector);
    }
    const source = definition.openSource({
      config: connector.config,
      credential,
      fetch: reportingRateLimits(deps.fetch, (seconds) => deps.metrics.rateLimited(connector.type, seconds)),
      policy: deps.policy,
      connectorId: connector.id,
      jobId,
      ...start,
      refreshCredential: async (refused) => (connector.credentialId ? openFreshCredential(deps, connector.credentialId, { refused }) : undefined),
      ...ports,
      environment: deps.environment,
      limits: deps.limits,
      heartbeat,
      signal: Context.current().cancellationSignal,
    });
    return { source, frontier: ports.crawlFrontier };
  };
}

/**
 * The source's fetch, reporting each rate-limited answer that says how long to wait, whether the
 * reader waits it out in place or hands it to the activity's retry.
 */
function reportingRateLimits(fetch: HttpFetch, report: (seconds: number) => void): HttpFetch {
  return async (url, init) => {
    const response = await fetch(url, init);
    const now = new Date();
    const resumeAt = rateLimitedUntil(response, now);
    if (resumeAt) report((resumeAt.getTime() - now.getTime()) / 1000);
    return response;
  };
}

/**
 * A rate limit retries when it ends, 429 waits as long as the source asked; other 5xx and network failures retry with backoff. A 401 or
 * 403 to a connector that holds a credential, or a refused token refresh, means the source refused the
 * credential; any other 4xx, refusal or address the policy refuses stops the sync.
 */
export function classifySourceError(error: unknown, connector: Connector): unknown {
  if (error instanceof SourceRateLimitedError) {
    // The retry policy's backoff would ask again too soon; the provider said when.
    const nextRetryDelay = Math.max(1, error.resumeAt.getTime() - Date.now());
    return ApplicationFailure.create({ type: failureTypes.sourceRateLimited, nonRetryable: false, nextRetryDelay, message: error.message });
  }
  if (error instanceof OAuthExchangeError) return nonRetryable(failureTypes.credentialRefused, error.message);
  if (error instanceof SourceRefusedError || error instanceof BlockedAddressError) return nonRetryable(failureTypes.sourceRefused, error.message);
  if (!(error instanceof SourceHttpError)) return error;
  if (connector.credentialId && (error.status === 401 || error.status === 403)) return nonRetryable(failureTypes.credentialRefused, error.message);
  if (!error.retryable) return nonRetryable(failureTypes.sourceRefused, error.message);
  return ApplicationFailure.create({
    type: failureTypes.sourceBusy,
    message: error.message,
    ...(error.retryAfterSeconds !== undefined ? { nextRetryDelay: `${Math.ceil(error.retryAfterSeconds)}s` } : {}),
  });
}
