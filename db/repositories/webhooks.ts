import type { Kysely } from 'kysely';
import type { Webhook, WebhookDelivery, WebhookDeliveryStatus, WebhookEvent, WebhookEventType } from '../../domain/webhook.ts';
import type { Database, WebhookDeliveryRow, WebhookRow } from '../schema.ts';
import { pageQuery, type Page } from './pagination.ts';

type Executor = Kysely<Database>;

export function toWebhook(row: WebhookRow): Webhook {
  return {
    id: row.id,
    url: row.url,
    events: JSON.parse(row.events) as WebhookEventType[],
    secretHint: row.secret_hint,
    createdAt: row.created_at,
  };
}

export function toWebhookDelivery(row: WebhookDeliveryRow): WebhookDelivery {
  return {
    id: row.id,
    webhookId: row.webhook_id,
    eventId: row.event_id,
    eventType: row.event_type as WebhookEventType,
    status: row.status as WebhookDeliveryStatus,
    attempts: Number(row.attempt_count),
    lastStatusCode: row.last_status_code === null ? null : Number(row.last_status_code),
    lastError: row.last_error,
    deliveredAt: row.delivered_at,
    createdAt: row.created_at,
    event: JSON.parse(row.payload) as WebhookEvent,
  };
}

export async function insertWebhook(db: Executor, row: Omit<WebhookRow, 'disabled_at'>): Promise<void> {
  await db.insertInto('webhooks').values(row).execute();
}

/** A webhook of the workspace that is not deleted. */
export async function findWorkspaceWebhook(db: Executor, workspaceId: string, id: string): Promise<WebhookRow | undefined> {
  return db.selectFrom('webhooks').selectAll().where('id', '=', id).where('workspace_id', '=', workspaceId).where('disabled_at', 'is', null).executeTakeFirst();
}

export async function listWebhooks(db: Executor, workspaceId: string, options: { cursor?: string | undefined; limit: number }): Promise<Page<Webhook>> {
  const query = db.selectFrom('webhooks').selectAll().where('workspace_id', '=', workspaceId).where('disabled_at', 'is', null);
  return pageQuery(query, options, toWebhook);
}

/** Deleting keeps the row, disabled, so its deliveries stay recorded and a delivery in flight learns to stop. */
export async function disableWebhook(db: Executor, id: string, now: string): Promise<void> {
  await db.updateTable('webhooks').set({ disabled_at: now }).where('id', '=', id).where('disabled_at', 'is', null).execute();
}

/** The workspace's live webhooks that subscribe to `type`. */
export async function subscribedWebhookIds(db: Executor, workspaceId: string, type: WebhookEventType): Promise<string[]> {
  const rows = await db.selectFrom('webhooks').select(['id', 'events']).where('workspace_id', '=', workspaceId).where('disabled_at', 'is', null).execute();
  return rows.filter((row) => (JSON.parse(row.events) as string[]).includes(type)).map((row) => row.id);
}

/** Records deliveries as pending; one already recorded under its id is kept as it is, so a retried recording is a no-op. */
export async function recordWebhookDeliveries(
  db: Executor,
  deliveries: Array<{ id: string; webhookId: string; event: WebhookEvent; now: string }>,
): Promise<void> {
  if (deliveries.length === 0) return;
  await db
    .insertInto('webhook_deliveries')
    .values(
      deliveries.map((delivery) => ({
        id: delivery.id,
        webhook_id: delivery.webhookId,
        event_id: delivery.event.id,
        event_type: delivery.event.type,
        payload: JSON.stringify(delivery.event),
        status: 'pending',
        created_at: delivery.now,
      })),
    )
    .onConflict((conflict) => conflict.column('id').doNothing())
    .execute();
}

/** Ids of the event's deliveries still to send. */
export async function pendingEventDeliveryIds(db: Executor, eventId: string): Promise<string[]> {
  const rows = await db.selectFrom('webhook_deliveries').select('id').where('event_id', '=', eventId).where('status', '=', 'pending').execute();
  return rows.map((row) => row.id);
}

/** A delivery with what sending it takes: its webhook's URL and sealed secret, and whether the webhook was deleted. */
export async function findDeliveryToSend(db: Executor, deliveryId: string) {
  return db
    .selectFrom('webhook_deliveries as delivery')
    .innerJoin('webhooks as webhook', 'webhook.id', 'delivery.webhook_id')
    .select(['delivery.id', 'delivery.event_type', 'delivery.payload', 'delivery.status', 'webhook.url', 'webhook.sealed_secret', 'webhook.disabled_at'])
    .where('delivery.id', '=', deliveryId)
    .executeTakeFirst();
}

/** Records how an attempt went; a delivery already delivered or failed is left as it is. */
export async function recordDeliveryAttempt(
  db: Executor,
  id: string,
  attempt: { number: number; status: WebhookDeliveryStatus; statusCode: number | null; error: string | null; at: string },
): Promise<void> {
  await db
    .updateTable('webhook_deliveries')
    .set({
      status: attempt.status,
      attempt_count: attempt.number,
      last_status_code: attempt.statusCode,
      last_error: attempt.error,
      delivered_at: attempt.status === 'delivered' ? attempt.at : null,
    })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .execute();
}

/** A webhook's deliveries, newest first. */
export async function listWebhookDeliveries(
  db: Executor,
  webhookId: string,
  options: { cursor?: string | undefined; limit: number },
): Promise<Page<WebhookDelivery>> {
  const query = db.selectFrom('webhook_deliveries').selectAll().where('webhook_id', '=', webhookId);
  return pageQuery(query, options, toWebhookDelivery, 'created_at', 'desc');
}
