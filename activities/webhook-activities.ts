import { createHash } from 'node:crypto';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Kysely } from 'kysely';
import { findConnector } from '../db/repositories/connectors.ts';
import { currentChangeCursor } from '../db/repositories/document-changes.ts';
import { countersOf } from '../db/repositories/sync-jobs.ts';
import {
  findDeliveryToSend,
  pendingEventDeliveryIds,
  recordDeliveryAttempt,
  recordWebhookDeliveries,
  subscribedWebhookIds,
} from '../db/repositories/webhooks.ts';
import type { Database, SyncJobRow } from '../db/schema.ts';
import type { Connector } from '../domain/connector.ts';
import { publicConnectorId } from '../domain/connector-ids.ts';
import { webhookSignature, type DeliverWebhookEventInput, type WebhookDeliveryStatus, type WebhookEvent } from '../domain/webhook.ts';
import { workflowIds } from '../domain/workflow-ids.ts';
import { BlockedAddressError } from '../net/guarded-fetch.ts';
import type { SealedSecret } from '../secrets/cipher.ts';
import type { ActivityDependencies } from './dependencies.ts';

type Executor = Kysely<Database>;

/** A receiver that does not answer within this long counts as a failed attempt. */
const DELIVERY_TIMEOUT_MS = 10_000;

/** 4xx answers worth another attempt (timeout, rate limit); any other 4xx would refuse the same body again. */
const retryableClientStatuses = new Set([408, 429]);

/** An id derived from what it names, so every retry of a step names the same event or delivery. */
function derivedId(prefix: 'evt' | 'dlv', ...parts: string[]): string {
  return `${prefix}_${createHash('sha256').update(parts.join('\n')).digest('hex').slice(0, 32)}`;
}

/**
 * Announces events to the webhooks of a workspace: `record` writes one pending delivery per subscribed
 * webhook (in the caller's transaction when it passes one), `dispatch` starts a `deliverWebhookEvent`
 * workflow per pending delivery. Both are idempotent, so the activity that calls them may be retried.
 */
export function createWebhookAnnouncer(deps: ActivityDependencies) {
  const { db, now } = deps;

  async function record(executor: Executor, workspaceId: string, event: WebhookEvent): Promise<void> {
    const webhookIds = await subscribedWebhookIds(executor, workspaceId, event.type);
    const at = now().toISOString();
    await recordWebhookDeliveries(
      executor,
      webhookIds.map((webhookId) => ({ id: derivedId('dlv', event.id, webhookId), webhookId, event, now: at })),
    );
  }

  async function dispatch(eventId: string): Promise<void> {
    for (const deliveryId of await pendingEventDeliveryIds(db, eventId)) {
      const input: DeliverWebhookEventInput = { deliveryId, retry: deps.webhookRetry };
      await deps.workflows.startOnce('deliverWebhookEvent', {
        workflowId: workflowIds.webhookDelivery(deliveryId),
        taskQueue: deps.taskQueue,
        args: [input],
        staticSummary: `Deliver webhook event ${eventId} (${deliveryId})`,
      });
    }
  }

  return {
    /** `sync.succeeded`, `sync.failed` or `sync.canceled` of a finished sync job, one event per job. */
    async syncEnded(job: SyncJobRow): Promise<void> {
      const status = job.status;
      if (status !== 'succeeded' && status !== 'failed' && status !== 'canceled') return;
      const connector = status === 'succeeded' ? await findConnector(db, job.connector_id) : undefined;
      const event: WebhookEvent = {
        id: derivedId('evt', 'sync', job.id),
        type: `sync.${status}`,
        createdAt: job.finished_at ?? now().toISOString(),
        data: {
          connectorId: publicConnectorId(job.workspace_id, job.connector_id),
          jobId: job.id,
          status,
          counters: countersOf(job),
          ...(job.error ? { error: job.error } : {}),
          ...(connector ? { changeCursor: await currentChangeCursor(db, job.workspace_id, connector.collection) } : {}),
        },
      };
      await record(db, job.workspace_id, event);
      await dispatch(event.id);
    },

    /**
     * `connector.state_changed`, recorded in the transaction of the change when `previous` differs in
     * state; then dispatched. The event is named by the connector's version after the change, so a
     * retried activity that finds the change made dispatches the deliveries its first attempt recorded.
     */
    async stateChanged(executor: Executor, change: { previous: Connector; current: Connector }): Promise<string> {
      const { previous, current } = change;
      const eventId = derivedId('evt', 'state', current.id, String(current.version));
      if (previous.state === current.state) return eventId;
      await record(executor, current.workspaceId, {
        id: eventId,
        type: 'connector.state_changed',
        createdAt: current.updatedAt,
        data: { connectorId: publicConnectorId(current.workspaceId, current.id), from: previous.state, to: current.state, reason: current.stateReason },
      });
      return eventId;
    },

    dispatch,
  };
}

