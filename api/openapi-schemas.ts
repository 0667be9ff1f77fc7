import { z } from 'zod';
import { errorCodes } from '../application/errors.ts';

export const errorBodySchema = z
  .object({
    error: z.object({
      code: z.enum(errorCodes),
      message: z.string(),
      details: z.unknown().nullable(),
    }),
  })
  .meta({ id: 'Error' });

export function dataEnvelope<T extends z.ZodType>(schema: T) {
  return z.object({ data: schema });
}

/** The error answers every authenticated route can give, for the OpenAPI document. */
export function errorResponses(...statuses: Array<400 | 401 | 403 | 404 | 409 | 413 | 422 | 429 | 503>) {
  const descriptions: Record<number, string> = {
    400: 'Malformed input; `details.issues` lists the paths',
    401: 'Missing or invalid API key',
    403: 'The key may not do this',
    404: 'No such resource in this workspace',
    409: 'Conflicts with the current state',
    413: 'Body too large',
    422: 'The credential failed its check',
    429: 'Too many at once; `Retry-After` says when to try again',
    503: 'Temporal or the database is unreachable',
  };
  return Object.fromEntries(
    statuses.map((status) => [status, { description: descriptions[status] ?? 'Error', content: { 'application/json': { schema: errorBodySchema } } }]),
  );
}

export const bearerSecurity = [{ bearerAuth: [] }];
