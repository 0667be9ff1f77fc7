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

/**
 * gRPC's reconnect backoff grows to two minutes; capped, the API serves again within seconds of
 * Temporal coming back instead of answering 503 for half a minute after a short outage.
 */
const clientChannelArgs = { 'grpc.max_reconnect_backoff_ms': 2_000 };

export async function connectClient(config: TemporalConfig): Promise<Client> {
  const connection = await Connection.connect({ ...(await connectionOptions(config)), interceptors: clientInterceptors, channelArgs: clientChannelArgs });
  return new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
}

export async function connectWorkerConnection(config: TemporalConfig): Promise<NativeConnection> {
  return NativeConnection.connect(await connectionOptions(config));
}

/**
 * Connects, or ends the process with one line naming the address: at start an unreachable
 * TEMPORAL_ADDRESS is a setting to fix, not a bug, so it gets no stack trace.
 */
export async function connectOrExit<T>(config: TemporalConfig, connect: (config: TemporalConfig) => Promise<T>): Promise<T> {
  try {
    return await connect(config);
  } catch (error) {
    process.stderr.write(`Cannot reach Temporal at ${config.temporalAddress}: ${reasonOf(error)}; check TEMPORAL_ADDRESS\n`);
    process.exit(1);
  }
}

/** The innermost message, which names the actual cause (refused, timed out, bad certificate). */
function reasonOf(error: unknown): string {
  const cause = (error as { cause?: unknown } | null)?.cause;
  if (cause instanceof Error && cause !== error) return reasonOf(cause);
  const text = error instanceof Error ? error.message : String(error);
  // The worker's Rust core reports a debug dump whose operating-system message is the readable part.
  return /message: "([^"]+)"/.exec(text)?.[1] ?? text.split('\n')[0]!;
}
