import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RuntimeOptions } from '@temporalio/worker';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { METRICS_TOKEN_HINT, metricsTokenCheck } from '../config/metrics-token.ts';

/** The worker's registry: its process figures; the sync activities add theirs (activities/sync-metrics.ts). */
export function createWorkerMetricsRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'tributary_worker_' });
  return registry;
}

export interface WorkerMetricsServer {
  readonly port: number;
  close(): Promise<void>;
}

/**
 * Serves the registry at `GET /metrics` to the holder of the metrics token, as the API does; any other
 * request is 404. Resolves once listening, and rejects when the port cannot be had.
 */
export async function serveWorkerMetrics(options: { registry: Registry; token: string; port: number; host?: string }): Promise<WorkerMetricsServer> {
  const authorized = metricsTokenCheck(options.token);
  const server = createServer((request, response) => {
    const { pathname } = new URL(request.url ?? '/', 'http://worker');
    if (request.method !== 'GET' || pathname !== '/metrics') return answerError(response, 404, 'not_found', `No route for ${request.method} ${pathname}`);
    if (!authorized(request.headers.authorization)) return answerError(response, 401, 'unauthorized', METRICS_TOKEN_HINT);
    options.registry.metrics().then(
      (text) => {
        response.writeHead(200, { 'content-type': options.registry.contentType });
        response.end(text);
      },
      () => answerError(response, 500, 'internal', 'The metrics could not be collected'),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '0.0.0.0', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Errors in the API's shape, `{ error: { code, message, details } }`. */
function answerError(response: ServerResponse, status: number, code: string, message: string): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify({ error: { code, message, details: null } }));
}

/**
 * Runtime telemetry that makes the Temporal SDK serve its worker metrics (task slots, poll and
 * schedule-to-start latencies, sticky cache) in Prometheus format at `http://<bindAddress>/metrics`.
 * The SDK's own server has no authentication: bind it to an address only the scraper reaches.
 * @example Runtime.install({ logger, ...temporalMetricsTelemetry('127.0.0.1:9465') })
 */
export function temporalMetricsTelemetry(bindAddress: string | undefined): Pick<RuntimeOptions, 'telemetryOptions'> {
  if (!bindAddress) return {};
  return { telemetryOptions: { metrics: { prometheus: { bindAddress, countersTotalSuffix: true, unitSuffix: true, useSecondsForDurations: true } } } };
}
