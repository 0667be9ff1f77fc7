import { allPages } from '../../client/index.ts';
import { argumentsOf, type Command } from '../context.ts';
import { summaryLine } from '../progress.ts';

/** `logs <connector> <job>`: the job's outcome and its reason, then each item it could not deliver. */
export const showLogs: Command = async (context) => {
  const [connectorId, jobId] = argumentsOf(context, 'connector', 'job');
  const { connectors } = context.client;
  const job = await connectors.syncStatus(connectorId, jobId);
  context.stdout.write(`${summaryLine(job)}\n`);
  if (job.error) context.stdout.write(`error: ${job.error}\n`);
  let count = 0;
  for await (const failure of allPages((cursor) => connectors.failures(connectorId, jobId, cursor ? { cursor } : {}))) {
    context.stdout.write(`${failure.at}  ${failure.stage.padEnd(5)}  ${failure.externalId}  ${failure.error}\n`);
    count += 1;
  }
  if (count === 0) context.stdout.write('no item failed\n');
  return 0;
};
