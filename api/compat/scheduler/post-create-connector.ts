import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { createConnectorBodySchema } from '../../../application/connector-schemas.ts';
import { createConnector } from '../../../application/create-connector.ts';
import type { AppDependencies } from '../../../application/dependencies.ts';
import { AppError } from '../../../application/errors.ts';
import type { Schedule } from '../../../domain/schedule.ts';
import { bearerSecurity } from '../../openapi-schemas.ts';
import type { AppEnv } from '../../principal.ts';
import { httpExceptionBodySchema, requestValidationErrorOf, RequestValidationError, validationErrorBodySchema, validationIssuesOf } from './http-exception.ts';
import { requireOwnWorkspace } from './own-workspace.ts';
import { presentConnectorModel } from './present-connector-model.ts';
import { scheduleOf } from './scheduler.ts';
import { configOfSlots, missingSlotIssues, seedPathsOf } from './slots.ts';
import {
  connectorModelResponseSchema,
  createConnectorRequestSchema,
  schedulerQuerySchema,
  workspaceParamSchema,
  type CreateConnectorRequest,
} from './wire-schemas.ts';

const fastApiError = (description: string) => ({ description, content: { 'application/json': { schema: httpExceptionBodySchema } } });

const route = createRoute({
  method: 'post',
  path: '/v1/connector/create_connector/{workspace_id}',
  tags: ['Scheduler connector API'],
  summary: 'Create Connector',
  description:
    "Creates a connector and its schedule through Tributary's connector-creation workflow; if the schedule cannot be created the connector is removed again. With `imed` the connector has a manual schedule and waits for `create_connector_collection_association`, which starts its first sync.",
  security: bearerSecurity,
  request: {
    params: workspaceParamSchema,
    query: schedulerQuerySchema,
    body: { required: true, content: { 'application/json': { schema: createConnectorRequestSchema } } },
  },
  responses: {
    201: { description: 'Successful Response', content: { 'application/json': { schema: connectorModelResponseSchema } } },
    202: {
      description: 'Created, but its creation workflow had not finished within the wait: `state` is still `creating`',
      content: { 'application/json': { schema: connectorModelResponseSchema } },
    },
    401: fastApiError('Unauthorized (answered by Tributary\'s bearer authentication, in its `{"error": ...}` shape)'),
    403: fastApiError('Forbidden: a viewer key (answered by Tributary\'s bearer authentication, in its `{"error": ...}` shape)'),
    404: fastApiError("Not Found: the workspace is not the key's"),
    409: fastApiError('The id is taken'),
    422: { description: 'Validation Error', content: { 'application/json': { schema: validationErrorBodySchema } } },
    503: fastApiError('Temporal or the database is unreachable, or the schedule could not be created; nothing was created'),
  },
});

/** Tributary's create body for the seed's request; validated by the same schema as `POST /v1/connectors`. */
function createBodyOf(request: CreateConnectorRequest, schedule: Schedule): Record<string, unknown> {
  const { config, metadata } = configOfSlots(request.type, request.slots);
  const hasCredentials = Object.keys(request.credentials).length > 0;
  return {
    ...(request.id === null || request.id === undefined ? {} : { id: request.id }),
    name: request.name,
    type: request.type,
    config,
    schedule,
    metadata,
    ...(hasCredentials ? { credentials: request.credentials } : {}),
  };
}

export function registerPostCreateConnector(app: OpenAPIHono<AppEnv>, deps: AppDependencies): void {
  app.openapi(route, async (c) => {
    const workspaceId = requireOwnWorkspace(c.get('principal'), c.req.valid('param').workspace_id);
    const query = c.req.valid('query');
    const request = c.req.valid('json');
    const missing = missingSlotIssues(request.type, request.slots);
    if (missing.length > 0) throw new RequestValidationError(missing);
    const paths = seedPathsOf(request.type);
    const body = createBodyOf(request, scheduleOf(query.scheduler_type, query.scheduler_value));
    const parsed = createConnectorBodySchema.safeParse(body);
    if (!parsed.success) throw new RequestValidationError(validationIssuesOf(parsed.error, body, paths));
    const outcome = await createConnector(deps, workspaceId, parsed.data).catch((error: unknown) => {
      throw error instanceof AppError && error.code === 'invalid_request' ? requestValidationErrorOf(error, paths) : error;
    });
    return c.json(presentConnectorModel(outcome.connector), outcome.status === 202 ? 202 : 201);
  });
}
