import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { legacyDeal } from '../../../runtime/test/process/helpers';
import { launchChromium, pagePerTest, screenshot, watchPage } from './support/browser';
import { openStudio } from './support/sign-in';
import { startStudioServer, type StudioServer } from './support/studio-server';

const REP = { id: 'rosa-rep', name: 'Rosa Rep', email: 'rosa@acme.test', password: 'a long passphrase for rosa the rep 42' };
const BOSS = { id: 'mo-manager', name: 'Mo Manager', email: 'mo@acme.test', password: 'a long passphrase for mo the boss 42' };

/**
 * Approvals of record changes (审批, ADR 028 addendum) in Chromium: the rep lowers a deal's
 * expected value by more than 20% on its edit page, which says the change waits for the manager
 * (nothing saved); the manager sees it in "Waiting on me" as the value before and after, and
 * approves (the value is saved) or rejects it; in English and Chinese.
 */
describe('approvals of record changes in chromium', () => {
  let server: StudioServer;
  let browser: Browser;
  let page: Page;
  const deals: Record<string, string> = {};

  beforeAll(async () => {
    browser = await launchChromium();
    server = await startStudioServer({ demo: false });
    await server.seedOrg();
    for (const u of [REP, BOSS]) expect((await server.api('/api/users', { method: 'POST', json: { id: u.id, name: u.name, email: u.email, orgUnit: 't-north-a', roles: [u === REP ? 'rep' : 'manager'], password: u.password } })).status).toBe(201);
    for (const name of ['Budget Cut Co', 'Price War Co']) deals[name] = (await legacyDeal(server, { name, amount: { amount: 50000, currency: 'USD' } }, REP.id, 't-north-a')).id;
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  pagePerTest(() => browser, { width: 1280, height: 900 }, (p) => (page = p));

  const amountOf = async (name: string) => ((await (await server.api(`/api/records/pipeline.deal/${deals[name]}`)).json()) as { data: { amount: { amount: number } } }).data.amount.amount;
  const inChinese = async () => {
    await page.goto(server.url);
    await page.evaluate(() => localStorage.setItem('pipewright.language', 'zh-CN'));
  };
  const cutFromEditPage = async (name: string, save: string) => {
    await openStudio(page, `${server.url}/records/pipeline.deal/${deals[name]}/edit?fields=amount`, REP.password, REP.email);
    const amount = page.locator('#root_amount-amount');
    await amount.waitFor({ timeout: 30_000 });
    await amount.fill('30000');
    await page.getByRole('button', { name: save }).click();
    const held = page.getByTestId('edit-held');
    await held.waitFor({ timeout: 20_000 });
    return held;
  };

  it('holds the rep\'s cut for the manager, who sees it as before and after and approves it; the value is then saved', async () => {
    const problems = watchPage(page);
    const held = await cutFromEditPage('Budget Cut Co', 'Save');
    // every manager nearest the deal's team may approve (the test org has one more in the team)
    expect(await held.textContent()).toMatch(/^Your change waits for approval by (.+, )?Mo Manager(, .+)? \(Expected value lowered by more than 20%\); nothing is saved until they approve\./);
    expect(await amountOf('Budget Cut Co')).toBe(50000);
    await screenshot(page, 'edit-approval-held');
    // The record's page says what waits, so nobody changes it again unaware.
    await page.goto(`${server.url}/records/pipeline.deal/${deals['Budget Cut Co']}`);
    const pending = page.getByTestId('pending-approvals');
    await pending.waitFor({ timeout: 20_000 });
    const line = (await pending.locator('li[data-kind="edit"]').textContent()) ?? '';
    expect(line).toMatch(/^A change \(Expected value lowered by more than 20%\) asked by Rosa Rep waits for .*Mo Manager.*; the record shows the values before it\. Open in Approvals$/);
    // its history names the event in words, not as `approval.request`
    await page.getByRole('region', { name: 'History' }).locator('li[data-event="approval.request"] strong').getByText('Sent for approval', { exact: true }).waitFor();
    await screenshot(page, 'edit-approval-on-record');

    await page.context().clearCookies();
    await openStudio(page, `${server.url}/approvals`, BOSS.password, BOSS.email);
    const item = page.locator('[data-approval]', { hasText: 'Budget Cut Co' });
    await item.waitFor();
    expect(await item.locator('[data-kind="edit"]').textContent()).toBe('Change: Expected value lowered by more than 20% · Waiting');
    const row = item.getByTestId('edit-diff').locator('tr[data-field="amount"]');
    expect(await row.locator('th').textContent()).toBe('Expected value');
    expect(await row.locator('del').textContent()).toBe('$50,000.00');
    expect(await row.locator('ins').textContent()).toBe('$30,000.00');
    expect(await item.textContent()).toContain('Asked by Rosa Rep');
    await screenshot(page, 'edit-approval-waiting');
    await item.getByRole('button', { name: 'Approve' }).click();
    await expect.poll(() => page.getByTestId('approvals-status').textContent()).toBe('The change of Budget Cut Co was approved and saved.');
    expect(await amountOf('Budget Cut Co')).toBe(30000);
    // decided: the record's page has nothing waiting any more
    await page.goto(`${server.url}/records/pipeline.deal/${deals['Budget Cut Co']}`);
    await page.locator('#history-title').waitFor({ timeout: 20_000 });
    await page.waitForLoadState('networkidle');
    expect(((await (await server.api(`/api/approvals?box=record&status=pending&record=${deals['Budget Cut Co']}`)).json()) as { items: unknown[] }).items).toEqual([]);
    expect(await page.getByTestId('pending-approvals').count()).toBe(0);
    expect(problems.errors).toEqual([]);
  });

  it('speaks Chinese: the edit page says who the change waits for, and the manager rejects it with a reason', async () => {
    const problems = watchPage(page);
    await inChinese();
    const held = await cutFromEditPage('Price War Co', '保存');
    expect(await held.textContent()).toMatch(/^您的修改需等待 (.+, )?Mo Manager(, .+)? 审批（预期金额下调超过 20%）；批准前不会保存。/);
    await screenshot(page, 'edit-approval-held-zh');
    await page.goto(`${server.url}/records/pipeline.deal/${deals['Price War Co']}`);
    await page.getByRole('heading', { name: '等待审批' }).waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('pending-approvals').locator('li').textContent()).toMatch(/^Rosa Rep 提出的修改（预期金额下调超过 20%）正等待 .*Mo Manager.* 审批；记录显示的是修改前的值。 ?在审批中打开$/);

    await page.context().clearCookies();
    await openStudio(page, `${server.url}/approvals`, BOSS.password, BOSS.email);
    await page.getByRole('heading', { level: 1, name: '审批' }).waitFor();
    const item = page.locator('[data-approval]', { hasText: 'Price War Co' });
    await item.waitFor();
    expect(await item.locator('[data-kind="edit"]').textContent()).toBe('修改：预期金额下调超过 20% · 待审批');
    expect(await item.getByTestId('edit-diff').locator('thead').textContent()).toBe('字段修改前修改后');
    expect(await item.getByTestId('edit-diff').locator('tr[data-field="amount"] th').textContent()).toBe('预期金额');
    await screenshot(page, 'edit-approval-waiting-zh');
    await item.getByLabel('审批意见（驳回须填写原因）').fill('价格不能再降');
    await item.getByRole('button', { name: '驳回' }).click();
    await expect.poll(() => page.getByTestId('approvals-status').textContent()).toBe('Price War Co 已驳回。');
    expect(await amountOf('Price War Co')).toBe(50000);
    expect(problems.errors).toEqual([]);
  });
});
