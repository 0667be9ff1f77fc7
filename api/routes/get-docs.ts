import { createRequire } from 'node:module';
import path from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../principal.ts';

const swaggerUiRoot = path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

// Assets come from the installed package, so the docs work on machines without internet access.
const page = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8" />
  <title>Tributary API</title>
  <link rel="stylesheet" href="/docs/assets/swagger-ui.css" />
</head>
<body>
  <div id="docs"></div>
  <script src="/docs/assets/swagger-ui-bundle.js"></script>
  <script src="/docs/assets/docs-init.js"></script>
</body>
</html>`;

const init = `window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#docs', persistAuthorization: true });`;

export function registerDocs(app: OpenAPIHono<AppEnv>): void {
  app.get('/docs', (c) => c.html(page));
  app.get('/docs/assets/docs-init.js', (c) => c.body(init, 200, { 'content-type': 'text/javascript; charset=utf-8' }));
  app.use('/docs/assets/*', serveStatic({ root: swaggerUiRoot, rewriteRequestPath: (p) => p.replace(/^\/docs\/assets/, '') }));
}
