import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../api/app.ts';
import { startControlPlane, type ControlPlane } from '../support/control-plane.ts';
import { startFakeSite, type FakeSite } from '../support/fake-site.ts';
import { serveOnLoopback, type ServedApp } from '../support/served-app.ts';

const screenshots = path.resolve(process.env.CONSOLE_SCREENSHOTS_DIR ?? '.cache/console-screenshots');
const temporalUiUrl = 'http://localhost:8233';

/** The console in a real headless Chromium (Debian's), against the API served over HTTP, a worker and a local web site. */
describe('the web console', () => {
  let plane: ControlPlane;
  let site: FakeSite;
  let app: ReturnType<typeof createApp>;
  let served: ServedApp;
  let browser: Browser;
  let page: Page;
  /** What the page reported as broken: script errors and refused resources (a CSP violation among them). */
  const pageProblems: string[] = [];
  let connectorId: string;

  beforeAll(async () => {
    mkdirSync(screenshots, { recursive: true });
    // Slow answers and many pages, so a sync lasts a few seconds and its bar is seen moving.
    [plane, site, browser] = await Promise.all([
      startControlPlane('sqlite'),
      startFakeSite({ extraPages: 40, delayMs: 60, failingPages: false }),
      chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] }),
    ]);
    app = createApp({ ...plane.deps, temporalUiUrl });
    served = await serveOnLoopback(app);
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.setDefaultTimeout(10_000);
    page.on('pageerror', (error) => pageProblems.push(error.message));
    page.on('console', (message) => {
      // The API's own 4xx answers are logged by Chromium as failed loads; those are expected here.
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) pageProblems.push(message.text());
    });
  });
  afterAll(async () => {
    await browser?.close();
    await served?.close();
    await site?.close();
    await plane?.close();
  });

  const shot = (name: string) => page.screenshot({ path: path.join(screenshots, `${name}.png`), fullPage: true });

  it('serves its files with a strict content security policy, and nothing outside its folder', async () => {
    const index = await fetch(`${served.url}/console/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toContain('text/html');
    expect(index.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(index.headers.get('content-security-policy')).toContain("script-src 'self';");
    expect(index.headers.get('cache-control')).toBe('no-cache');
    const script = await fetch(`${served.url}/console/app.js`);
    expect(script.headers.get('content-type')).toContain('text/javascript');
    expect(await (await fetch(`${served.url}/console/config.json`)).json()).toEqual({ temporalUiUrl, temporalNamespace: 'default' });
    const bare = await fetch(`${served.url}/console`, { redirect: 'manual' });
    expect([bare.status, bare.headers.get('location')]).toEqual([301, '/console/']);

    for (const escape of ['/console/%2e%2e/package.json', '/console/..%2fpackage.json', '/console/../api/app.ts', '/console/nested/app.js']) {
      const response = await app.request(escape);
      expect(response.status, escape).toBe(404);
    }
    expect((await fetch(`${served.url}/console/app.js`, { method: 'POST' })).status).toBe(404);
  });

  it('asks for an API key and refuses a wrong one', async () => {
    await page.goto(`${served.url}/console/`);
    await page.getByLabel('API key').fill('trb_not-a-key-of-this-server');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/key/i);
    await shot('01-sign-in-refused');
    await page.getByLabel('API key').fill(plane.key);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Connectors' }).waitFor();
    expect(await page.locator('.who').textContent()).toContain(plane.workspaceId);
  });

  it('creates a web_scraper connector from its JSON Schema form, showing the API’s complaint beside the field first', async () => {
    await page.getByRole('link', { name: 'New connector' }).first().click();
    await page.getByLabel('Source type').selectOption('web_scraper');
    await page.getByLabel(/^Name\b/).fill('Handbook site');
    await page.getByLabel('Url').fill('not a url');
    await page.getByLabel('Extraction type').selectOption('all');
    await page.getByLabel('Delay ms').fill('0');
    await page.getByRole('button', { name: 'Create connector' }).click();

    const urlError = page.locator('.field[data-path="config.url"] .field-error');
    await urlError.waitFor();
    expect(await urlError.textContent()).toMatch(/url/i);
    expect(await page.getByLabel('Url').getAttribute('aria-invalid')).not.toBeNull();
    await shot('02-form-field-error');
    expect((await plane.request('GET', '/v1/connectors')).body.data).toEqual([]);

    await page.getByLabel('Url').fill(`${site.url}/`);
    await page.getByRole('button', { name: 'Create connector' }).click();
    await page.getByRole('heading', { name: 'Handbook site' }).waitFor();
    connectorId = decodeURIComponent(new URL(page.url()).hash.replace('#/connectors/', ''));
    const stored = (await plane.request('GET', `/v1/connectors/${connectorId}`)).body.data;
    expect(stored).toMatchObject({ type: 'web_scraper', config: { url: `${site.url}/`, extractionType: 'all', delayMs: 0 } });
    await expect.poll(async () => (await plane.request('GET', `/v1/connectors/${connectorId}`)).body.data.state).toBe('connected');
  });

  it('shows a sync’s live progress bar moving to 100 %, with a link to its workflow', async () => {
    await page.getByRole('button', { name: 'Sync now' }).click();
    const bar = page.locator('tr[data-job-id]').first().getByRole('progressbar');
    await bar.waitFor();
    const seen: number[] = [];
    const deadline = Date.now() + 30_000;
    while (seen.at(-1) !== 100 && Date.now() < deadline) {
      const value = await bar.getAttribute('aria-valuenow');
      if (value !== null && Number(value) !== seen.at(-1)) seen.push(Number(value));
      if (seen.length === 1 && seen[0]! < 100) await shot('03-sync-in-progress');
      await page.waitForTimeout(100);
    }
    expect(seen.some((value) => value < 100)).toBe(true);
    expect(seen.at(-1)).toBe(100);
    const row = page.locator('tr[data-job-id]').first();
    await expect.poll(() => row.locator('.badge').first().textContent()).toBe('succeeded');
    expect(await row.locator('.progress-text').textContent()).toMatch(/^100 % · 4\d \/ 4\d read · 4\d indexed$/);

    const jobId = await row.getAttribute('data-job-id');
    const job = (await plane.request('GET', `/v1/connectors/${connectorId}/sync/${jobId}`)).body.data;
    const link = await row.getByRole('link', { name: /Workflow/ }).getAttribute('href');
    expect(link).toBe(`${temporalUiUrl}/namespaces/default/workflows?query=${encodeURIComponent(`WorkflowId="${job.workflowId}"`)}`);
    expect(job.workflowId).toContain(jobId);
    await shot('04-connector-synced');
  });

  it('cancels a running sync from its row', async () => {
    await page.getByRole('button', { name: 'Full sync' }).click();
    const row = page.locator('tr[data-job-id]').first();
    await row.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => row.locator('.badge').first().textContent(), { timeout: 20_000 }).toBe('canceled');
    const jobId = await row.getAttribute('data-job-id');
    expect((await plane.request('GET', `/v1/connectors/${connectorId}/sync/${jobId}`)).body.data.status).toBe('canceled');
    await shot('05-sync-canceled');
  });

  it('lists the connector at a glance', async () => {
    await page.getByRole('link', { name: 'Connectors' }).click();
    const row = page.locator(`tr[data-connector-id="${connectorId}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain('connected');
    await shot('06-connectors');
  });

  it('searches the documents of the connector’s collection', async () => {
    await page.getByRole('link', { name: 'Search', exact: true }).click();
    await page.getByLabel('Collection').fill(connectorId);
    await page.getByRole('searchbox').fill('onboarding');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    const result = page.locator('.document');
    await result.first().waitFor();
    expect(await result.count()).toBe(1);
    expect(await result.first().textContent()).toContain('Page A');
    expect(await result.first().getByRole('link').getAttribute('href')).toBe(`${site.url}/a`);
    await shot('07-search');
    expect(pageProblems).toEqual([]);
  });
});
