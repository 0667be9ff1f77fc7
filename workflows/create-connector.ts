import { ApplicationFailure, CancellationScope, proxyActivities, setCurrentDetails, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities/index.ts';
import type { Connector } from '../domain/connector.ts';

const { insertConnector, setConnectorState } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '500 ms', maximumInterval: '10 seconds', maximumAttempts: 10 },
});

// A few attempts only: the caller is waiting, and a schedule that cannot be made is compensated.
const { createConnectorSchedule } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '500 ms', backoffCoefficient: 2, maximumAttempts: 3 },
});

const { removeCreatedConnector } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

/**
 * Input of `createConnector`, workflow id `connector-create-<connectorId>`.
 * @example { connector: { id: 'conn_1', type: 'web_scraper', state: 'creating', ... } }
 */
export interface CreateConnectorInput {
  connector: Connector;
}

/**
 * Inserts the connector, creates its Temporal Schedule and marks it connected. If the schedule cannot
 * be created, deletes what it created and fails with the reason.
 */
export async function createConnector({ connector }: CreateConnectorInput): Promise<Connector> {
  const creationId = workflowInfo().firstExecutionRunId;
  setCurrentDetails(`Creating ${connector.type} connector **${connector.id}**`);
  await insertConnector(connector);
  try {
    await createConnectorSchedule({ connectorId: connector.id, creationId, paused: false });
  } catch (error) {
    await CancellationScope.nonCancellable(() => removeCreatedConnector({ connectorId: connector.id, creationId }));
    const reason = error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
    const type = error instanceof Error && error.cause instanceof ApplicationFailure ? error.cause.type : undefined;
    throw ApplicationFailure.create({
      type: type ?? 'ScheduleCreationFailed',
      message: `The schedule of connector ${connector.id} could not be created, so the connector was removed: ${reason}`,
      nonRetryable: true,
    });
  }
  return setConnectorState({ connectorId: connector.id, state: 'connected', reason: null });
}
