import { z } from 'zod';

const identifier = z.string().regex(/^[A-Za-z_][A-Za-z0-9_$]{0,62}$/, 'must be a plain SQL identifier');

export const postgresqlConfigSchema = z
  .object({
    host: z.string().min(1).max(255),
    port: z.number().int().min(1).max(65535).default(5432),
    database: z.string().min(1).max(63),
    schema: identifier.default('public'),
    table: identifier
      .optional()
      .meta({ description: 'A table whose rows become documents. Without table or query, every table of `schema` that has a primary key is read.' }),
    query: z.string().min(1).max(20_000).optional().meta({
      description:
        'One SELECT whose rows become documents, instead of a table. It runs in a READ ONLY transaction: a query that writes is refused and fails the sync.',
    }),
    idColumn: identifier
      .optional()
      .meta({ description: 'Unique id of a row; the document’s external id. Required with table or query; every table is read by its primary key.' }),
    updatedAtColumn: identifier.optional().meta({
      description: 'Makes syncs incremental: only rows changed since the last sync are read. Without table or query, used in the tables that have it.',
    }),
    titleColumn: identifier
      .optional()
      .meta({ description: 'Without table or query, used in the tables that have it; the primary key is the title elsewhere.' }),
    contentColumns: z.array(identifier).min(1).max(100).optional().meta({
      description: 'Columns joined into the text; all columns when absent. Without table or query, those a table has; all of its columns when it has none.',
    }),
    ssl: z.boolean().default(false),
    statementTimeoutSeconds: z
      .number()
      .int()
      .min(1)
      .max(3600)
      .optional()
      .meta({ description: 'Seconds one source statement may run before PostgreSQL cancels it; 60 when absent.' }),
  })
  .strict()
  .refine((config) => !(config.table && config.query), { message: 'set at most one of table or query', path: ['table'] })
  .refine((config) => !(config.table ?? config.query) || Boolean(config.idColumn), { message: 'required with table or query', path: ['idColumn'] })
  // An idColumn alone most likely means a forgotten table, not a wish to read the whole schema.
  .refine((config) => Boolean(config.table ?? config.query) || !config.idColumn, {
    message: 'set table or query with idColumn, or none of the three to read every table of the schema by its primary key',
    path: ['table'],
  })
  .meta({
    id: 'PostgresqlConfig',
    example: { host: 'db.internal', port: 5432, database: 'wiki', schema: 'public', table: 'articles', idColumn: 'id', updatedAtColumn: 'updated_at' },
  });

export type PostgresqlConfig = z.infer<typeof postgresqlConfigSchema>;
