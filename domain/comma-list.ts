/**
 * The items of a comma-separated value, trimmed, empty ones left out.
 * @example
 * commaList(' jira, confluence ,,') // ['jira', 'confluence']
 */
export function commaList(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

/** A value that may come as a comma-separated string or already as a list (Onyx's and Elastic's configs take both). */
export function asList(value: unknown): unknown {
  return typeof value === 'string' ? commaList(value) : value;
}
