import { startLocalServer, type LocalServer } from './http-server.ts';

export interface FakeSite extends LocalServer {
  /** Each request's path and when it arrived (ms since the epoch), in arrival order. */
  arrivals: Array<{ path: string; at: number }>;
}

/**
 * A small web site: links, a sitemap, robots.txt rules, and pages that fail the way real servers
 * do (500 then recovery, 429 with Retry-After, a page that always fails). `delayMs` slows each answer;
 * `crawlDelaySeconds` adds a robots.txt Crawl-delay; `failingPages: false` leaves the failing pages unlinked.
 */
export async function startFakeSite(
  options: { extraPages?: number; delayMs?: number; crawlDelaySeconds?: number; failingPages?: boolean } = {},
): Promise<FakeSite> {
  const attempts = new Map<string, number>();
  const arrivals: FakeSite['arrivals'] = [];
  const extra = Array.from({ length: options.extraPages ?? 0 }, (_, index) => `/extra/${index}`);
  const failing = options.failingPages === false ? '' : '<a href="/flaky">flaky</a> <a href="/limited">limited</a> <a href="/broken">broken</a>';
  const page = (title: string, body: string) => `<!doctype html><html><head><title>${title}</title></head><body>${body}</body></html>`;
  const server = await startLocalServer(async (request, response) => {
    arrivals.push({ path: request.path.split('?')[0] ?? '/', at: Date.now() });
    if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
    const path = request.path.split('?')[0] ?? '/';
    const seen = (attempts.get(path) ?? 0) + 1;
    attempts.set(path, seen);
    const html = (title: string, body: string) => {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'last-modified': 'Mon, 02 Nov 2026 10:00:00 GMT' });
      response.end(page(title, body));
    };
    switch (path) {
      case '/robots.txt':
        response.writeHead(200, { 'content-type': 'text/plain' });
        return response.end(
          `User-agent: *\nDisallow: /private/\n${options.crawlDelaySeconds === undefined ? '' : `Crawl-delay: ${options.crawlDelaySeconds}\n`}`,
        );
      case '/sitemap.xml':
        response.writeHead(200, { 'content-type': 'application/xml' });
        return response.end(
          '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>/d</loc></url></urlset>'.replace(
            '/d',
            `http://${request.headers.host}/d`,
          ),
        );
      case '/':
        return html(
          'Home',
          `<a href="/a">A</a> <a href="b">B</a> <a href="/private/secret">secret</a> <a href="https://elsewhere.example/">out</a> ${failing} ${extra.map((link) => `<a href="${link}">x</a>`).join(' ')}`,
        );
      case '/a':
        return html('Page A', 'Alpha page about onboarding. <a href="/c#section">C</a> <a href="/">home</a>');
      case '/b':
        return html('Page B', 'Beta page about vacation.');
      case '/c':
        return html('Page C', 'Gamma page.');
      case '/d':
        return html('Page D', 'Only the sitemap links here.');
      case '/private/secret':
        return html('Secret', 'Robots said no.');
      case '/flaky':
        if (seen <= 2) {
          response.writeHead(503);
          return response.end('busy');
        }
        return html('Flaky', 'Answers after two failures.');
      case '/limited':
        if (seen === 1) {
          response.writeHead(429, { 'retry-after': '1' });
          return response.end('slow down');
        }
        return html('Limited', 'Answers after a Retry-After.');
      case '/broken':
        response.writeHead(500);
        return response.end('always broken');
      default:
        if (path.startsWith('/extra/')) return html(`Extra ${path}`, `Extra page ${path}.`);
        response.writeHead(404);
        return response.end('not found');
    }
  });
  return { ...server, arrivals };
}
