import { readFileSync } from 'node:fs';

/**
 * The admin key `npm start` (or the API alone) keeps in its data dir, read from the file its output
 * names; the output itself shows only the first characters, and this fails if it shows the key.
 */
export function keptAdminKey(output: string): string {
  const [, prefix, file] = /Admin (?:API )?key:\s+(trb_\S{4})…\s+\(kept in (\S+)\)/.exec(output) ?? [];
  if (!prefix || !file) throw new Error(`no kept admin key in the banner:\n${output}`);
  const key = readFileSync(file, 'utf8').trim();
  if (!key.startsWith(prefix) || output.includes(key)) throw new Error('the banner shows more of the admin key than its prefix, or another key');
  return key;
}
