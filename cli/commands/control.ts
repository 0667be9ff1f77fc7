import { argumentsOf, type Command } from '../context.ts';

/** `cancel <connector> <job>`: signals the running sync to stop. */
export const cancelSync: Command = async (context) => {
  const [connectorId, jobId] = argumentsOf(context, 'connector', 'job');
  const job = await context.client.connectors.cancel(connectorId, jobId);
  context.stdout.write(`Sync ${job.jobId} ${job.status}\n`);
  return 0;
};

/** `resync <connector> <job>`: restarts the running sync as a full sync. */
export const resyncSync: Command = async (context) => {
  const [connectorId, jobId] = argumentsOf(context, 'connector', 'job');
  const job = await context.client.connectors.resync(connectorId, jobId);
  context.stdout.write(`Sync ${job.jobId} restarts as a full sync (${job.status})\n`);
  return 0;
};
