import type { Browser, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { pagePerTest, screenshot, watchPage } from './support/browser';
import { studioWithAdmin } from './support/studio-with-admin';
import { openStudio } from './support/sign-in';
import type { StudioServer } from './support/studio-server';

const OPS = { email: 'ops@acme.test', password: 'a long passphrase for the ops admin 42' };
const BOARD = '/board/pipeline.deal';

/**
 * The board as a workplace (issue 20): cards in two densities (the comfortable card shows the
 * entity's card fields, a deal's next step among them), moves with the keyboard (handle, Space,
 * arrows, Space), and saved filters, in English and Chinese. No demo: an admin and a few deals.
 */
describe('board densities, keyboard moves and saved filters in chromium', () => {
  let server: StudioServer;
  let browser: Browser;
  let page: Page;
  let ops = '';
  let ready: { id: string; version: number };
  let other: { id: string };
  let opsId: string;

  studioWithAdmin({ admin: { name: 'Ops Admin', email: OPS.email, password: OPS.password } }, (s) => ({ browser, server, adminId: ops } = s));
  beforeAll(async () => {
    opsId = ops;
    const account = (await (await server.api('/api/records/crm.account', { method: 'POST', json: { data: { name: 'Keyboard Works', status: 'active' } } })).json()) as { id: string };
    // ready to enter "engaging": what its entry requires is filled in
    const body = { data: { name: 'Keyboard Works renewal', account_id: account.id, amount: { amount: 12000, currency: 'USD' }, engage_date: '2026-11-02', next_step: 'Send the revised quote' }, owner: ops };
    const r = await server.api('/api/records/pipeline.deal', { method: 'POST', json: body });
    expect(r.status, await r.clone().text()).toBe(201);
    ready = (await r.json()) as { id: string; version: number };
    const o = await server.api('/api/records/pipeline.deal', { method: 'POST', json: { data: { name: 'Someone else\'s deal' } } });
    expect(o.status).toBe(201);
    other = (await o.json()) as { id: string };
    // two calls on the ready deal (the latest is its last touch) and a planned task (not a touch)
    for (const [at, done] of [['2026-10-20T08:00:00Z', true], ['2026-11-01T09:30:00Z', true], ['2026-12-01T09:00:00Z', false]] as const) {
      const a = await server.api('/api/records/crm.activity', { method: 'POST', json: { data: { kind: 'call', subject: 'Call about the quote', occurred_at: at, done, deal_id: ready.id } } });
      expect(a.status, await a.clone().text()).toBe(201);
    }
  }, 240_000);
  pagePerTest(() => browser, { width: 1400, height: 900 }, (p) => (page = p));

  const card = (id: string) => page.locator(`[data-testid="deal-card"][data-deal="${id}"]`);
  const openBoard = async (query = '') => {
    await openStudio(page, `${server.url}${BOARD}${query}`, OPS.password, OPS.email);
    await page.locator('[data-testid="board"][data-ready="true"]').waitFor({ timeout: 30_000 });
  };

  it('shows the card fields in the comfortable density and only title, amount and days in the compact one, and keeps the choice', async () => {
    await openBoard();
    const c = card(ready.id);
    await c.waitFor();
    expect(await c.locator('[data-card-field="next_step"]').textContent()).toBe('Send the revised quote');
    expect(await c.getByTestId('card-amount').textContent()).toBe('$12,000.00');
    await screenshot(page, 'board-density-comfortable');
    await page.locator('#board-density').selectOption('compact');
    await expect.poll(() => c.locator('[data-card-field="next_step"]').count()).toBe(0);
    expect(await c.getByTestId('card-amount').textContent()).toBe('$12,000.00');
    expect(await c.getAttribute('class')).toContain('compact');
    await screenshot(page, 'board-density-compact');
    await page.reload();
    await page.locator('[data-testid="board"][data-ready="true"]').waitFor({ timeout: 30_000 });
    expect(await page.locator('#board-density').inputValue()).toBe('compact');
    expect(await card(ready.id).locator('[data-card-field="next_step"]').count()).toBe(0);
    await page.locator('#board-density').selectOption('comfortable');
    await card(ready.id).locator('[data-card-field="next_step"]').waitFor();
  });

  it('shows each card\'s last touch, dated in the reader\'s language, with one request for the first pages of all columns', async () => {
    const touchRequests: string[] = [];
    page.on('request', (r) => { if (r.url().includes('/touches?')) touchRequests.push(r.url()); });
    await openBoard();
    const touch = card(ready.id).getByTestId('card-touch');
    await expect.poll(() => touch.textContent()).toBe('Last touch Nov 1, 2026');
    expect(await touch.locator('time').getAttribute('datetime')).toBe('2026-11-01T09:30:00.000Z');
    expect(await card(ready.id).locator('[data-card-field="next_step"]').textContent()).toBe('Send the revised quote');
    await expect.poll(() => card(other.id).getByTestId('card-touch').textContent()).toBe('No touch yet');
    expect(touchRequests.length).toBe(1);
    await screenshot(page, 'board-last-touch');
    await page.getByLabel('Language').first().selectOption('zh-CN');
    await expect.poll(() => touch.textContent()).toBe('最近接触 2026年11月1日');
    expect(await card(other.id).getByTestId('card-touch').textContent()).toBe('尚无接触');
    await screenshot(page, 'board-last-touch-zh');
    await page.getByLabel('语言').first().selectOption('en');
  });

  it('moves a card one stage to the right with the keyboard, and Escape cancels a pick-up', async () => {
    await openBoard();
    const problems = watchPage(page);
    expect(await page.locator('[data-testid="column-prospecting"]').locator(`[data-deal="${other.id}"]`).count()).toBe(1);
    // Escape: picked up and put back, nothing moves
    const otherHandle = card(other.id).getByRole('button', { name: /Pick up Someone else's deal/ });
    await otherHandle.focus();
    await page.keyboard.press('Space');
    // dnd-kit's keyboard sensor starts listening for keys in a timer it sets at the pick-up, and
    // Chromium runs input before timers: an arrow sent at once is lost (CI's stops 26 and 27; here
    // about one run in eight, even after the pick-up was announced). So each arrow waits for what a
    // screen-reader user hears first, and then for one timer turn, which runs after dnd-kit's.
    const live = () => page.locator('[id^="DndLiveRegion"]').textContent();
    const listening = () => page.evaluate(() => new Promise<void>((resolve) => setTimeout(resolve, 0)));
    await expect.poll(live).toBe("Someone else's deal is over Prospecting.");
    await listening();
    await page.keyboard.press('ArrowRight');
    await expect.poll(live).toBe("Someone else's deal is over Engaging / Qualified.");
    await page.keyboard.press('Escape');
    // dnd-kit's live region announces it (the board's own announcements, in the reader's language)
    await expect.poll(live).toBe("Moving Someone else's deal was cancelled.");
    expect(await page.locator('[data-testid="column-prospecting"]').locator(`[data-deal="${other.id}"]`).count()).toBe(1);

    const handle = card(ready.id).getByRole('button', { name: 'Pick up Keyboard Works renewal to move it with the arrow keys' });
    await handle.focus();
    await page.keyboard.press('Space');
    // as above: the announcement, then one timer turn, then the arrow
    await expect.poll(live).toBe('Keyboard Works renewal is over Prospecting.');
    await listening();
    await page.keyboard.press('ArrowRight');
    await expect.poll(live).toBe('Keyboard Works renewal is over Engaging / Qualified.');
    await page.keyboard.press('Space');
    await expect.poll(() => page.getByTestId('board-status').textContent(), { timeout: 20_000 }).toBe('Moved Keyboard Works renewal to Engaging / Qualified.');
    await page.locator('[data-testid="column-engaging"]').locator(`[data-deal="${ready.id}"]`).waitFor();
    const stored = (await (await server.api(`/api/records/pipeline.deal/${ready.id}`)).json()) as { stage: string; version: number };
    expect(stored.stage).toBe('engaging');
    expect(problems.errors).toEqual([]);
    await screenshot(page, 'board-keyboard-move');
  });

  it('saves the current filters under a name, applies them from the list, and deletes them', async () => {
    await openBoard();
    const views = page.getByRole('form', { name: 'Saved filters' });
    expect(await views.getByLabel('Saved filters').locator('option').allTextContents()).toEqual(['None saved yet']);
    await page.getByRole('search', { name: 'Board filters' }).getByLabel('Search').fill('Keyboard');
    await expect.poll(() => new URL(page.url()).searchParams.get('q')).toBe('Keyboard');
    await views.getByLabel('Save as').fill('Keyboard deals');
    await views.getByRole('button', { name: 'Save filters' }).click();
    await expect.poll(() => views.getByLabel('Saved filters').inputValue()).toBe('Keyboard deals');

    // a fresh board without filters: the saved view brings them back
    await page.goto(`${server.url}${BOARD}`);
    await page.locator('[data-testid="board"][data-ready="true"]').waitFor({ timeout: 30_000 });
    expect(await views.getByLabel('Saved filters').inputValue()).toBe('');
    await views.getByLabel('Saved filters').selectOption('Keyboard deals');
    await expect.poll(() => new URL(page.url()).searchParams.get('q')).toBe('Keyboard');
    await expect.poll(() => card(other.id).count()).toBe(0);
    await card(ready.id).waitFor();
    await screenshot(page, 'board-saved-filters');

    await views.getByRole('button', { name: 'Delete "Keyboard deals"' }).click();
    await expect.poll(() => views.getByLabel('Saved filters').locator('option').allTextContents()).toEqual(['Current filters (not saved)']);
  });

  it('keeps saved filters on the server: another browser sees them, and views this browser kept move there', async () => {
    await openBoard();
    const key = `pipewright.board.views.${opsId}.pipeline.deal`;
    // what an older studio kept in this browser
    await page.evaluate((k) => localStorage.setItem(k, JSON.stringify([{ name: 'Kept in this browser', params: { q: 'Keyboard' } }])), key);
    await page.reload();
    const views = page.getByRole('form', { name: 'Saved filters' });
    await expect.poll(() => views.getByLabel('Saved filters').locator('option').allTextContents()).toEqual(['None saved yet', 'Kept in this browser']);
    expect(await page.evaluate((k) => localStorage.getItem(k), key)).toBeNull();

    // another browser (fresh storage): the view is there
    const other = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    try {
      const second = await other.newPage();
      await openStudio(second, `${server.url}${BOARD}`, OPS.password, OPS.email);
      await second.locator('[data-testid="board"][data-ready="true"]').waitFor({ timeout: 30_000 });
      const there = second.getByRole('form', { name: 'Saved filters' });
      await expect.poll(() => there.getByLabel('Saved filters').locator('option').allTextContents()).toEqual(['None saved yet', 'Kept in this browser']);
      await there.getByLabel('Saved filters').selectOption('Kept in this browser');
      await expect.poll(() => new URL(second.url()).searchParams.get('q')).toBe('Keyboard');
      await screenshot(second, 'board-saved-filters-second-browser');
      await there.getByRole('button', { name: 'Delete "Kept in this browser"' }).click();
      await expect.poll(() => there.getByLabel('Saved filters').locator('option').allTextContents()).toEqual(['Current filters (not saved)']);
    } finally {
      await other.close();
    }
  });

  it('speaks Chinese: densities, saved filters and the handle', async () => {
    await openBoard();
    await page.getByLabel('Language').first().selectOption('zh-CN');
    await page.getByText('卡片', { exact: true }).waitFor();
    expect(await page.locator('#board-density').locator('option').allTextContents()).toEqual(['宽松', '紧凑']);
    expect(await page.getByRole('form', { name: '已保存的筛选' }).getByRole('button', { name: '保存筛选' }).count()).toBe(1);
    expect(await card(other.id).getByRole('button', { name: '拿起 Someone else\'s deal，用方向键移动' }).count()).toBe(1);
    // a saved view in Chinese, kept on the server
    const views = page.getByRole('form', { name: '已保存的筛选' });
    await page.getByRole('search').getByLabel('搜索').fill('Keyboard');
    await expect.poll(() => new URL(page.url()).searchParams.get('q')).toBe('Keyboard');
    await views.getByLabel('另存为').fill('我的键盘商机');
    await views.getByRole('button', { name: '保存筛选' }).click();
    await expect.poll(() => views.getByLabel('已保存的筛选').inputValue()).toBe('我的键盘商机');
    await screenshot(page, 'board-workplace-zh');
    await views.getByRole('button', { name: '删除“我的键盘商机”' }).click();
    await expect.poll(() => views.getByLabel('已保存的筛选').locator('option').allTextContents()).toEqual(['当前筛选（未保存）']);
  });

  it('is usable on a 390 px phone: no page overflow, columns scroll within the board, a card moves from its menu', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await openBoard();
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(390);
    const board = page.getByTestId('board');
    expect(await board.evaluate((b) => b.scrollWidth > b.clientWidth)).toBe(true);
    const c = card(other.id);
    await c.waitFor();
    const box = await c.boundingBox();
    expect(box && box.x >= 0 && box.x + box.width <= 390).toBe(true);
    const menu = c.getByTestId('move-menu');
    await menu.focus();
    const engage = menu.locator('option', { hasText: 'Engaging' });
    await engage.first().waitFor({ state: 'attached' });
    await menu.selectOption((await engage.first().getAttribute('value')) ?? '');
    // entering "engaging" needs fields this deal lacks: their form opens in a dialog that fits the phone
    const dialog = page.locator('dialog.move-dialog[open]');
    await dialog.waitFor();
    const d = await dialog.boundingBox();
    expect(d && d.width <= 390).toBe(true);
    await screenshot(page, 'board-phone-390');
  });
});
