/** What a response may show of a secret: at most its last four characters, and only of a long one. */
export function maskedSecret(text: string): string {
  return text.length >= 12 ? `••••${text.slice(-4)}` : '••••';
}

/**
 * A source cursor as a response shows it: a URL keeps its origin, path and parameter names with each
 * value masked (a delta link's token is as good as a session); anything else is masked whole.
 * @example
 * cursorHint('https://graph.microsoft.com/v1.0/drives/b1/root/delta?token=aTE09NjM4') // '…/delta?token=••••NjM4'
 */
export function cursorHint(cursor: string): string {
  let url: URL;
  try {
    url = new URL(cursor);
  } catch {
    return maskedSecret(cursor);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return maskedSecret(cursor);
  const parameters = [...url.searchParams].map(([name, value]) => `${encodeURIComponent(name)}=${maskedSecret(value)}`);
  return `${url.origin}${url.pathname}${parameters.length > 0 ? `?${parameters.join('&')}` : ''}`;
}
