import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, screenshot, watchPage } from './support/browser';
import { watchScripts } from './support/scripts';
import { startStudioServer, type StudioServer } from './support/studio-server';

const BUDGET = 250_000;
const BOARD = '/board/pipeline.deal';
const ADMIN = { email: 'budget@acme.test', password: 'a long passphrase for the budget admin 7' };
const INDEX_HTML = fileURLToPath(new URL('../../dist/index.html', import.meta.url));
/** Chunks of what neither sign-in nor the board needs (names rolldown gives them from their modules). */
const NOT_ON_THE_BOARD = /RecordForm|RuleBuilder|DesignerPage|echarts|DashboardPages|RecordDetailPage|OkrPage|PoolPage/;

/**
 * The cold-load budget of issue 20 (ADR 030): in a cold Chromium context, the JavaScript of the
 * sign-in page and of the board, gzip -9 of each script Chromium received, stays within 250 kB,
 * in English and Chinese. The sign-in page loads only the scripts `index.html` names (the app
 * behind the gate is not fetched); the board loads neither the forms, the rule builder, the
 * designer, the dashboards and charts, nor plugin pages.
 */
describe('cold-load JavaScript budget in chromium', () => {
  let server: StudioServer;
  let browser: Browser;
  let firstScreen: string[];
  let deal: string;

  beforeAll(async () => {
    browser = await launchChromium();
    server = await startStudioServer({ demo: false });
    const html = readFileSync(INDEX_HTML, 'utf8');
    firstScreen = [...html.matchAll(/<(?:script[^>]*\ssrc|link[^>]*rel="modulepreload"[^>]*\shref)="([^"]+\.js)"/g)].map((m) => m[1] ?? '').sort();
    expect(firstScreen.length).toBeGreaterThan(0);
    const created = await server.api('/api/users', { method: 'POST', json: { name: 'Budget Admin', email: ADMIN.email, roles: ['admin'], password: ADMIN.password } });
    expect(created.status).toBe(201);
    const owner = ((await created.json()) as { id: string }).id;
    const r = await server.api('/api/records/pipeline.deal', { method: 'POST', json: { data: { name: 'Budget deal', amount: { amount: 5000, currency: 'USD' } }, owner } });
    expect(r.status, await r.clone().text()).toBe(201);
    deal = ((await r.json()) as { id: string }).id;
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  for (const [locale, signIn, nav, dealBoard] of [['en-US', 'Sign in', 'Main navigation', 'Deal board'], ['zh-CN', '登录', '主导航', '商机看板']] as const) {
    it(`keeps sign-in and the board within ${BUDGET} bytes gzip (${locale})`, async () => {
      let context: BrowserContext | undefined;
      try {
        // sign-in, cold: only the first screen's scripts
        context = await browser.newContext({ viewport: { width: 1400, height: 900 }, locale });
        const page = await context.newPage();
        const problems = watchPage(page);
        const signInScripts = watchScripts(page);
        await page.goto(`${server.url}${BOARD}`);
        await page.locator('#login-email').waitFor({ timeout: 30_000 });
        await page.waitForLoadState('networkidle');
        const atSignIn = await signInScripts();
        await page.getByRole('button', { name: signIn, exact: true }).waitFor();
        expect(atSignIn.paths).toEqual(firstScreen);
        expect(atSignIn.gzip).toBeGreaterThan(0);
        expect(atSignIn.gzip, `sign-in JS ${atSignIn.gzip} bytes gzip`).toBeLessThanOrEqual(BUDGET);

        await page.locator('#login-email').fill(ADMIN.email);
        await page.locator('#login-password').fill(ADMIN.password);
        await page.getByRole('button', { name: signIn, exact: true }).click();
        await page.locator('.shell').waitFor({ timeout: 30_000 });
        const session = await context.storageState();
        expect(problems.errors).toEqual([]);
        await context.close();

        // the board, signed in, cold cache
        context = await browser.newContext({ viewport: { width: 1400, height: 900 }, locale, storageState: session });
        const board = await context.newPage();
        const boardProblems = watchPage(board);
        const boardScripts = watchScripts(board);
        await board.goto(`${server.url}${BOARD}`);
        await board.locator('[data-testid="board"][data-ready="true"]').waitFor({ timeout: 30_000 });
        await board.locator(`[data-testid="deal-card"][data-deal="${deal}"]`).waitFor();
        // the shell in the reader's language, with the plugins' menus (their eager manifests)
        await board.getByRole('navigation', { name: nav }).getByRole('link', { name: dealBoard, exact: true }).waitFor();
        await board.waitForLoadState('networkidle');
        const atBoard = await boardScripts();
        await screenshot(board, `cold-load-board-${locale}`);
        expect(atBoard.paths.filter((p) => NOT_ON_THE_BOARD.test(p))).toEqual([]);
        expect(atBoard.paths).toEqual(expect.arrayContaining(firstScreen));
        expect(atBoard.gzip, `board JS ${atBoard.gzip} bytes gzip`).toBeLessThanOrEqual(BUDGET);
        expect(boardProblems.errors).toEqual([]);
      } finally {
        await context?.close();
      }
    }, 120_000);
  }
});
