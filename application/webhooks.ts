import { randomBytes } from 'node:crypto';
import type { Page } from '../db/repositories/pagination.ts';
import { disableWebhook, findWorkspaceWebhook, insertWebhook, listWebhookDeliveries, listWebhooks, toWebhook } from '../db/repositories/webhooks.ts';
import type { WebhookRow } from '../db/schema.ts';
import { newId } from '../domain/ids.ts';
import { maskedSecret } from '../domain/secret-hint.ts';
import type { CreatedWebhook, CreateWebhookBody, Webhook, WebhookDelivery } from '../domain/webhook.ts';
import type { AppDependencies } from './dependencies.ts';
import { AppError } from './errors.ts';

async function requireWebhook(deps: AppDependencies, workspaceId: string, id: string): Promise<WebhookRow> {
  const row = await findWorkspaceWebhook(deps.db, workspaceId, id);
  if (!row) throw new AppError('not_found', `Webhook ${id} not found`);
  return row;
}

/** Subscribes a URL to events with a signing secret the server makes; the answer is the only place the secret ever appears. */
export async function createWebhook(deps: AppDependencies, workspaceId: string, body: CreateWebhookBody): Promise<CreatedWebhook> {
  const secret = `whsec_${randomBytes(32).toString('base64url')}`;
  const row = {
    id: newId('whk'),
    workspace_id: workspaceId,
    url: body.url,
    events: JSON.stringify(body.events),
    sealed_secret: JSON.stringify(deps.cipher.seal(secret)),
    secret_hint: maskedSecret(secret),
    created_at: deps.now().toISOString(),
  };
  await insertWebhook(deps.db, row);
  return { ...toWebhook({ ...row, disabled_at: null }), secret };
}

export async function listWorkspaceWebhooks(
  deps: AppDependencies,
  workspaceId: string,
  query: { cursor?: string | undefined; limit: number },
): Promise<Page<Webhook>> {
  return listWebhooks(deps.db, workspaceId, query);
}

/** No event is sent to it from now on, and deliveries still being retried stop. */
export async function deleteWebhook(deps: AppDependencies, workspaceId: string, id: string): Promise<void> {
  await requireWebhook(deps, workspaceId, id);
  await disableWebhook(deps.db, id, deps.now().toISOString());
}

export async function listDeliveries(
  deps: AppDependencies,
  workspaceId: string,
  id: string,
  query: { cursor?: string | undefined; limit: number },
): Promise<Page<WebhookDelivery>> {
  await requireWebhook(deps, workspaceId, id);
  return listWebhookDeliveries(deps.db, id, query);
}
