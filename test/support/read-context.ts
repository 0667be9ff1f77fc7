import { loadConfig } from '../../config/env.ts';
import { syncLimitsOf, type SyncLimits } from '../../config/limits.ts';
import type { OpenedCredential } from '../../connectors/connector-definition.ts';
import type { RefreshCredential } from '../../connectors/http/authorized-fetch.ts';
import type { Checkpoint, CrawlFrontier, ReadContext, Source, SourcePage, UploadedFiles } from '../../connectors/source.ts';
import { AddressPolicy } from '../../net/address-policy.ts';
import { createGuardedFetch } from '../../net/guarded-fetch.ts';

/** Ports a source that does not use them: any use throws, so a test learns of it. */
const unusedPort = new Proxy(
  {},
  {
    get(_target, property) {
      throw new Error(`this source was not expected to use its ports (${String(property)})`);
    },
  },
);

/**
 * A read context for calling a source directly, outside a sync: the real guarded fetch and address
 * policy admitting loopback, the default limits, and no ports.
 * @example
 * const source = jira.openSource!(directReadContext(config, { credential, since: '2026-01-01T00:00:00.000Z' }));
 */
export function directReadContext<Config>(
  config: Config,
  options: {
    credential?: OpenedCredential | undefined;
    since?: string | null;
    sourceCursor?: string | null;
    limits?: Partial<SyncLimits>;
    refreshCredential?: RefreshCredential;
    heartbeat?: () => void;
  } = {},
): ReadContext<Config> {
  const policy = new AddressPolicy(['127.0.0.0/8', 'localhost']);
  return {
    config,
    credential: options.credential,
    fetch: createGuardedFetch(policy),
    policy,
    connectorId: 'conn_test',
    jobId: 'job_test',
    since: options.since ?? null,
    sourceCursor: options.sourceCursor ?? null,
    ...(options.refreshCredential ? { refreshCredential: options.refreshCredential } : {}),
    environment: { directoryRoots: [] },
    limits: { ...syncLimitsOf(loadConfig({})), ...options.limits },
    heartbeat: options.heartbeat ?? (() => undefined),
    signal: new AbortController().signal,
    crawlFrontier: unusedPort as CrawlFrontier,
    uploadedFiles: unusedPort as UploadedFiles,
  };
}

/** Every page of a source, from `checkpoint` (the start by default) to its last. */
export async function readEveryPage(source: Source, checkpoint: Checkpoint | null = null): Promise<SourcePage[]> {
  const pages = [await source.read(checkpoint)];
  for (let last = pages[0]; last?.next; last = pages.at(-1)) pages.push(await source.read(last.next));
  return pages;
}
