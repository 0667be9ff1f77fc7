import { readFileSync } from 'node:fs';
import { WORKER_NODE_FLAGS } from '../worker/node-flags.ts';
import { runEntryPoint, type RunningProcess } from '../tools/processes.ts';

/** A worker process with its resident memory sampled, so the peak RSS of a run can be reported. */
export interface MeasuredWorker {
  /** Resident memory right after start-up, before any sync. */
  readonly startRssMb: number;
  peakRssMb(): number;
  stop(): Promise<void>;
}

function rssKb(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  } catch {
    return 0;
  }
}

export async function startMeasuredWorker(env: NodeJS.ProcessEnv): Promise<MeasuredWorker> {
  const worker: RunningProcess = runEntryPoint('worker/main.ts', env, [], WORKER_NODE_FLAGS);
  await worker.waitFor(/worker started/, 120_000);
  const startRssMb = Math.round(rssKb(worker.child.pid ?? 0) / 1024);
  let peak = 0;
  const sampler = setInterval(() => {
    peak = Math.max(peak, rssKb(worker.child.pid ?? 0));
  }, 100);
  return {
    startRssMb,
    peakRssMb: () => Math.round(peak / 1024),
    async stop() {
      clearInterval(sampler);
      worker.child.kill('SIGTERM');
      await worker.exited;
    },
  };
}
