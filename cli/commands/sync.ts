import type { SyncJob } from '../../client/index.ts';
import { argumentsOf, type Command, type CommandContext } from '../context.ts';
import { ProgressView, summaryLine } from '../progress.ts';

/** Redraws a terminal's line this often, so the elapsed time moves while the job does not change. */
const REDRAW_MS = 1000;

/** `sync <connector> [--full] [--follow]`: starts a sync; with `--follow`, shows its progress until it ends. */
export const startSync: Command = async (context) => {
  const [connectorId] = argumentsOf(context, 'connector');
  const queued = await context.client.connectors.sync(connectorId, context.flags.full ? { mode: 'full' } : {});
  if (!context.flags.follow) {
    context.stdout.write(`Sync ${queued.jobId} ${queued.status}; follow it with: tributary follow ${connectorId} ${queued.jobId}\n`);
    return 0;
  }
  context.stderr.write(`Sync ${queued.jobId} of ${connectorId} ${queued.status}\n`);
  return followToEnd(context, connectorId, queued.jobId);
};

/** `follow <connector> <job>`: shows a sync's progress until it ends. */
export const followSync: Command = async (context) => {
  const [connectorId, jobId] = argumentsOf(context, 'connector', 'job');
  return followToEnd(context, connectorId, jobId);
};

async function followToEnd(context: CommandContext, connectorId: string, jobId: string): Promise<number> {
  const view = new ProgressView(context.stderr);
  let latest: SyncJob | undefined;
  const redraw = context.stderr.isTTY ? setInterval(() => latest && view.show(latest), REDRAW_MS) : undefined;
  let ended: SyncJob | undefined;
  try {
    for await (const event of context.client.connectors.events(connectorId, jobId, { signal: context.signal })) {
      latest = event.job;
      if (event.type === 'end') ended = event.job;
      else view.show(event.job);
    }
  } catch (error) {
    if (!context.signal.aborted) throw error;
  } finally {
    clearInterval(redraw);
    view.close();
  }
  if (!ended) {
    context.stderr.write(`Stopped following; the sync goes on. Cancel it with: tributary cancel ${connectorId} ${jobId}\n`);
    return 130;
  }
  return reportEnd(context, connectorId, ended);
}

/** Prints the ended job's counters; a failed or canceled job exits 1, with its reason. */
function reportEnd(context: CommandContext, connectorId: string, job: SyncJob): number {
  context.stdout.write(`${summaryLine(job)}\n`);
  if (job.progress.failed > 0) context.stderr.write(`${job.progress.failed} items failed; see them with: tributary logs ${connectorId} ${job.jobId}\n`);
  if (job.status === 'succeeded') return 0;
  context.stderr.write(`Sync ${job.jobId} ${job.status}${job.error ? `: ${job.error}` : ''}\n`);
  return 1;
}
