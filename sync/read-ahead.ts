import type { Checkpoint, Source, SourcePage } from '../connectors/source.ts';

/**
 * Hands a source's pages to `handle` in order, from `from`, reading the next page while the current
 * one is handled (two pages in flight), unless the source is `sequential`. Pages are still handled
 * one after another, so each commits after the one before it and a crash resumes at a committed
 * checkpoint. Before each next page, `more()` says whether to go on: when it says no, no page is
 * read that would not be handled. Stops when `handle` returns false or the source has no next page.
 * @example await readPagesAhead(source, null, { more: () => Date.now() < deadline }, commitPage)
 */
export async function readPagesAhead(
  source: Source,
  from: Checkpoint | null,
  options: { more: () => boolean },
  handle: (page: SourcePage) => Promise<boolean>,
): Promise<void> {
  let pending: Promise<SourcePage> = source.read(from);
  for (;;) {
    const page: SourcePage = await pending;
    const next = page.next && options.more() ? page.next : null;
    const ahead = next && !source.sequential ? source.read(next) : undefined;
    // Its failure is met when the page is awaited; left unhandled meanwhile, Node would end the process.
    ahead?.catch(() => undefined);
    if (!(await handle(page)) || !next) return;
    pending = ahead ?? source.read(next);
  }
}
