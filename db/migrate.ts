import { Migrator, type Migration, type MigrationProvider } from 'kysely/migration';
import type { Db } from './database.ts';
import * as initial from './migrations/001_initial.ts';
import * as credentials from './migrations/002_credentials.ts';
import * as sync from './migrations/003_sync.ts';
import * as documentSearch from './migrations/004_document_search.ts';
import * as dropApiKeyLastUsed from './migrations/005_drop_api_key_last_used.ts';
import * as jobKindsFailuresVersions from './migrations/006_job_kinds_failures_versions.ts';
import * as skippedSanitizedCounters from './migrations/007_skipped_sanitized_counters.ts';
import * as boundedSearchVector from './migrations/008_bounded_search_vector.ts';
import * as rateLimitedResumeAt from './migrations/009_rate_limited_resume_at.ts';
import * as sourceCursors from './migrations/010_source_cursors.ts';
import * as consentWithoutConnector from './migrations/011_consent_without_connector.ts';
import * as documentChanges from './migrations/012_document_changes.ts';
import * as webhooks from './migrations/013_webhooks.ts';

/** Migrations are listed in code so the bundle and every entry point carry the same set. */
const migrations: Record<string, Migration> = {
  '001_initial': initial,
  '002_credentials': credentials,
  '003_sync': sync,
  '004_document_search': documentSearch,
  '005_drop_api_key_last_used': dropApiKeyLastUsed,
  '006_job_kinds_failures_versions': jobKindsFailuresVersions,
  '007_skipped_sanitized_counters': skippedSanitizedCounters,
  '008_bounded_search_vector': boundedSearchVector,
  '009_rate_limited_resume_at': rateLimitedResumeAt,
  '010_source_cursors': sourceCursors,
  '011_consent_without_connector': consentWithoutConnector,
  '012_document_changes': documentChanges,
  '013_webhooks': webhooks,
};

/** The names of the migrations this build carries, in the order they apply. */
export const migrationNames = Object.keys(migrations);

const provider: MigrationProvider = { getMigrations: async () => migrations };

/**
 * Brings the schema to the latest version in one transaction under the dialect's migration lock
 * (an advisory lock on PostgreSQL, the write lock on SQLite), so processes that start together
 * migrate once between them.
 */
export async function migrateToLatest(db: Db): Promise<void> {
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((result) => result.status === 'Error');
  if (error || failed) {
    const cause = error instanceof Error ? error.message : 'unknown error';
    throw new Error(`Database migration ${failed?.migrationName ?? ''} failed: ${cause}`.replace('  ', ' '));
  }
}
