import { isGrpcCancelledError } from '@temporalio/client';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { connectClient } from '../temporal/connection.ts';
import { startDevServer, type DevServer } from '../temporal/dev-server.ts';
import { freePort } from '../tools/ports.ts';

describe('a Temporal client connection', () => {
  let server: DevServer | undefined;
  afterAll(async () => server?.stop());

  it('closes while a call is still retrying, and the retry ends quietly instead of throwing from its timer', async () => {
    server = await startDevServer({
      cliPath: inject('temporalCliPath'),
      port: await freePort(),
      uiPort: await freePort(),
      namespace: 'default',
      readyTimeoutMs: 120_000,
    });
    const client = await connectClient({
      temporalAddress: server.address,
      TEMPORAL_NAMESPACE: 'default',
      TEMPORAL_TLS_CERT_PATH: undefined,
      TEMPORAL_TLS_KEY_PATH: undefined,
      TEMPORAL_API_KEY: undefined,
    });
    await server.stop();

    const uncaught: unknown[] = [];
    const record = (error: unknown) => uncaught.push(error);
    process.on('uncaughtException', record);
    try {
      // The server is gone: the query fails UNAVAILABLE and the SDK keeps retrying it on timers.
      const outcome = client.workflow
        .getHandle('no-such-workflow')
        .query('progress')
        .then(
          () => 'answered',
          (error: unknown) => error,
        );
      await new Promise((resolve) => setTimeout(resolve, 500));
      await client.connection.close();
      const settled = await Promise.race([outcome, new Promise((resolve) => setTimeout(() => resolve('still pending'), 20_000))]);
      expect(isGrpcCancelledError(settled), String(settled)).toBe(true);
      expect(uncaught).toEqual([]);
    } finally {
      process.off('uncaughtException', record);
    }
  }, 150_000);
});
