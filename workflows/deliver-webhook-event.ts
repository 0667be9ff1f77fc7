import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.ts';
import type { DeliverWebhookEventInput, WebhookDeliveryStatus } from '../domain/webhook.ts';

export type { DeliverWebhookEventInput } from '../domain/webhook.ts';

/**
 * Delivers one event to one webhook, workflow id `webhook-<deliveryId>`: one activity, retried with
 * exponential backoff while the receiver fails in a way worth retrying (network, 5xx, 408, 429); each
 * attempt is recorded on the delivery. Ends with the delivery's final status.
 */
export async function deliverWebhookEvent({ deliveryId, retry }: DeliverWebhookEventInput): Promise<{ deliveryId: string; status: WebhookDeliveryStatus }> {
  const { sendWebhookDelivery } = proxyActivities<Pick<Activities, 'sendWebhookDelivery'>>({
    startToCloseTimeout: '30 seconds',
    retry: {
      initialInterval: retry.initialIntervalMs,
      backoffCoefficient: 2,
      maximumInterval: retry.maximumIntervalMs,
      maximumAttempts: retry.maximumAttempts,
    },
  });
  const { status } = await sendWebhookDelivery({ deliveryId, maximumAttempts: retry.maximumAttempts });
  return { deliveryId, status };
}
