import { sql, type Kysely } from 'kysely';
import { isPostgres } from '../dialect.ts';

/** Full-text search over documents: a GIN expression index on PostgreSQL, an FTS5 table kept by triggers on SQLite. */
export async function up(db: Kysely<unknown>): Promise<void> {
  if (isPostgres(db)) {
    await sql`CREATE INDEX documents_search ON documents USING gin (to_tsvector('simple', coalesce(title, '') || ' ' || content))`.execute(db);
    return;
  }
  await sql`CREATE VIRTUAL TABLE documents_fts USING fts5(title, content, content='documents', content_rowid='rowid')`.execute(db);
  await sql`CREATE TRIGGER documents_fts_insert AFTER INSERT ON documents BEGIN
    INSERT INTO documents_fts(rowid, title, content) VALUES (new.rowid, new.title, new.content);
  END`.execute(db);
  await sql`CREATE TRIGGER documents_fts_delete AFTER DELETE ON documents BEGIN
    INSERT INTO documents_fts(documents_fts, rowid, title, content) VALUES ('delete', old.rowid, old.title, old.content);
  END`.execute(db);
  // Only a change of the searchable text touches the index: re-seen unchanged documents cost nothing here.
  await sql`CREATE TRIGGER documents_fts_update AFTER UPDATE OF title, content ON documents BEGIN
    INSERT INTO documents_fts(documents_fts, rowid, title, content) VALUES ('delete', old.rowid, old.title, old.content);
    INSERT INTO documents_fts(rowid, title, content) VALUES (new.rowid, new.title, new.content);
  END`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (isPostgres(db)) {
    await sql`DROP INDEX documents_search`.execute(db);
    return;
  }
  await sql`DROP TABLE documents_fts`.execute(db);
}
