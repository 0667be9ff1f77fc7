import { Document, Packer, Paragraph, TextRun } from 'docx';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import type { SourceDocument } from '../../connectors/source.ts';
import { parseDocument } from '../../sync/parse-document.ts';

const document = (overrides: Partial<SourceDocument>): SourceDocument => ({
  externalId: 'doc',
  title: null,
  url: null,
  body: '',
  mimeType: 'text/plain',
  metadata: {},
  updatedAt: null,
  ...overrides,
});

describe('parsing documents to text', () => {
  it('reads the text of a PDF', async () => {
    const pdf = await PDFDocument.create();
    const page = pdf.addPage();
    page.drawText('Quarterly report: revenue grew', { font: await pdf.embedFont(StandardFonts.Helvetica), x: 50, y: 700, size: 14 });
    const result = await parseDocument(document({ externalId: 'report.pdf', body: await pdf.save(), mimeType: 'application/pdf' }));
    expect(result).toMatchObject({ ok: true });
    expect(result.ok && result.text).toContain('Quarterly report: revenue grew');
  });

  it('reads the text of a DOCX', async () => {
    const docx = new Document({ sections: [{ children: [new Paragraph({ children: [new TextRun('Meeting notes: ship on Friday')] })] }] });
    const body = new Uint8Array(await Packer.toBuffer(docx));
    const result = await parseDocument(document({ externalId: 'notes.docx', body, mimeType: 'application/octet-stream' }));
    expect(result.ok && result.text.trim()).toBe('Meeting notes: ship on Friday');
  });

  it('turns HTML, Markdown and JSON into text', async () => {
    const html = await parseDocument(
      document({
        body: '<html><head><title>T</title><script>var x</script></head><body><p>One</p><p>Two &amp; three</p></body></html>',
        mimeType: 'text/html; charset=utf-8',
      }),
    );
    expect(html).toMatchObject({ ok: true, title: 'T' });
    expect(html.ok && html.text).toContain('Two & three');
    expect(html.ok && html.text).not.toContain('var x');
    const markdown = await parseDocument(document({ body: '# Title\n\n**bold** and [a link](https://example.com)', mimeType: 'text/markdown' }));
    expect(markdown.ok && markdown.text).toContain('bold and a link');
    const json = await parseDocument(document({ body: '{"a":[1,2]}', mimeType: 'application/json' }));
    expect(json.ok && JSON.parse(json.text)).toEqual({ a: [1, 2] });
  });

  it('counts what it cannot parse as a failure, without throwing', async () => {
    expect(await parseDocument(document({ body: 'not a pdf', mimeType: 'application/pdf' }))).toMatchObject({
      ok: false,
      error: expect.stringContaining('application/pdf'),
    });
    expect(await parseDocument(document({ body: '{broken', mimeType: 'application/json' }))).toMatchObject({ ok: false });
    expect(await parseDocument(document({ body: new Uint8Array([0, 1, 2]), mimeType: 'image/png' }))).toEqual({
      ok: false,
      error: 'unsupported content type image/png',
    });
  });
});
