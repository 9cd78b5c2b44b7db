import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiInPage, launchChromium, pagePerTest, screenshot } from '../../../studio/test/browser/support/browser';
import { openStudio } from '../../../studio/test/browser/support/sign-in';
import { startStudioServer, type StudioServer } from '../../../studio/test/browser/support/studio-server';
import { accountNames, day, drop, fieldAccounts, signalsFromCsv, won, count } from './churn-csv';

/**
 * Issue 18 (second part) in Chromium on the demo data: the at-risk page (flagged accounts with
 * their reasons and the backtest, as the raw CSV says), a deal collision (撞单) on the deal
 * page and the account's 360° panel, and merging a duplicate account from its page and undoing
 * it, in en and zh-CN.
 */
describe('crm at-risk page and deal collisions in chromium', () => {
  let server: StudioServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    browser = await launchChromium();
    server = await startStudioServer({ demo: true });
    // Merges run as plugin jobs: the plugin workers run, as in the runtime.
    await server.platform.plugins.startWorkers();
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await server?.platform.plugins.stopWorkers();
    await server?.close();
  });
  pagePerTest(() => browser, { width: 1360, height: 900 }, (p) => (page = p));

  it('lists the accounts at risk with their reasons and the backtest numbers, in en and zh-CN', async () => {
    await openStudio(page, `${server.url}/p/crm/at-risk`, server.demoPassword);
    await page.getByTestId('crm-at-risk').waitFor();
    await page.getByLabel('Signals at').fill('2017-12-15');
    const at = day('2017-12-15');
    const flagged = accountNames.filter((a) => signalsFromCsv(a, at).length > 0);
    await expect.poll(() => page.locator('[data-testid="at-risk-accounts"] tr[data-account]').count(), { timeout: 30_000 }).toBe(flagged.length);
    expect(await page.getByTestId('at-risk-accounts').locator('h2').textContent()).toBe(`${flagged.length} of ${85 + fieldAccounts.length} accounts flagged on Dec 15, 2017`);
    // One account's reasons, as the CSV says.
    const one = flagged[0] as string;
    const row = page.locator(`tr[data-account="${one}"]`);
    expect(await row.locator('li[data-signal]').evaluateAll((els) => els.map((e) => e.getAttribute('data-signal')))).toEqual(signalsFromCsv(one, at));
    expect(await row.getAttribute('data-risk')).toBe(signalsFromCsv(one, at).length >= 2 ? 'high' : 'medium');
    // The backtest: Q4 2017, precision and lift of the won-value outcome from plain arithmetic.
    const cut = day('2017-10-01');
    const end = day('2018-01-01');
    const atCut = accountNames.filter((a) => signalsFromCsv(a, cut).length > 0);
    const positive = accountNames.filter((a) => {
      const base = won(a, cut - drop.previousWindows * (end - cut), cut) / drop.previousWindows;
      return base > 0 && won(a, cut, end) < (1 - drop.drop) * base;
    });
    const tp = positive.filter((a) => atCut.includes(a)).length;
    const bt = page.getByTestId('at-risk-backtest');
    expect(await bt.locator('p').first().textContent()).toBe(`Signals taken on Oct 1, 2017, outcomes from then to Dec 31, 2017: ${atCut.length} of 85 accounts were flagged.`);
    const drops = bt.locator('tr[data-outcome="won_value_drop"]');
    expect(await drops.locator('[data-field="positives"]').textContent()).toBe(String(positive.length));
    expect(await drops.locator('[data-field="precision"]').textContent()).toBe(new Intl.NumberFormat('en', { style: 'percent', maximumFractionDigits: 1 }).format(tp / atCut.length));
    expect(await drops.locator('[data-field="lift"]').textContent()).toBe(`${new Intl.NumberFormat('en', { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(tp / atCut.length / (positive.length / 85))}×`);
    // Every demo account wins something every quarter: no case of the "no won deal" outcome.
    expect(accountNames.filter((a) => count(a, 'Won', cut, end) === 0)).toHaveLength(0);
    expect(await bt.locator('tr[data-outcome="no_won_deal"] [data-field="lift"]').textContent()).toBe('n/a');
    await screenshot(page, 'crm-at-risk-en');

    await page.getByLabel('Language').first().selectOption('zh-CN');
    await page.getByRole('heading', { name: '流失风险客户' }).waitFor();
    await bt.getByText('提升度').waitFor();
    expect(await page.getByTestId('at-risk-accounts').locator('h2').textContent()).toContain(`${85 + fieldAccounts.length} 个客户中有 ${flagged.length} 个被预警`);
    await screenshot(page, 'crm-at-risk-zh-CN');
  });

  it('shows a deal collision on the deal page and the account 360° panel, in en and zh-CN', async () => {
    await openStudio(page, `${server.url}/records/crm.account`, server.demoPassword);
    const account = await apiInPage<{ id: string }>(page, 'POST', '/api/records/crm.account', { data: { name: 'Collision Browser Ltd', status: 'active' }, owner: 'moses-frase' });
    expect(account.status).toBe(201);
    const deal = await apiInPage<{ id: string }>(page, 'POST', '/api/records/pipeline.deal', { data: { name: 'Darcel on Moses account', account_id: account.body.id }, owner: 'darcel-schlecht' });
    expect(deal.status).toBe(201);
    await page.goto(`${server.url}/records/pipeline.deal/${deal.body.id}`);
    const panel = page.getByTestId('deal-collision');
    await panel.waitFor({ timeout: 30_000 });
    expect(await panel.getByRole('alert').textContent()).toBe("This deal's account is owned by Moses Frase, not by the deal's owner. Open the account");
    expect(await page.getByTestId('record-computed').textContent()).toContain('Deal collision withMoses Frase');
    await screenshot(page, 'crm-deal-collision-en');
    await page.goto(`${server.url}/records/crm.account/${account.body.id}`);
    const list = page.getByTestId('overview-collisions');
    await list.waitFor({ timeout: 30_000 });
    expect(await list.textContent()).toContain('Deal collisions (deals of other reps on this account): 1');
    expect(await list.textContent()).toContain("Darcel on Moses account · Darcel Schlecht's deal");
    await screenshot(page, 'crm-account-collision-en');

    await page.getByLabel('Language').first().selectOption('zh-CN');
    await list.getByText('撞单（其他销售在此客户上的商机）：1').waitFor();
    await page.goto(`${server.url}/records/pipeline.deal/${deal.body.id}`);
    await page.getByTestId('deal-collision').getByText('此商机所属客户由 Moses Frase 负责，而非此商机的负责人。').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('record-computed').textContent()).toContain('撞单对象Moses Frase');
    await screenshot(page, 'crm-deal-collision-zh-CN');
    // Both managers were notified (Dustin Brinkmann manages Moses, Melvin Marxen Darcel).
    const notes = await server.platform.database.db.selectFrom('notifications').select(['user_id', 'kind']).where('kind', '=', 'pipeline.deal_collision').execute();
    expect(notes.map((n) => n.user_id).sort()).toEqual(['dustin-brinkmann', 'melvin-marxen']);
  });

  it('merges a look-alike account from the account page and undoes it, in en and zh-CN', async () => {
    await openStudio(page, `${server.url}/records/crm.account`, server.demoPassword);
    const isdom = (await apiInPage<{ items: { id: string }[] }>(page, 'GET', '/api/records/crm.account?filter[name]=Isdom')).body.items[0]?.id as string;
    const dup = await apiInPage<{ id: string }>(page, 'POST', '/api/records/crm.account', { data: { name: 'ISDOM Ltd', status: 'active', dedupe_override: { confirm: true } } });
    expect(dup.status).toBe(201);
    const contact = await apiInPage<{ id: string }>(page, 'POST', '/api/records/crm.contact', { data: { first_name: 'Dana', last_name: 'Duplicate', email: 'dana.duplicate@isdom.example', account_id: dup.body.id } });
    expect(contact.status).toBe(201);
    const contactAccount = async () => (await apiInPage<{ data: { account_id: string } }>(page, 'GET', `/api/records/crm.contact/${contact.body.id}`)).body.data.account_id;

    await page.goto(`${server.url}/records/crm.account/${isdom}`);
    const panel = page.getByTestId('merge-panel');
    const candidate = panel.locator('li[data-candidate="ISDOM Ltd"]');
    await candidate.waitFor({ timeout: 30_000 });
    await candidate.getByRole('button', { name: 'Merge into this account' }).click();
    const confirm = panel.getByRole('alertdialog', { name: 'Confirm the merge' });
    expect(await confirm.textContent()).toContain('Merge "ISDOM Ltd" into "Isdom"?');
    await screenshot(page, 'crm-merge-confirm-en');
    await confirm.getByRole('button', { name: 'Merge', exact: true }).click();
    await page.locator('[data-testid="merge-status"][data-status="done"]').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('merge-status').textContent()).toContain('Merged "ISDOM Ltd" into this account. You can undo it until');
    expect(await contactAccount()).toBe(isdom);
    expect((await apiInPage(page, 'GET', `/api/records/crm.account/${dup.body.id}`)).status).toBe(404);
    // The 360° panel counts the contact that moved here.
    const contacts = (await apiInPage<{ items: unknown[] }>(page, 'GET', `/api/records/crm.contact?filter[account_id]=${isdom}&limit=200`)).body.items.length;
    await expect.poll(async () => Number(await page.locator('[data-testid="overview-counts"] [data-count="contacts"]').getAttribute('data-value')), { timeout: 15_000 }).toBe(contacts);
    await screenshot(page, 'crm-merge-done-en');

    await page.getByTestId('merge-status').getByRole('button', { name: 'Undo the merge' }).click();
    await page.locator('[data-testid="merge-status"][data-status="undone"]').waitFor({ timeout: 60_000 });
    expect(await contactAccount()).toBe(dup.body.id);
    expect((await apiInPage(page, 'GET', `/api/records/crm.account/${dup.body.id}`)).status).toBe(200);

    await page.getByLabel('Language').first().selectOption('zh-CN');
    await page.getByTestId('merge-status').getByText('合并已撤销：「ISDOM Ltd」及其相关记录已恢复。').waitFor();
    await screenshot(page, 'crm-merge-undone-zh-CN');
    await page.reload();
    await panel.locator('li[data-candidate="ISDOM Ltd"]').getByRole('button', { name: '合并到本客户' }).waitFor({ timeout: 30_000 });
  });
});
