import type { SourceDocument } from '../source.ts';
import type { ConfluenceContent } from './api.ts';
import { storageToText } from './storage-format.ts';

/**
 * A page or blog post as plain text, linked to where it is read (`webBase` is the site's address,
 * `https://acme.atlassian.net/wiki`), with its place in the page tree as a breadcrumb.
 */
export function contentDocument(content: ConfluenceContent, webBase: string): SourceDocument {
  const author = content.history?.createdBy ?? content.version?.by;
  return {
    externalId: content.id,
    title: content.title,
    url: content._links?.webui ? `${webBase}${content._links.webui}` : null,
    body: storageToText(content.body?.storage?.value ?? ''),
    mimeType: 'text/plain',
    metadata: {
      type: content.type,
      space: content.space?.key ?? '',
      breadcrumb: (content.ancestors ?? []).map((ancestor) => ancestor.title).join(' / '),
      labels: (content.metadata?.labels?.results ?? []).map((label) => label.name).join(','),
      author: author?.displayName ?? author?.publicName ?? '',
      created: content.history?.createdDate ?? '',
      updated: content.version?.when ?? '',
      version: content.version ? String(content.version.number) : '',
    },
    updatedAt: content.version?.when ?? null,
  };
}

/** The size of a result's body as stored, to hold back one over the document limit. */
export const storageBytes = (content: ConfluenceContent): number => Buffer.byteLength(content.body?.storage?.value ?? '');
