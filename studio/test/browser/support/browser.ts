import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterEach, beforeEach, expect } from 'vitest';
import { ARTIFACTS_DIR } from './studio-server';

/** Debian's chromium, installed by `apt-get install chromium` (and by `.ci/run`). */
export const CHROMIUM = process.env.PIPEWRIGHT_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Launches headless Debian chromium; fails with a clear message when it is not installed
 * (browser tests are never skipped silently).
 *
 * @example
 * ```ts
 * const browser = await launchChromium();
 * ```
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium is missing at ${CHROMIUM}: the studio's browser tests need it. Install it with \`apt-get update && apt-get install -y chromium\` (CI's .ci/run does), or point PIPEWRIGHT_CHROMIUM at a chromium binary.`);
  }
  return chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
}

/** Problems the page reported: uncaught errors and CSP violations. */
export interface PageProblems {
  errors: string[];
}

/**
 * Records uncaught page errors and console errors (CSP violations among them) of a page.
 *
 * @example
 * ```ts
 * const problems = watchPage(page);
 * expect(problems.errors).toEqual([]);
 * ```
 */
export function watchPage(page: Page): PageProblems {
  const problems: PageProblems = { errors: [] };
  page.on('pageerror', (err) => problems.errors.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const text = msg.text();
    // failed API calls the test provokes on purpose are not page problems
    if (/Failed to load resource: the server responded with a status of (4\d\d)/.test(text)) return;
    problems.errors.push(`console: ${text}`);
  });
  return problems;
}

/**
 * Saves a full-page screenshot under `test-artifacts/studio/`.
 *
 * @example
 * ```ts
 * await screenshot(page, 'deal-list');
 * ```
 */
export async function screenshot(page: Page, name: string): Promise<string> {
  const path = `${ARTIFACTS_DIR}${name}.png`;
  await page.screenshot({ path, fullPage: true });
  return path;
}

/**
 * A fresh browser context and page for every test of the file (given to `use`), watched for
 * page errors: after each test the page must have logged none, and a failed test leaves a
 * screenshot in the artifacts folder.
 *
 * @example
 * ```ts
 * let page: Page;
 * pagePerTest(() => browser, { width: 1280, height: 860 }, (p) => (page = p));
 * ```
 */
export function pagePerTest(browser: () => Browser, viewport: { width: number; height: number }, use: (page: Page) => void): void {
  let context: BrowserContext | undefined;
  let page: Page | undefined;
  let problems: PageProblems | undefined;
  beforeEach(async () => {
    context = await browser().newContext({ viewport, locale: 'en-US' });
    page = await context.newPage();
    problems = watchPage(page);
    use(page);
  });
  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail' && page) await screenshot(page, `failed-${ctx.task.name.slice(0, 40).replace(/\W+/g, '-')}`).catch(() => undefined);
    await context?.close();
    const errors = problems?.errors ?? [];
    expect(errors, errors.join('\n')).toEqual([]);
  });
}

/**
 * Calls the API from inside the page, with the session cookie and CSRF header the studio would
 * send, so test setup works with and without authentication.
 *
 * @example
 * ```ts
 * const account = await apiInPage(page, 'POST', '/api/records/crm.account', { data: { name: 'Acme' } });
 * ```
 */
export async function apiInPage<T>(page: Page, method: string, path: string, json?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: T }> {
  return page.evaluate(
    async ([m, p, j, h]) => {
      const csrf = document.cookie.split(';').map((c) => c.trim()).find((c) => c.startsWith('pw_csrf='))?.slice('pw_csrf='.length);
      const res = await fetch(p, {
        method: m,
        credentials: 'same-origin',
        headers: { ...(j === undefined ? {} : { 'content-type': 'application/json' }), ...(csrf ? { 'x-csrf-token': decodeURIComponent(csrf) } : {}), ...h },
        ...(j === undefined ? {} : { body: JSON.stringify(j) }),
      });
      const text = await res.text();
      return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
    },
    [method, path, json, headers] as const,
  );
}
