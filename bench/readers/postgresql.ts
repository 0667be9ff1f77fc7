import { randomUUID } from 'node:crypto';
import { withPostgres } from '../../tools/postgres.ts';
import { itemText, type ReaderBench } from './reader-source.ts';

const ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
const BATCH = 1000;

/** A table of 1 KB text rows in a scratch database of its own, read by id with updated_at for incremental syncs. */
export const postgresql: ReaderBench = {
  name: 'postgresql',
  items: 50_000,
  async seed(count) {
    const database = `tributary_bench_source_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
    await withPostgres(ADMIN_URL, (admin) => admin.query(`CREATE DATABASE ${database}`));
    const url = new URL(ADMIN_URL);
    url.pathname = `/${database}`;
    await withPostgres(url.toString(), async (client) => {
      await client.query(
        'CREATE TABLE articles (id integer PRIMARY KEY, title text NOT NULL, body text NOT NULL, updated_at timestamptz NOT NULL DEFAULT now())',
      );
      for (let start = 0; start < count; start += BATCH) {
        const ids = Array.from({ length: Math.min(BATCH, count - start) }, (_, offset) => start + offset);
        await client.query('INSERT INTO articles (id, title, body) SELECT * FROM unnest($1::int[], $2::text[], $3::text[])', [
          ids,
          ids.map((id) => `Article ${id}`),
          ids.map((id) => itemText(id)),
        ]);
      }
    });
    return {
      type: 'postgresql',
      config: {
        host: url.hostname,
        port: Number(url.port),
        database,
        table: 'articles',
        idColumn: 'id',
        titleColumn: 'title',
        updatedAtColumn: 'updated_at',
        contentColumns: ['body'],
      },
      credential: { kind: 'database_password', secret: { username: 'postgres', password: 'unused-with-trust-auth' } },
      close: () => withPostgres(ADMIN_URL, (admin) => admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`)).then(() => undefined),
    };
  },
};
