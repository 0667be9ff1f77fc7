import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import type { TestApp } from './api.ts';

export interface ServedApp {
  url: string;
  close(): Promise<void>;
}

/** The app served over real HTTP on a loopback port, as api/main.ts serves it, for clients that need a URL. */
export async function serveOnLoopback(app: TestApp): Promise<ServedApp> {
  const server = await new Promise<ServerType>((resolve) => {
    const listening = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(listening));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
