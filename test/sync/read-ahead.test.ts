import { describe, expect, it } from 'vitest';
import type { Checkpoint, Source, SourcePage } from '../../connectors/source.ts';
import { readPagesAhead } from '../../sync/read-ahead.ts';

/** A source of `pages` pages that logs when each read starts and ends; page `failAt` fails. */
function scriptedSource(pages: number, options: { sequential?: boolean; failAt?: number } = {}) {
  const events: string[] = [];
  const source: Source = {
    sequential: options.sequential ?? false,
    async read(checkpoint: Checkpoint | null): Promise<SourcePage> {
      const index = checkpoint ? Number(checkpoint.page) : 0;
      events.push(`read ${index}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (index === options.failAt) throw new Error(`page ${index} could not be read`);
      events.push(`read ${index} done`);
      return { documents: [], next: index + 1 < pages ? { page: index + 1 } : null };
    },
  };
  return { source, events };
}

function handlerLogging(events: string[], options: { stopAfter?: number } = {}) {
  return async (page: SourcePage) => {
    const index = page.next ? Number(page.next.page) - 1 : 'last';
    events.push(`commit ${index}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
    events.push(`commit ${index} done`);
    return index !== options.stopAfter;
  };
}

describe('reading pages ahead of the writer', () => {
  it('reads the next page while the current one commits, and commits them in order', async () => {
    const { source, events } = scriptedSource(3);
    await readPagesAhead(source, null, { more: () => true }, handlerLogging(events));
    expect(events.filter((event) => event.startsWith('commit') && !event.endsWith('done'))).toEqual(['commit 0', 'commit 1', 'commit last']);
    // Page 1's read starts before page 0's commit ends: two pages in flight.
    expect(events.indexOf('read 1')).toBeLessThan(events.indexOf('commit 0 done'));
    expect(events.indexOf('commit 0 done')).toBeLessThan(events.indexOf('commit 1'));
    expect(events.filter((event) => /^read \d$/.test(event))).toEqual(['read 0', 'read 1', 'read 2']);
  });

  it('reads a sequential source’s next page only after the page before it committed', async () => {
    const { source, events } = scriptedSource(3, { sequential: true });
    await readPagesAhead(source, null, { more: () => true }, handlerLogging(events));
    expect(events.indexOf('commit 0 done')).toBeLessThan(events.indexOf('read 1'));
    expect(events.indexOf('commit 1 done')).toBeLessThan(events.indexOf('read 2'));
  });

  it('reads no page it will not commit once told to stop, and resumes from the checkpoint it was given', async () => {
    const { source, events } = scriptedSource(10);
    let handled = 0;
    await readPagesAhead(source, { page: 4 }, { more: () => handled < 2 }, async () => {
      handled += 1;
      return true;
    });
    expect(handled).toBe(3);
    expect(events.filter((event) => /^read \d$/.test(event))).toEqual(['read 4', 'read 5', 'read 6']);
  });

  it('stops when the handler refuses a page, without reading further', async () => {
    const { source, events } = scriptedSource(10);
    await readPagesAhead(source, null, { more: () => true }, handlerLogging(events, { stopAfter: 1 }));
    expect(events.filter((event) => event.startsWith('commit') && !event.endsWith('done'))).toEqual(['commit 0', 'commit 1']);
    // Page 2 was read ahead while page 1 committed, and is dropped.
    expect(events.filter((event) => /^read \d$/.test(event))).toEqual(['read 0', 'read 1', 'read 2']);
  });

  it('commits the page before a failed read, then fails with the read’s error', async () => {
    const { source, events } = scriptedSource(5, { failAt: 2 });
    await expect(readPagesAhead(source, null, { more: () => true }, handlerLogging(events))).rejects.toThrow('page 2 could not be read');
    expect(events.filter((event) => event.startsWith('commit') && event.endsWith('done'))).toEqual(['commit 0 done', 'commit 1 done']);
  });
});
