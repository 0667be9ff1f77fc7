import pg from 'pg';

/** Runs `action` on a connection of its own to `url`, closed afterwards: for creating and dropping scratch databases. */
export async function withPostgres<T>(url: string, action: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await action(client);
  } finally {
    await client.end();
  }
}
