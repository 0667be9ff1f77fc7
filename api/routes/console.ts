import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppEnv } from '../principal.ts';

const consoleRoot = path.resolve(import.meta.dirname, '../../console');

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

// Scripts and styles only from this server, no inline code, no framing: the page holds an API key.
const securityHeaders = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

/**
 * The console's files, read once: a request names an entry of this map, never a path on disk, so
 * no request can reach outside the folder.
 */
const assets = new Map(
  readdirSync(consoleRoot, { withFileTypes: true })
    .filter((entry) => entry.isFile() && path.extname(entry.name) in contentTypes)
    .map((entry) => [entry.name, new Uint8Array(readFileSync(path.join(consoleRoot, entry.name)))] as const),
);

export interface ConsoleSettings {
  /** Base URL of the Temporal UI, for links from a sync job to its workflow. */
  temporalUiUrl?: string | undefined;
  temporalNamespace: string;
}

/**
 * The web console at `/console`: static files of `console/`, public (the page asks for an API key
 * and sends it on its own calls to /v1). Registered as middleware, so it stays out of the OpenAPI
 * document, which describes the API rather than its pages.
 */
export function registerConsole(app: OpenAPIHono<AppEnv>, settings: ConsoleSettings): void {
  const config = JSON.stringify({ temporalUiUrl: settings.temporalUiUrl ?? null, temporalNamespace: settings.temporalNamespace });
  const send = (c: Context, body: string | Uint8Array<ArrayBuffer>, contentType: string, cacheControl: string) =>
    c.body(body, 200, { ...securityHeaders, 'content-type': contentType, 'cache-control': cacheControl });

  // Hono answers HEAD through the GET handlers and drops the body.
  app.use('/console', async (c, next) => {
    if (c.req.method !== 'GET') return next();
    return c.redirect('/console/', 301);
  });
  app.use('/console/*', async (c, next) => {
    if (c.req.method !== 'GET') return next();
    const name = c.req.path.slice('/console/'.length) || 'index.html';
    if (name === 'config.json') return send(c, config, 'application/json; charset=utf-8', 'no-store');
    const asset = assets.get(name);
    if (!asset) return next();
    // Revalidated on each load, so a deploy never leaves a page on scripts of another version.
    return send(c, asset, contentTypes[path.extname(name)]!, 'no-cache');
  });
}
