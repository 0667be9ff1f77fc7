import { sql, type Kysely } from 'kysely';
import { isPostgres } from '../dialect.ts';

/**
 * A tsvector holds at most 1 MiB, so on PostgreSQL a document with enough distinct words made its
 * whole page fail, again on every retry. The search index goes through a function that indexes such
 * a document by its first characters instead.
 * SQLite's FTS5 has no such limit.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  if (!isPostgres(db)) return;
  // A tsvector takes at most about five bytes per byte of text (lexeme, entry, positions), so text
  // under 200,000 bytes always fits and skips the exception block; 50,000 characters (at most
  // 200,000 bytes) is the fallback that always fits, tried after a first 200,000 characters that
  // fit for any real text.
  await sql`
    CREATE FUNCTION tributary_search_vector(title text, content text) RETURNS tsvector
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
    DECLARE
      whole text := coalesce(title, '') || ' ' || content;
    BEGIN
      IF octet_length(whole) < 200000 THEN
        RETURN to_tsvector('simple', whole);
      END IF;
      BEGIN
        RETURN to_tsvector('simple', whole);
      EXCEPTION WHEN program_limit_exceeded THEN
        BEGIN
          RETURN to_tsvector('simple', left(whole, 200000));
        EXCEPTION WHEN program_limit_exceeded THEN
          RETURN to_tsvector('simple', left(whole, 50000));
        END;
      END;
    END $$`.execute(db);
  await sql`DROP INDEX documents_search`.execute(db);
  await sql`CREATE INDEX documents_search ON documents USING gin (tributary_search_vector(title, content))`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (!isPostgres(db)) return;
  await sql`DROP INDEX documents_search`.execute(db);
  await sql`CREATE INDEX documents_search ON documents USING gin (to_tsvector('simple', coalesce(title, '') || ' ' || content))`.execute(db);
  await sql`DROP FUNCTION tributary_search_vector(text, text)`.execute(db);
}
