/** Rows one page reads. */
export const POSTGRES_PAGE_SIZE = 1000;

/** Columns the readers add to a row for their own paging; never part of a document's text. */
export const READER_COLUMN_PREFIX = '__tributary';

/** A column value as text: dates as ISO, JSON and arrays as JSON, the rest as written. */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value as string | number | boolean | bigint);
}

/** A row as text: the chosen columns' values, or every column as "name: value" lines. */
export function rowText(row: Record<string, unknown>, contentColumns: string[] | undefined): string {
  const columns = contentColumns ?? Object.keys(row).filter((column) => !column.startsWith(READER_COLUMN_PREFIX));
  return columns.map((column) => (contentColumns ? cellText(row[column]) : `${column}: ${cellText(row[column])}`)).join('\n');
}
