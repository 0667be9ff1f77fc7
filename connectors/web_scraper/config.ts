import { z } from 'zod';

export const webScraperConfigSchema = z
  .object({
    url: z.url({ protocol: /^https?$/, message: 'must be an http or https URL' }).meta({ description: 'The page to fetch, or where the crawl starts.' }),
    extractionType: z
      .enum(['single', 'all'])
      .default('single')
      .meta({ description: '`single` fetches only `url`; `all` also follows links and the sitemap of the same site.' }),
    maxPages: z.number().int().min(1).max(100_000).optional().meta({ description: 'Crawl limit for `all` (1000 when absent).' }),
    delayMs: z
      .number()
      .int()
      .min(0)
      .max(60_000)
      .default(500)
      .meta({ description: 'Politeness delay between two requests; a longer robots.txt Crawl-delay wins.' }),
  })
  .strict()
  .meta({ id: 'WebScraperConfig', example: { url: 'https://docs.example.com/', extractionType: 'all', maxPages: 500 } });

export type WebScraperConfig = z.infer<typeof webScraperConfigSchema>;
