import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readDirectoryPage, type DirectoryPageRequest } from '../../connectors/upload/directory-page.ts';
import { readDirectoryPageInThread } from '../../connectors/upload/directory-reader.ts';

const root = mkdtempSync(path.join(tmpdir(), 'tributary-directory-page-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Files a/0.txt … a/4.txt and b/0.txt … b/4.txt; b/3.txt modified in 2030, the others in 2020. */
for (const folder of ['a', 'b']) {
  mkdirSync(path.join(root, folder));
  for (let index = 0; index < 5; index += 1) {
    const file = path.join(root, folder, `${index}.txt`);
    writeFileSync(file, `${folder}${index} `.repeat(index === 4 && folder === 'a' ? 100 : 1));
    const at = new Date(folder === 'b' && index === 3 ? '2030-01-01T00:00:00Z' : '2020-01-01T00:00:00Z');
    utimesSync(file, at, at);
  }
}

const request = (overrides: Partial<DirectoryPageRequest>): DirectoryPageRequest => ({
  root,
  after: null,
  since: null,
  pageSize: 1000,
  maxVisited: 1000,
  limits: { maxDocumentBytes: 1000, maxPageBytes: 10_000, maxInlineRateLimitWaitMs: 0 },
  ...overrides,
});

describe('reading a page of a server folder', () => {
  it('reads files in walk order, a page at a time, resuming after the last file it walked past', () => {
    const first = readDirectoryPage(request({ pageSize: 3 }));
    expect(first.files.map((file) => file.relativePath)).toEqual(['a/0.txt', 'a/1.txt', 'a/2.txt']);
    expect(Buffer.from(first.files[1]!.body).toString()).toBe('a1 ');
    expect(first.files[0]!.modifiedAt).toBe('2020-01-01T00:00:00.000Z');
    expect(first).toMatchObject({ last: 'a/2.txt', finished: false });
    const rest = readDirectoryPage(request({ after: first.last }));
    expect(rest.files.map((file) => file.relativePath)).toEqual(['a/3.txt', 'a/4.txt', 'b/0.txt', 'b/1.txt', 'b/2.txt', 'b/3.txt', 'b/4.txt']);
    expect(rest.finished).toBe(true);
  });

  it('skips a file over the document limit unread, and stops at the first file a full page has no room for', () => {
    const small = readDirectoryPage(request({ limits: { maxDocumentBytes: 100, maxPageBytes: 10_000, maxInlineRateLimitWaitMs: 0 } }));
    expect(small.skipped).toEqual([{ externalId: 'a/4.txt', reason: expect.stringContaining('100') }]);
    expect(small.files.map((file) => file.relativePath)).not.toContain('a/4.txt');
    const full = readDirectoryPage(request({ limits: { maxDocumentBytes: 1000, maxPageBytes: 8, maxInlineRateLimitWaitMs: 0 } }));
    expect(full.files.map((file) => file.relativePath)).toEqual(['a/0.txt', 'a/1.txt']);
    expect(full).toMatchObject({ last: 'a/1.txt', finished: false });
  });

  it('reads only files changed since the last sync, walking past the others up to its limit', () => {
    const changed = readDirectoryPage(request({ since: '2025-01-01T00:00:00.000Z' }));
    expect(changed.files.map((file) => file.relativePath)).toEqual(['b/3.txt']);
    expect(changed.finished).toBe(true);
    const bounded = readDirectoryPage(request({ since: '2025-01-01T00:00:00.000Z', maxVisited: 4 }));
    expect(bounded).toMatchObject({ files: [], last: 'a/3.txt', finished: false });
  });

  it('reads the same page on the reader thread, and reports a folder that is gone with its error code', async () => {
    const onThread = await readDirectoryPageInThread(request({ pageSize: 3 }));
    expect(onThread.files.map((file) => [file.relativePath, Buffer.from(file.body).toString()])).toEqual([
      ['a/0.txt', 'a0 '],
      ['a/1.txt', 'a1 '],
      ['a/2.txt', 'a2 '],
    ]);
    await expect(readDirectoryPageInThread(request({ root: path.join(root, 'missing') }))).rejects.toMatchObject({
      code: 'ENOENT',
      message: expect.stringContaining('missing'),
    });
  });
});
