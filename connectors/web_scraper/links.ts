import { Parser } from 'htmlparser2';
import { XMLParser } from 'fast-xml-parser';

/** Absolute http(s) URLs of a page's links, fragments removed. */
export function extractLinks(html: string, base: string): string[] {
  const links = new Set<string>();
  let baseHref = base;
  const parser = new Parser({
    onopentag(name, attributes) {
      if (name === 'base' && attributes.href) baseHref = new URL(attributes.href, base).toString();
      if (name !== 'a' || !attributes.href || attributes.rel?.includes('nofollow')) return;
      const url = normalizeUrl(attributes.href, baseHref);
      if (url) links.add(url);
    },
  });
  parser.write(html);
  parser.end();
  return [...links];
}

export function normalizeUrl(href: string, base: string): string | undefined {
  try {
    const url = new URL(href, base);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
    url.hash = '';
    return url.toString();
  } catch {
    return undefined;
  }
}

/** Page URLs of a sitemap, and nested sitemaps of a sitemap index. */
export function parseSitemap(xml: string): { pages: string[]; sitemaps: string[] } {
  const document = new XMLParser({ ignoreAttributes: true }).parse(xml) as {
    urlset?: { url?: { loc?: string } | Array<{ loc?: string }> };
    sitemapindex?: { sitemap?: { loc?: string } | Array<{ loc?: string }> };
  };
  const locations = (entries: { loc?: string } | Array<{ loc?: string }> | undefined) =>
    ([] as Array<{ loc?: string }>)
      .concat(entries ?? [])
      .map((entry) => entry.loc?.trim())
      .filter((loc): loc is string => Boolean(loc));
  return { pages: locations(document.urlset?.url), sitemaps: locations(document.sitemapindex?.sitemap) };
}
