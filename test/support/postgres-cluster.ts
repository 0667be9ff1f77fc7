import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The local PostgreSQL server the suite runs on, stopped and started as an operator would. */
export interface LocalCluster {
  readonly name: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  isReady(): Promise<boolean>;
}

/**
 * The Debian cluster (pg_lsclusters) serving `adminUrl`, or undefined when the URL is not on this
 * machine or the cluster tools are missing: the server is then not ours to restart.
 */
export async function findLocalCluster(adminUrl: string): Promise<LocalCluster | undefined> {
  const url = new URL(adminUrl);
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) return undefined;
  const port = url.port || '5432';
  const listing = await run('pg_lsclusters', ['--no-header']).catch(() => undefined);
  const [version, cluster] =
    listing?.stdout
      .split('\n')
      .map((line) => line.trim().split(/\s+/))
      .find((fields) => fields[2] === port) ?? [];
  if (!version || !cluster) return undefined;
  // Without the redirect, pg_ctlcluster would hand over to systemctl, which containers lack.
  const control = (action: string) => run('pg_ctlcluster', ['--skip-systemctl-redirect', '--mode=fast', version, cluster, action]).then(() => undefined);
  return {
    name: `${version}/${cluster}`,
    stop: () => control('stop'),
    start: () => control('start'),
    isReady: () =>
      run('pg_isready', ['-h', url.hostname.replace(/^\[|\]$/g, ''), '-p', port]).then(
        () => true,
        () => false,
      ),
  };
}
