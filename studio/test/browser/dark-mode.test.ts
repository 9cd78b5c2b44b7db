import type { Browser, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { seriousViolations } from './support/axe';
import { pagePerTest, screenshot } from './support/browser';
import { studioWithAdmin } from './support/studio-with-admin';
import { openStudio } from './support/sign-in';
import type { StudioServer } from './support/studio-server';

const OPS = { email: 'ops@dark-mode.test', password: 'a long passphrase for the ops admin 42' };
const BOARD = '/board/pipeline.deal';
const DARK_BG = 'rgb(15, 20, 26)';
const LIGHT_BG = 'rgb(246, 247, 249)';

/**
 * Dark mode (issue 20): the studio follows the system's colour scheme unless the user picks
 * light or dark in the header (kept in the browser), with the same visual tokens; the board in
 * dark mode has no serious or critical axe violations, in English and Chinese.
 */
describe('dark mode in chromium', () => {
  let server: StudioServer;
  let browser: Browser;
  let page: Page;
  let ops = '';

  studioWithAdmin({ admin: { name: 'Dana Dark', email: OPS.email, password: OPS.password } }, (s) => ({ browser, server, adminId: ops } = s));
  beforeAll(async () => {
    const account = (await (await server.api('/api/records/crm.account', { method: 'POST', json: { data: { name: 'Night Works', status: 'active' } } })).json()) as { id: string };
    for (const name of ['Night Works renewal', 'Night Works expansion']) {
      const r = await server.api('/api/records/pipeline.deal', { method: 'POST', json: { data: { name, account_id: account.id, amount: { amount: 9000, currency: 'USD' }, next_step: 'Book the demo' }, owner: ops } });
      expect(r.status, await r.clone().text()).toBe(201);
    }
  }, 240_000);
  pagePerTest(() => browser, { width: 1400, height: 900 }, (p) => (page = p));

  const rootBackground = () => page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
  const openBoard = async () => {
    await openStudio(page, `${server.url}${BOARD}`, OPS.password, OPS.email);
    await page.locator('[data-testid="board"][data-ready="true"]').waitFor({ timeout: 30_000 });
    await page.locator('[data-testid="deal-card"]').first().waitFor();
  };

  it('follows a dark system scheme, and the board then has no serious or critical axe violations', async () => {
    await page.emulateMedia({ colorScheme: 'dark' });
    await openBoard();
    expect(await rootBackground()).toBe(DARK_BG);
    expect(await page.getByLabel('Theme').inputValue()).toBe('system');
    const card = await page.locator('[data-testid="deal-card"]').first().evaluate((c) => getComputedStyle(c).backgroundColor);
    expect(card).toBe('rgb(26, 33, 41)');
    await screenshot(page, 'board-dark');
    expect(await seriousViolations(page)).toEqual([]);
    // the check can fail: dark grey text on the dark panel is a contrast violation
    await page.evaluate(() => { const p = document.createElement('p'); p.textContent = 'barely legible'; p.style.color = '#2a2f36'; p.style.background = '#1a2129'; document.querySelector('.content')?.append(p); });
    expect((await seriousViolations(page)).map((v) => v.id)).toContain('color-contrast');
  });

  it('keeps the user\'s choice over the system\'s: dark on a light system, after a reload too, and back to the system', async () => {
    await page.emulateMedia({ colorScheme: 'light' });
    await openBoard();
    expect(await rootBackground()).toBe(LIGHT_BG);
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByLabel('Theme').selectOption('dark');
    await expect.poll(() => rootBackground()).toBe(DARK_BG);
    await page.reload();
    await page.locator('[data-testid="board"][data-ready="true"]').waitFor({ timeout: 30_000 });
    expect(await rootBackground()).toBe(DARK_BG);
    expect(await page.getByLabel('Theme').inputValue()).toBe('dark');
    // light chosen on a dark system wins too
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.getByLabel('Theme').selectOption('light');
    await expect.poll(() => rootBackground()).toBe(LIGHT_BG);
    await page.getByLabel('Theme').selectOption('system');
    await expect.poll(() => rootBackground()).toBe(DARK_BG);
  });

  it('speaks Chinese, and the Chinese board in dark mode has no serious or critical axe violations', async () => {
    await page.emulateMedia({ colorScheme: 'light' });
    await openBoard();
    await page.getByLabel('Language').first().selectOption('zh-CN');
    const theme = page.getByLabel('主题');
    await theme.waitFor();
    expect(await theme.locator('option').allTextContents()).toEqual(['跟随系统', '浅色', '深色']);
    await theme.selectOption('dark');
    await expect.poll(() => rootBackground()).toBe(DARK_BG);
    await screenshot(page, 'board-dark-zh');
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByLabel('语言').first().selectOption('en');
  });
});
