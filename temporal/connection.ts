import { readFile } from 'node:fs/promises';
import { Client, Connection, defaultGrpcRetryOptions, makeGrpcRetryInterceptor, type ConnectionOptions } from '@temporalio/client';
import { NativeConnection, type NativeConnectionOptions } from '@temporalio/worker';
import type { Config } from '../config/env.ts';
import { closedChannelGuard } from './closed-channel-guard.ts';

type TemporalConfig = Pick<Config, 'temporalAddress' | 'TEMPORAL_NAMESPACE' | 'TEMPORAL_TLS_CERT_PATH' | 'TEMPORAL_TLS_KEY_PATH' | 'TEMPORAL_API_KEY'>;

async function connectionOptions(config: TemporalConfig): Promise<ConnectionOptions & NativeConnectionOptions> {
  const mtls =
    config.TEMPORAL_TLS_CERT_PATH && config.TEMPORAL_TLS_KEY_PATH
      ? {
          clientCertPair: {
            crt: await readFile(config.TEMPORAL_TLS_CERT_PATH),
            key: await readFile(config.TEMPORAL_TLS_KEY_PATH),
          },
        }
      : undefined;
  const tls = mtls ?? (config.TEMPORAL_API_KEY ? {} : undefined);
  return {
    address: config.temporalAddress,
    ...(tls ? { tls } : {}),
    ...(config.TEMPORAL_API_KEY ? { apiKey: config.TEMPORAL_API_KEY } : {}),
  };
}

/**
 * The SDK's retries, bounded to five attempts (about two seconds of backoff) so that a request finds
 * an unreachable Temporal in seconds and answers 503, instead of after the default ten attempts
 * (about twenty seconds); calls made after close end quietly instead of throwing from a timer.
 */
const clientInterceptors = [makeGrpcRetryInterceptor(defaultGrpcRetryOptions({ maxAttempts: 5 })), closedChannelGuard];

export async function connectClient(config: TemporalConfig): Promise<Client> {
  const connection = await Connection.connect({ ...(await connectionOptions(config)), interceptors: clientInterceptors });
  return new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
}

export async function connectWorkerConnection(config: TemporalConfig): Promise<NativeConnection> {
  return NativeConnection.connect(await connectionOptions(config));
}
