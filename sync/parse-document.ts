import type { PreparedDocument } from '../db/repositories/documents.ts';
import { htmlToText } from 'html-to-text';
import removeMarkdown from 'remove-markdown';
import type { SourceDocument } from '../connectors/source.ts';
import { mimeTypeFromName } from '../domain/mime-types.ts';

export type ParseResult = { ok: true; text: string; title: string | null } | { ok: false; error: string };

const htmlTitle = /<title[^>]*>([^<]*)<\/title>/i;

function asText(body: string | Uint8Array): string {
  return typeof body === 'string' ? body : Buffer.from(body).toString('utf8');
}

function asBytes(body: string | Uint8Array): Buffer {
  return typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body);
}

/** The MIME type without parameters, lower-cased; unknown types fall back to what the name suggests. */
export function effectiveMimeType(document: Pick<SourceDocument, 'mimeType' | 'externalId'>): string {
  const declared = document.mimeType.split(';')[0]?.trim().toLowerCase() ?? '';
  if (declared && declared !== 'application/octet-stream' && declared !== 'binary/octet-stream') return declared;
  return mimeTypeFromName(document.externalId) ?? 'text/plain';
}

/**
 * Turns a source document into plain text by its type: HTML, Markdown, plain text, JSON, PDF, DOCX.
 * A document that cannot be parsed is a failed result, counted by the sync, never a thrown error.
 */
export async function parseDocument(document: SourceDocument): Promise<ParseResult> {
  const mimeType = effectiveMimeType(document);
  try {
    switch (mimeType) {
      case 'text/html':
      case 'application/xhtml+xml': {
        const html = asText(document.body);
        const text = htmlToText(html, {
          wordwrap: false,
          selectors: [
            { selector: 'a', options: { ignoreHref: true } },
            { selector: 'img', format: 'skip' },
          ],
        });
        // The page's own title beats a file name.
        return { ok: true, text, title: htmlTitle.exec(html)?.[1]?.trim() || document.title };
      }
      case 'text/markdown':
        return { ok: true, text: removeMarkdown(asText(document.body)), title: document.title };
      case 'application/json':
        return { ok: true, text: JSON.stringify(JSON.parse(asText(document.body)), null, 2), title: document.title };
      case 'application/pdf': {
        // PDF and DOCX readers load on first use: most syncs never need them, and they are large.
        const { PDFParse } = await import('pdf-parse');
        const parser = new PDFParse({ data: asBytes(document.body) });
        try {
          return { ok: true, text: (await parser.getText()).text, title: document.title };
        } finally {
          await parser.destroy();
        }
      }
      case 'application/vnd.openxmlformats-officedocument.wordprocessingml.document': {
        const { default: mammoth } = await import('mammoth');
        return { ok: true, text: (await mammoth.extractRawText({ buffer: asBytes(document.body) })).value, title: document.title };
      }
      default:
        if (mimeType.startsWith('text/')) return { ok: true, text: asText(document.body), title: document.title };
        return { ok: false, error: `unsupported content type ${mimeType}` };
    }
  } catch (error) {
    return { ok: false, error: `${mimeType} could not be parsed: ${(error as Error).message}` };
  }
}

/** A parsed source document as the documents repository stores it. */
export function preparedDocument(document: SourceDocument, parsed: { text: string; title: string | null }): PreparedDocument {
  return {
    externalId: document.externalId,
    title: parsed.title,
    url: document.url,
    mimeType: document.mimeType,
    content: parsed.text,
    metadata: document.metadata,
    sourceUpdatedAt: document.updatedAt,
  };
}
