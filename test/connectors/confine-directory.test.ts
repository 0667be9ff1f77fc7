import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { confineDirectory } from '../../connectors/upload/confine-directory.ts';

describe('upload directories confined to TRIBUTARY_DIRECTORY_ROOTS', () => {
  const scratch = realpathSync(mkdtempSync(path.join(tmpdir(), 'tributary-confine-')));
  const root = path.join(scratch, 'root');
  const outside = path.join(scratch, 'server-private');
  mkdirSync(path.join(root, 'docs'), { recursive: true });
  mkdirSync(path.join(outside, 'secrets'), { recursive: true });
  symlinkSync(path.join(outside, 'secrets'), path.join(root, 'leak'), 'dir');
  symlinkSync(path.join(outside, 'nowhere'), path.join(root, 'dangling'), 'dir');
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  /** The refusal with the folder the client sent taken out: what the answer says beyond the echo of its input. */
  async function refusal(directory: string): Promise<string> {
    const confined = await confineDirectory(directory, [root]);
    if (!('error' in confined)) throw new Error(`${directory} was accepted`);
    const beyondInput = confined.error.replace(directory, '<directory>');
    expect(beyondInput).not.toContain(outside);
    return beyondInput;
  }

  it('accepts a folder under a root, as its real path', async () => {
    expect(await confineDirectory(path.join(root, 'docs'), [root])).toEqual({ path: path.join(root, 'docs') });
  });

  it('answers the same for a folder outside the roots whether or not it exists, and for a link leaving them', async () => {
    const answers = new Set([
      await refusal(path.join(outside, 'secrets')),
      await refusal(path.join(outside, 'missing')),
      await refusal('/etc'),
      await refusal('/no/such/folder/anywhere'),
      await refusal(path.join(root, 'leak')),
      await refusal(path.join(root, 'dangling')),
      await refusal(path.join(root, 'docs', '..', '..', 'server-private', 'secrets')),
    ]);
    expect([...answers]).toEqual(['<directory> is not a readable folder under one of the allowed folders (TRIBUTARY_DIRECTORY_ROOTS)']);
  });
});
