import { startFakeSite } from '../../test/support/fake-site.ts';
import type { ReaderBench } from './reader-source.ts';

/** The fake site's five linked pages. */
const BASE_PAGES = 5;

/** A crawl of the test kit's site with its extra pages, all linked from the home page, with no politeness delay. */
export const web: ReaderBench = {
  name: 'web',
  items: 2000,
  async seed(count) {
    const site = await startFakeSite({ extraPages: Math.max(0, count - BASE_PAGES), failingPages: false });
    return {
      type: 'web_scraper',
      config: { url: `${site.url}/`, extractionType: 'all', maxPages: count + BASE_PAGES, delayMs: 0 },
      close: () => site.close(),
    };
  },
};
