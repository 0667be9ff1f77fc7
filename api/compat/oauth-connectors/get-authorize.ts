import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { AppDependencies } from '../../../application/dependencies.ts';
import type { AppEnv } from '../../principal.ts';
import { redeemConsentLink } from './consent-link.ts';
import { errorAnswers, idParam, tag } from './wire.ts';

const route = createRoute({
  method: 'get',
  path: '/connectors/{id}/authorize',
  tags: [tag],
  summary: 'Open an authorization link',
  description:
    'The `auth_request.authorization_endpoint` of a connector, for a person’s browser: no API key, the sealed token is the authority. Redirects to the provider’s consent page while that consent is open (15 minutes, until the provider’s callback completes it).',
  request: { params: idParam, query: z.object({ token: z.string().max(8192) }) },
  responses: {
    302: { description: 'To the provider’s consent page' },
    ...errorAnswers(404, 410, 503),
  },
});

export function registerGetAuthorize(api: OpenAPIHono<AppEnv>, deps: AppDependencies): void {
  api.openapi(route, async (c) => {
    const redemption = await redeemConsentLink(deps, c.req.valid('param').id, c.req.valid('query').token);
    c.header('cache-control', 'no-store');
    if (redemption.kind === 'unknown') return c.json({ detail: 'Unknown authorization link' }, 404);
    if (redemption.kind === 'spent') {
      return c.json({ detail: 'This authorization link was used or has expired: GET the connector for a new one' }, 410);
    }
    return c.redirect(redemption.authUrl, 302);
  });
}
