import type { PreparedDocument } from '../db/repositories/documents.ts';
import { storableText as storable } from '../domain/storable-text.ts';

/**
 * The document with NUL characters removed and broken UTF-16 replaced in its content, title, url
 * and metadata, and whether anything changed, so the sync can count it.
 * @example
 * sanitizedDocument({ ...document, content: 'a\u0000b' }) // { document: { ...document, content: 'ab' }, sanitized: true }
 */
export function sanitizedDocument(document: PreparedDocument): { document: PreparedDocument; sanitized: boolean } {
  const metadata = Object.fromEntries(Object.entries(document.metadata).map(([key, value]) => [storable(key), storable(value)]));
  const cleaned: PreparedDocument = {
    ...document,
    externalId: storable(document.externalId),
    title: document.title === null ? null : storable(document.title),
    url: document.url === null ? null : storable(document.url),
    content: storable(document.content),
    metadata,
  };
  const sanitized =
    cleaned.externalId !== document.externalId ||
    cleaned.title !== document.title ||
    cleaned.url !== document.url ||
    cleaned.content !== document.content ||
    Object.entries(metadata).some(([key, value]) => document.metadata[key] !== value);
  return { document: cleaned, sanitized };
}

/** A failure's id and reason as every dialect can store them (a parse error may quote the content). */
export function sanitizedFailure<T extends { externalId: string; error: string }>(failure: T): T {
  return { ...failure, externalId: storable(failure.externalId), error: storable(failure.error) };
}
