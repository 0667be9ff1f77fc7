import { loadConfigOrExit } from '../config/env.ts';
import { createDatabase, databaseTarget } from '../db/database.ts';
import { migrateToLatest } from '../db/migrate.ts';

/** `npm run migrate`: brings the configured database to the latest schema, then exits. */
const config = loadConfigOrExit();
const db = createDatabase(databaseTarget(config));
try {
  await migrateToLatest(db);
  process.stdout.write('database schema is up to date\n');
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
} finally {
  await db.destroy();
}
