import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';
import { chunks } from './chunks.ts';

type Executor = Kysely<Database>;

export async function resetFrontier(db: Executor, jobId: string): Promise<void> {
  await db.deleteFrom('crawl_frontier').where('job_id', '=', jobId).execute();
}

/** Adds URLs not seen before by this crawl, after the ones already queued. */
export async function enqueueUrls(db: Executor, jobId: string, urls: Array<{ url: string; depth: number }>): Promise<void> {
  if (urls.length === 0) return;
  const last = await db
    .selectFrom('crawl_frontier')
    .select((eb) => eb.fn.max('seq').as('seq'))
    .where('job_id', '=', jobId)
    .executeTakeFirst();
  let seq = Number(last?.seq ?? 0);
  for (const batch of chunks(urls, 200)) {
    await db
      .insertInto('crawl_frontier')
      .values(batch.map(({ url, depth }) => ({ job_id: jobId, url, depth, seq: (seq += 1) })))
      .onConflict((conflict) => conflict.columns(['job_id', 'url']).doNothing())
      .execute();
  }
}

export async function nextUrls(db: Executor, jobId: string, limit: number) {
  return db.selectFrom('crawl_frontier').select(['url', 'depth']).where('job_id', '=', jobId).where('visited', '=', 0).orderBy('seq').limit(limit).execute();
}

export async function markVisited(db: Executor, jobId: string, urls: string[]): Promise<void> {
  for (const batch of chunks(urls, 500)) {
    await db.updateTable('crawl_frontier').set({ visited: 1 }).where('job_id', '=', jobId).where('url', 'in', batch).execute();
  }
}

/** Which of these URLs this crawl has queued already. */
export async function knownUrls(db: Executor, jobId: string, urls: string[]): Promise<Set<string>> {
  const known = new Set<string>();
  for (const batch of chunks(urls, 500)) {
    const rows = await db.selectFrom('crawl_frontier').select('url').where('job_id', '=', jobId).where('url', 'in', batch).execute();
    for (const row of rows) known.add(row.url);
  }
  return known;
}

/** Removes the frontiers of every job of a connector, for its deletion. */
export async function deleteConnectorFrontiers(db: Executor, connectorId: string): Promise<void> {
  await db
    .deleteFrom('crawl_frontier')
    .where('job_id', 'in', (eb) => eb.selectFrom('sync_jobs').select('id').where('connector_id', '=', connectorId))
    .execute();
}

export async function frontierCounts(db: Executor, jobId: string): Promise<{ queued: number; visited: number }> {
  const rows = await db
    .selectFrom('crawl_frontier')
    .select(['visited', (eb) => eb.fn.countAll<number | string>().as('count')])
    .where('job_id', '=', jobId)
    .groupBy('visited')
    .execute();
  const count = (visited: number) => Number(rows.find((row) => Number(row.visited) === visited)?.count ?? 0);
  return { queued: count(0) + count(1), visited: count(1) };
}
