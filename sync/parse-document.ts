import type { PreparedDocument } from '../db/repositories/documents.ts';
import { htmlToText } from 'html-to-text';
import removeMarkdown from 'remove-markdown';
import type { SourceDocument } from '../connectors/source.ts';
import { mimeTypeFromName } from '../domain/mime-types.ts';

/** Text to index; or a failure, counted as failed; or a skip, content deliberately not indexed. */
export type ParseResult = { ok: true; text: string; title: string | null } | { ok: false; error: string } | { ok: false; skip: string };

const htmlTitle = /<title[^>]*>([^<]*)<\/title>/i;

function asText(body: string | Uint8Array): string {
  return typeof body === 'string' ? body : Buffer.from(body).toString('utf8');
}

function asBytes(body: string | Uint8Array): Buffer {
  return typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body);
}

/** How much of a body the binary sniff looks at. */
const SNIFF_BYTES = 8192;
/**
 * Share of the sniffed characters that may be control characters or invalid UTF-8 before the body
 * counts as binary: random or compressed bytes score over half, while text with a stray NUL (which
 * the sync strips) stays far below.
 */
const BINARY_RATIO = 0.3;
const textControls = new Set(['\t', '\n', '\v', '\f', '\r', '\u001b']);

/** True when the start of a body that claims to be text looks like binary data (an image, an archive). */
function looksBinary(body: string | Uint8Array): boolean {
  const sample =
    typeof body === 'string' ? body.slice(0, SNIFF_BYTES) : Buffer.from(body.buffer, body.byteOffset, Math.min(body.byteLength, SNIFF_BYTES)).toString('utf8');
  if (sample.length === 0) return false;
  let suspicious = 0;
  for (const char of sample) if (char === '\ufffd' || (char < ' ' && !textControls.has(char))) suspicious += 1;
  return suspicious / sample.length > BINARY_RATIO;
}

/** Types read as text as they are: binary content under them would be indexed as garbage. */
function isTextType(mimeType: string): boolean {
  return mimeType.startsWith('text/') || mimeType === 'application/json' || mimeType === 'application/xhtml+xml';
}

/** The MIME type without parameters, lower-cased; unknown types fall back to what the name suggests. */
export function effectiveMimeType(document: Pick<SourceDocument, 'mimeType' | 'externalId'>): string {
  const declared = document.mimeType.split(';')[0]?.trim().toLowerCase() ?? '';
  if (declared && declared !== 'application/octet-stream' && declared !== 'binary/octet-stream') return declared;
  return mimeTypeFromName(document.externalId) ?? 'text/plain';
}

/**
 * Turns a source document into plain text by its type: HTML, Markdown, plain text, JSON, PDF, DOCX.
 * A document that cannot be parsed is a failed result, counted by the sync, never a thrown error;
 * binary content under a text type is skipped, since indexing it would only store garbage.
 */
export async function parseDocument(document: SourceDocument): Promise<ParseResult> {
  const mimeType = effectiveMimeType(document);
  if (isTextType(mimeType) && looksBinary(document.body)) return { ok: false, skip: `binary content in a ${mimeType} document` };
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
        if (isTextType(mimeType)) return { ok: true, text: asText(document.body), title: document.title };
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