/** Why an attempt got no answer, with the network's reason where fetch wraps it. */
function attemptError(error: unknown): { message: string; blocked: boolean } {
  const cause = error instanceof Error ? error.cause : undefined;
  const blocked = error instanceof BlockedAddressError || cause instanceof BlockedAddressError;
  const message = error instanceof Error ? error.message : String(error);
  return { message: cause instanceof Error ? `${message}: ${cause.message}` : message, blocked };
}

export function createWebhookActivities(deps: ActivityDependencies) {
  const { db, now, cipher } = deps;

  return {
    /**
     * One attempt of a delivery: POSTs the recorded body, signed with the webhook's secret at this
     * attempt's time, and records the answer. A failure worth retrying throws while attempts remain;
     * the final outcome is returned. A delivered or finished delivery, or a deleted webhook, sends nothing.
     */
    async sendWebhookDelivery(input: { deliveryId: string; maximumAttempts: number }): Promise<{ status: WebhookDeliveryStatus }> {
      const delivery = await findDeliveryToSend(db, input.deliveryId);
      if (!delivery) return { status: 'failed' };
      if (delivery.status !== 'pending') return { status: delivery.status as WebhookDeliveryStatus };
      const attempt = Context.current().info.attempt;
      if (delivery.disabled_at) {
        await recordDeliveryAttempt(db, delivery.id, {
          number: attempt - 1,
          status: 'failed',
          statusCode: null,
          error: 'The webhook was deleted',
          at: now().toISOString(),
        });
        return { status: 'failed' };
      }

      const secret = cipher.open(JSON.parse(delivery.sealed_secret) as SealedSecret);
      const timestamp = Math.floor(now().getTime() / 1000);
      let statusCode: number | null = null;
      let error: string | null = null;
      let retryable = false;
      try {
        const response = await deps.fetch(delivery.url, {
          method: 'POST',
          // A redirect is a failure: following it would re-send the signed body somewhere unverified.
          redirect: 'manual',
          headers: {
            'content-type': 'application/json',
            'user-agent': 'Tributary-Webhooks/1',
            'tributary-signature': webhookSignature(secret, timestamp, delivery.payload),
            'tributary-event': delivery.event_type,
            'tributary-delivery': delivery.id,
          },
          body: delivery.payload,
          signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
        });
        await response.body?.cancel();
        statusCode = response.status;
        if (response.status < 200 || response.status >= 300) {
          error = `The receiver answered ${response.status}`;
          retryable = response.status >= 500 || retryableClientStatuses.has(response.status);
        }
      } catch (caught) {
        const { message, blocked } = attemptError(caught);
        error = message;
        retryable = !blocked;
      }

      const status: WebhookDeliveryStatus = error === null ? 'delivered' : retryable && attempt < input.maximumAttempts ? 'pending' : 'failed';
      await recordDeliveryAttempt(db, delivery.id, { number: attempt, status, statusCode, error, at: now().toISOString() });
      if (status === 'pending') throw ApplicationFailure.create({ type: 'WebhookDeliveryFailed', message: String(error) });
      return { status };
    },
  };
}
