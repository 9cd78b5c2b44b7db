import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiInPage, launchChromium, pagePerTest, screenshot } from './support/browser';
import { openStudio } from './support/sign-in';
import { startStudioServer, type StudioServer } from './support/studio-server';

/**
 * The studio in Chromium against the real runtime (PGlite, demo data) serving a fresh
 * production build under the runtime's CSP. One server and one browser for the whole file.
 */
describe('studio in chromium', () => {
  let server: StudioServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    browser = await launchChromium();
    server = await startStudioServer({ demo: true });
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  pagePerTest(() => browser, { width: 1280, height: 860 }, (p) => (page = p));

  it('navigates entity lists: search, sort, paging, detail with history', async () => {
    await openStudio(page, server.url, server.demoPassword);
    const nav = page.getByRole('navigation', { name: 'Main navigation' });
    await nav.getByRole('link', { name: 'Deals' }).click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'records' }).textContent()).toMatch(/8,800 records/);
    expect(await page.locator('table.records tbody tr').count()).toBe(25);

    await page.getByRole('button', { name: 'Expected value' }).click();
    await expect.poll(() => page.locator('th[aria-sort="ascending"]').count()).toBe(1);
    expect(page.url()).toContain('sort=amount');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByText('Page 2').waitFor();

    await page.getByRole('searchbox').fill('Kan-code');
    await page.getByRole('button', { name: 'Search' }).click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'records' }).textContent()).not.toMatch(/8,800/);
    const first = page.locator('table.records tbody tr').first().getByRole('link');
    const name = (await first.textContent()) ?? '';
    expect(name).toContain('Kan-code');
    await screenshot(page, 'list-deals-search');

    await first.click();
    await page.getByRole('heading', { level: 1, name }).waitFor();
    await page.getByRole('heading', { name: 'History', exact: true }).waitFor();
    await page.locator('ol.history li').first().waitFor();
    await screenshot(page, 'record-detail');

    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole('button', { name: 'Menu' }).click();
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Accounts', exact: true }).click();
    await page.locator('table.records tbody tr').first().waitFor();
    await screenshot(page, 'phone-accounts');
  });

  it('shows client and server validation errors on their fields', async () => {
    await openStudio(page, `${server.url}/records/pipeline.deal/new`, server.demoPassword);
    await page.getByRole('button', { name: 'Create' }).click();
    await expect.poll(() => page.locator('#root_name__error').textContent()).toContain('is required');

    const created = await apiInPage<{ id: string; version: number }>(page, 'POST', '/api/records/crm.account', { data: { name: 'Doomed Browser Test Co', status: 'prospect' } });
    expect(created.status).toBe(201);
    await page.locator('#root_name').fill('Deal referring to a deleted account');
    await page.locator('#root_account_id').fill('Doomed Browser');
    await page.getByRole('option', { name: 'Doomed Browser Test Co' }).click();
    const removed = await apiInPage(page, 'DELETE', `/api/records/crm.account/${created.body.id}`, undefined, { 'if-match': `"${created.body.version}"` });
    expect(removed.status).toBe(204);

    await page.getByRole('button', { name: 'Create' }).click();
    const fieldError = page.locator('#root_account_id__error');
    await expect.poll(() => fieldError.textContent()).toContain('no crm.account record with id');
    await page.getByRole('alert').filter({ hasText: 'refers to things that do not exist' }).waitFor();
    await screenshot(page, 'form-server-error');
  });

  it('creates a record with money, date, enum and reference fields', async () => {
    await openStudio(page, `${server.url}/records/pipeline.deal/new`, server.demoPassword);
    await page.locator('#root_name').fill('Browser test deal');
    await page.locator('#root_account_id').fill('Cancity');
    await page.getByRole('option', { name: 'Cancity' }).first().click();
    await page.locator('#root_amount-amount').fill('25000');
    // The currency is picked from a list of the ISO 4217 codes the runtime knows: no free text.
    const currency = page.locator('#root_amount-currency');
    expect(await currency.evaluate((e) => e.tagName)).toBe('SELECT');
    const codes = await currency.locator('option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    expect([...codes].sort()).toEqual(await page.evaluate(() => [...Intl.supportedValuesOf('currency')].sort()));
    expect(codes.slice(0, 3)).toEqual(['USD', 'EUR', 'CNY']);
    expect(codes).not.toContain('DOL');
    expect(await currency.inputValue()).toBe('USD');
    await currency.selectOption('EUR');
    expect(await currency.locator('option:checked').textContent()).toBe('EUR - Euro');
    await screenshot(page, 'money-currency-select');
    await page.locator('#root_expected_close_date').fill('2026-09-30');
    await page.locator('#root_source').selectOption('Referral');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('heading', { level: 1, name: 'Browser test deal' }).waitFor();
    const fields = page.locator('dl.fields').first();
    await expect.poll(() => fields.textContent()).toContain('€25,000.00');
    // The account's name arrives with its own request, possibly after the record itself.
    await expect.poll(() => fields.textContent()).toContain('Cancity');
    await page.locator('ol.history li').filter({ hasText: 'Created' }).waitFor();
    await screenshot(page, 'record-created');
  });

  it('previews a rule on a sample record and shows checker problems on the node', async () => {
    await openStudio(page, `${server.url}/rules/builder`, server.demoPassword);
    await page.locator('.react-flow__node').first().waitFor();
    expect(await page.locator('.react-flow__node').count()).toBe(8);
    await page.getByLabel('Sample record (JSON)').fill(JSON.stringify({ name: 'x', amount: { amount: 50000, currency: 'USD' }, source: 'inbound' }));
    const result = page.getByTestId('rule-result');
    await expect.poll(() => result.textContent()).toContain('Result: true');
    expect(await result.textContent()).toContain('all 2 conditions passed');
    await expect.poll(() => page.getByTestId('rule-node-n/and/0/>=/0').textContent()).toContain('= 50000');
    await screenshot(page, 'rule-builder-preview');

    await page.getByTestId('rule-json').fill(JSON.stringify({ and: [{ '>': [{ var: 'close_date' }, 5] }, true] }));
    await page.getByRole('button', { name: 'Draw from JSON' }).click();
    const bad = page.locator('.rule-node[aria-invalid="true"]');
    await expect.poll(() => bad.count()).toBeGreaterThan(0);
    expect(await result.textContent()).toContain('Fix the problems');
    await screenshot(page, 'rule-builder-problem');
  });

  it('switches to zh-CN and keeps the choice', async () => {
    await openStudio(page, server.url, server.demoPassword);
    await page.getByLabel('Language').first().selectOption('zh-CN');
    await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '首页' }).waitFor();
    await page.reload();
    await page.getByRole('heading', { name: '工作区' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('zh-CN');
    // entity names come from the plugins' zh-CN translations (ADR 017)
    await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '商机', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: '商机' }).waitFor();
    await expect.poll(() => page.getByRole('status').filter({ hasText: '条记录' }).textContent()).toMatch(/条记录/);
    await screenshot(page, 'zh-cn-deals');
    await page.goto(`${server.url}/records/pipeline.deal/new`);
    const currency = page.locator('#root_amount-currency');
    await currency.waitFor();
    expect(await currency.locator('option[value="CNY"]').textContent()).toBe('CNY - 人民币');
    expect(await currency.locator('optgroup').evaluateAll((gs) => gs.map((g) => g.getAttribute('label')))).toEqual(['常用币种', '全部币种（ISO 4217）']);
    await currency.selectOption('CNY');
    await screenshot(page, 'zh-cn-currency-select');
  });
});
