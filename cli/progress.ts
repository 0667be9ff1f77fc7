import type { SyncJob } from '../client/index.ts';

const BAR_WIDTH = 20;

/** Where progress goes: a terminal (redrawn in place) or a pipe or file (one line per change). */
export interface ProgressOutput {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export function formatDuration(totalSeconds: number): string {
  const seconds = Math.max(0, Math.round(totalSeconds));
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(seconds / 3600)}h ${String(Math.floor((seconds % 3600) / 60)).padStart(2, '0')}m`;
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}

function stageOf(job: SyncJob): string {
  if (job.status === 'canceling') return 'canceling';
  if (job.phase === 'rate_limited') return job.resumeAt ? `rate limited until ${new Date(job.resumeAt).toLocaleTimeString()}` : 'rate limited';
  return job.phase.replace('_', ' ');
}

/** One line of a running job: a bar when the source told its total, the counters that move, and the ETA or the time so far. */
export function progressLine(job: SyncJob, now: Date = new Date()): string {
  const { progress } = job;
  const parts: string[] = [];
  if (progress.percent !== null && progress.total !== null) {
    const filled = Math.min(BAR_WIDTH, Math.round((progress.percent / 100) * BAR_WIDTH));
    parts.push(
      `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${String(Math.round(progress.percent)).padStart(3)}% ${progress.collected}/${progress.total}`,
    );
  } else {
    parts.push(`collected ${progress.collected}`);
  }
  parts.push(stageOf(job), `indexed ${progress.indexed}`);
  if (progress.failed > 0) parts.push(`failed ${progress.failed}`);
  parts.push(
    progress.etaSeconds === null
      ? `${formatDuration((now.getTime() - Date.parse(job.startedAt)) / 1000)} elapsed`
      : `ETA ${formatDuration(progress.etaSeconds)}`,
  );
  return parts.join(' · ');
}

/** The ended job in one line: its outcome, how long it took and every counter. */
export function summaryLine(job: SyncJob): string {
  const { progress } = job;
  const took = job.finishedAt ? ` in ${formatDuration((Date.parse(job.finishedAt) - Date.parse(job.startedAt)) / 1000)}` : '';
  const counters = (['collected', 'parsed', 'indexed', 'unchanged', 'deleted', 'failed', 'skipped'] as const).map((name) => `${name} ${progress[name]}`);
  return `Sync ${job.jobId} ${job.status}${took}: ${counters.join(', ')}, ${formatBytes(progress.bytes)}`;
}

/** Draws a job's progress: on a terminal one line redrawn in place, elsewhere a plain line whenever it changes. */
export class ProgressView {
  private readonly output: ProgressOutput;
  private last = '';

  constructor(output: ProgressOutput) {
    this.output = output;
  }

  show(job: SyncJob, now?: Date): void {
    const line = progressLine(job, now);
    if (!this.output.isTTY) {
      if (line !== this.last) this.output.write(`${line}\n`);
    } else {
      // Cut to the width so the line never wraps, which would leave the old one behind; \x1b[K clears what a longer line left.
      // A terminal that reports no size (columns 0, as a bare pty does) gets the usual 80.
      const width = (this.output.columns || 80) - 1;
      this.output.write(`\r${line.length > width ? line.slice(0, width) : line}\x1b[K`);
    }
    this.last = line;
  }

  /** Ends the redrawn line, so what follows starts on its own. */
  close(): void {
    if (this.output.isTTY && this.last) this.output.write('\n');
  }
}
