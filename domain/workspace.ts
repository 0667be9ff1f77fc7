import { z } from 'zod';
import { apiKeyRoles } from './api-keys.ts';
import { resourceIdSchema } from './ids.ts';

export const workspaceSchema = z.object({ id: z.string(), name: z.string(), createdAt: z.iso.datetime() }).meta({ id: 'Workspace' });

export const createWorkspaceBodySchema = z
  .object({ id: resourceIdSchema.optional(), name: z.string().trim().min(1).max(200) })
  .strict()
  .meta({ id: 'CreateWorkspace' });

export const apiKeySchema = z
  .object({ id: z.string(), workspaceId: z.string(), name: z.string(), role: z.enum(apiKeyRoles), createdAt: z.iso.datetime() })
  .meta({ id: 'ApiKey' });

export const createdApiKeySchema = apiKeySchema
  .extend({ key: z.string().meta({ description: 'The key itself, shown this once; only its hash is stored.' }) })
  .meta({ id: 'CreatedApiKey' });

export const createApiKeyBodySchema = z
  .object({ name: z.string().trim().min(1).max(200), role: z.enum(apiKeyRoles) })
  .strict()
  .meta({ id: 'CreateApiKey' });
