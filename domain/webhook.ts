import { createHmac } from 'node:crypto';
import { z } from 'zod';
import { connectorStates } from './connector-state.ts';
import { httpUrlSchema } from './http-url.ts';
import { syncCountersSchema } from './sync-job.ts';

export const webhookEventTypes = ['sync.succeeded', 'sync.failed', 'sync.canceled', 'connector.state_changed'] as const;
export type WebhookEventType = (typeof webhookEventTypes)[number];

/** `pending` while attempts remain, `delivered` on a 2xx, `failed` once the receiver refused for good or attempts ran out. */
export const webhookDeliveryStatuses = ['pending', 'delivered', 'failed'] as const;
export type WebhookDeliveryStatus = (typeof webhookDeliveryStatuses)[number];

/** How a delivery is retried: exponential backoff (coefficient 2) from `initialIntervalMs` up to `maximumIntervalMs`. */
export interface WebhookRetryPolicy {
  initialIntervalMs: number;
  maximumIntervalMs: number;
  maximumAttempts: number;
}

export const webhookRetryDefaults: WebhookRetryPolicy = { initialIntervalMs: 1_000, maximumIntervalMs: 60_000, maximumAttempts: 8 };

/**
 * Input of the `deliverWebhookEvent` workflow, id `webhook-<deliveryId>`. The body and the secret stay
 * in the database, so neither enters workflow history.
 * @example { deliveryId: 'dlv_5c1d...', retry: { initialIntervalMs: 1000, maximumIntervalMs: 60000, maximumAttempts: 8 } }
 */
export interface DeliverWebhookEventInput {
  deliveryId: string;
  retry: WebhookRetryPolicy;
}

export const createWebhookBodySchema = z
  .object({
    url: httpUrlSchema.max(2048).meta({ description: 'Where events are POSTed; it must reach a public address unless TRIBUTARY_ALLOWED_HOSTS admits it.' }),
    events: z
      .array(z.enum(webhookEventTypes))
      .min(1)
      .refine((events) => new Set(events).size === events.length, 'each event type at most once'),
  })
  .strict()
  .meta({ id: 'CreateWebhook' });
export type CreateWebhookBody = z.infer<typeof createWebhookBodySchema>;

export const webhookSchema = z
  .object({
    id: z.string(),
    url: z.string(),
    events: z.array(z.enum(webhookEventTypes)),
    secretHint: z.string().meta({ description: 'The last four characters of the signing secret; the secret is shown once, when the webhook is created.' }),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'Webhook' });
export type Webhook = z.infer<typeof webhookSchema>;

export const createdWebhookSchema = webhookSchema
  .extend({ secret: z.string().meta({ description: 'The signing secret (`whsec_...`), shown in this answer only: keep it now.' }) })
  .meta({ id: 'CreatedWebhook' });
export type CreatedWebhook = z.infer<typeof createdWebhookSchema>;

const syncEventDataSchema = z.object({
  connectorId: z.string(),
  jobId: z.string(),
  status: z.enum(['succeeded', 'failed', 'canceled']),
  counters: syncCountersSchema,
  error: z.string().optional(),
  changeCursor: z
    .string()
    .optional()
    .meta({ description: 'The change feed’s cursor of the collection after this sync, for `GET /v1/collections/{collection}/changes`.' }),
});

const stateChangedDataSchema = z.object({
  connectorId: z.string(),
  from: z.enum(connectorStates),
  to: z.enum(connectorStates),
  reason: z.string().nullable(),
});

const eventEnvelope = { id: z.string(), createdAt: z.iso.datetime() };

/** The JSON body of a delivery; `id` is the same on every retry of one event, so receivers can drop repeats. */
export const webhookEventSchema = z
  .discriminatedUnion('type', [
    z.object({ ...eventEnvelope, type: z.enum(['sync.succeeded', 'sync.failed', 'sync.canceled']), data: syncEventDataSchema }),
    z.object({ ...eventEnvelope, type: z.literal('connector.state_changed'), data: stateChangedDataSchema }),
  ])
  .meta({ id: 'WebhookEvent' });
export type WebhookEvent = z.infer<typeof webhookEventSchema>;

export const webhookDeliverySchema = z
  .object({
    id: z.string().meta({ description: 'Also sent as the `Tributary-Delivery` header.' }),
    webhookId: z.string(),
    eventId: z.string(),
    eventType: z.enum(webhookEventTypes),
    status: z.enum(webhookDeliveryStatuses),
    attempts: z.number().int(),
    lastStatusCode: z.number().int().nullable().meta({ description: 'The HTTP status of the last attempt; null when it got no answer.' }),
    lastError: z.string().nullable(),
    deliveredAt: z.iso.datetime().nullable(),
    createdAt: z.iso.datetime(),
    event: webhookEventSchema,
  })
  .meta({ id: 'WebhookDelivery' });
export type WebhookDelivery = z.infer<typeof webhookDeliverySchema>;

/**
 * The `Tributary-Signature` header of a body sent at `timestamp` (unix seconds): HMAC-SHA256 keyed
 * with the whole secret over `<timestamp>.<body>`, so a captured body cannot be replayed later.
 * @example webhookSignature('whsec_...', 1767225600, '{"id":"evt_1"}') // 't=1767225600,v1=5f0c...'
 */
export function webhookSignature(secret: string, timestamp: number, body: string): string {
  return `t=${timestamp},v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}
