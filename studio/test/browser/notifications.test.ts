import type { Browser, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { systemPrincipal } from '../../../runtime/src/auth/principal';
import { pagePerTest, screenshot } from './support/browser';
import { studioWithAdmin } from './support/studio-with-admin';
import { openStudio } from './support/sign-in';
import type { StudioServer } from './support/studio-server';

const OPS = { email: 'ops@notifications.test', password: 'a long passphrase for the ops admin 42' };

/**
 * The notification centre in Chromium: the header bell counts unread notifications, the page
 * lists them newest first in the studio's language, "Mark as read" and opening a notification's
 * record mark it read and the bell follows, "Mark all as read" empties the count.
 */
describe('notifications in chromium', () => {
  let server: StudioServer;
  let browser: Browser;
  let page: Page;
  let ops = '';
  let accountId: string;

  studioWithAdmin({ admin: { name: 'Ops Admin', email: OPS.email, password: OPS.password } }, (s) => ({ browser, server, adminId: ops } = s));
  beforeAll(async () => {
    const account = await server.api('/api/records/crm.account', { method: 'POST', json: { data: { name: 'Bell Industries', status: 'active' } } });
    expect(account.status).toBe(201);
    accountId = ((await account.json()) as { id: string }).id;
    const notes = server.platform.plugins.services('crm', systemPrincipal('test')).notifications;
    await notes.send({ users: [ops], kind: 'welcome', key: 'welcome', title: { en: 'Welcome to Pipewright', 'zh-CN': '欢迎使用 Pipewright' }, body: { en: 'Your workspace is ready.', 'zh-CN': '您的工作区已就绪。' } });
    await new Promise((r) => setTimeout(r, 20));
    await notes.send({ users: [ops], kind: 'follow-up', key: 'follow-up', title: { en: 'Follow up with Bell Industries', 'zh-CN': '跟进 Bell Industries' }, record: { id: accountId, type: 'crm.account' } });
    await new Promise((r) => setTimeout(r, 20));
    await notes.send({ users: [ops], kind: 'digest', key: 'digest', title: { en: 'Weekly digest', 'zh-CN': '每周摘要' } });
  }, 240_000);
  pagePerTest(() => browser, { width: 1200, height: 800 }, (p) => (page = p));

  const bell = () => page.getByTestId('notification-bell');
  const items = () => page.locator('[data-notification]');

  it('counts unread in the bell, lists them in both languages, and marks them read', async () => {
    await openStudio(page, `${server.url}/`, OPS.password, OPS.email);
    await expect.poll(() => bell().getAttribute('data-unread'), { timeout: 20_000 }).toBe('3');
    expect(await bell().textContent()).toContain('3');
    await bell().click();
    await page.getByRole('heading', { name: 'Notifications' }).waitFor();
    await expect.poll(() => items().locator('.notification-title').allTextContents()).toEqual(['Weekly digest', 'Follow up with Bell Industries', 'Welcome to Pipewright']);
    expect(await page.getByTestId('notifications-unread').textContent()).toBe('3 unread');
    await screenshot(page, 'notifications-en');

    await page.getByLabel('Language').first().selectOption('zh-CN');
    await page.getByRole('heading', { name: '通知' }).waitFor();
    await expect.poll(() => items().locator('.notification-title').allTextContents()).toEqual(['每周摘要', '跟进 Bell Industries', '欢迎使用 Pipewright']);
    expect(await items().nth(2).locator('p').textContent()).toBe('您的工作区已就绪。');
    await screenshot(page, 'notifications-zh');

    // mark one read: its item and the bell follow
    await items().nth(0).getByRole('button', { name: '标为已读' }).click();
    await expect.poll(() => items().nth(0).getAttribute('data-read')).toBe('true');
    await expect.poll(() => bell().getAttribute('data-unread')).toBe('2');

    // opening a notification's record marks it read and shows the record
    await items().nth(1).getByRole('link', { name: '跟进 Bell Industries' }).click();
    await page.waitForURL(`**/records/crm.account/${accountId}`);
    await page.getByText('Bell Industries').first().waitFor();
    await expect.poll(() => bell().getAttribute('data-unread')).toBe('1');

    await bell().click();
    await page.getByLabel('只看未读').check();
    await expect.poll(() => items().locator('.notification-title').allTextContents()).toEqual(['欢迎使用 Pipewright']);
    await page.getByRole('button', { name: '全部标为已读' }).click();
    await expect.poll(() => bell().getAttribute('data-unread')).toBe('0');
    await page.getByText('没有未读通知。').waitFor();
    expect(await page.getByTestId('notifications-unread').textContent()).toBe('0 条未读');
    await screenshot(page, 'notifications-read-zh');
  });
});
