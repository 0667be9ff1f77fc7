import { describe, expect, it } from 'vitest';
import { mimeTypeFromName } from '../../domain/mime-types.ts';

describe('the MIME type of a file name', () => {
  it('follows the extension of the formats that are parsed, in any case', () => {
    expect(mimeTypeFromName('notes/Readme.MD')).toBe('text/markdown');
    expect(mimeTypeFromName('report.pdf')).toBe('application/pdf');
    expect(mimeTypeFromName('archive.tar.gz')).toBeUndefined();
  });

  it('knows nothing of names that spell an object property', () => {
    for (const name of ['x.constructor', 'x.toString', 'x.__proto__', 'hasOwnProperty']) expect(mimeTypeFromName(name)).toBeUndefined();
  });
});
