import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_PASSWORD, emailOf } from '../../../runtime/test/harness';
import { launchChromium, pagePerTest, screenshot } from '../../../studio/test/browser/support/browser';
import { openStudio } from '../../../studio/test/browser/support/sign-in';
import { startStudioServer, type StudioServer } from '../../../studio/test/browser/support/studio-server';
import { BASE, type ContractView, wonDeal } from './contracts.test-support';

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

/**
 * Contracts in Chromium against the real runtime (PGlite): the rep sees the won deal's contract
 * on the deal page with its overdue badge, records a partial payment and asks for a lower value;
 * the manager finds it in the contracts list (overdue filter) and approves the change on the
 * contract page; in zh-CN the list, the contract and a refused payment read in Chinese.
 */
describe('contracts in chromium', () => {
  let server: StudioServer;
  let browser: Browser;
  let page: Page;
  let deal: { id: string };
  let contract: ContractView;

  beforeAll(async () => {
    browser = await launchChromium();
    server = await startStudioServer({ demo: false, env: { PIPEWRIGHT_JOB_POLL_SECONDS: '0.5' } });
    await server.seedOrg();
    await server.platform.processes.startWorkers(2);
    const db = server.platform.database.db;
    for (const [id, name] of [['rick-rep', 'Rick Rao'], ['mia-manager', 'Mia Ma']] as const) await db.updateTable('users').set({ name }).where('id', '=', id).execute();
    // Won 100 days ago: instalments due 70, 40 and 10 days ago, all overdue.
    const won = await wonDeal(server, server.as('rep', 'token').api, { value: 9000, closeDate: day(-100), name: 'Lumen Robotics · GTX Pro' });
    deal = won.deal;
    contract = won.contract;
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  pagePerTest(() => browser, { width: 1360, height: 1000 }, (p) => (page = p));

  it('the rep records a partial payment on the deal page and asks for a lower value', async () => {
    await openStudio(page, `${server.url}/records/pipeline.deal/${deal.id}`, TEST_PASSWORD, emailOf('rep'));
    const panel = page.getByTestId('deal-contract');
    await panel.getByTestId('contract-card').waitFor({ timeout: 20_000 });
    expect(await panel.getByTestId('contract-value').textContent()).toBe('$9,000.00');
    expect(await panel.getByTestId('contract-overdue').textContent()).toBe('Overdue 70 d');
    expect(await panel.getByTestId('contract-overdue-amount').textContent()).toBe('$9,000.00 overdue, oldest 70 days');
    const form = panel.getByTestId('payment-form');
    await form.getByLabel('Amount').fill('1,000');
    await form.getByLabel('Instalment').selectOption({ index: 1 });
    await form.getByLabel('Reference').fill('TT-2026-118');
    await form.getByRole('button', { name: 'Record payment' }).click();
    await expect.poll(() => panel.getByTestId('contract-message').textContent()).toBe('Payment recorded.');
    expect(await panel.getByTestId('contract-collected').textContent()).toBe('$1,000.00');
    expect(await panel.getByTestId('contract-outstanding').textContent()).toBe('$8,000.00');
    expect(await panel.getByTestId('contract-plan').locator('tbody tr').first().textContent()).toContain('Partly paid');
    expect(await panel.getByTestId('contract-payments').textContent()).toContain('TT-2026-118');
    await screenshot(page, 'contracts-deal-panel-en');

    await panel.getByTestId('change-start').click();
    const change = panel.getByTestId('change-form');
    await change.getByLabel('New value').fill('8000');
    await change.getByLabel('Amount 3').fill('2000');
    await expect.poll(() => change.getByTestId('change-sum').textContent()).toBe('The plan adds up to $8,000.00');
    await change.getByLabel('Reason').fill('Training days dropped from the scope');
    await change.getByRole('button', { name: 'Send for approval' }).click();
    await expect.poll(() => panel.getByTestId('contract-message').textContent()).toBe('Change requested; waiting for approval.');
    expect(await panel.getByTestId('contract-changes').textContent()).toContain('Pending approval');
    expect(await panel.getByTestId('contract-value').textContent()).toBe('$9,000.00');
    await screenshot(page, 'contracts-change-requested-en');
  });

  it('the manager finds it among the overdue contracts and approves the change', async () => {
    await openStudio(page, `${server.url}/p/pipeline/contracts`, TEST_PASSWORD, emailOf('manager'));
    await page.getByRole('heading', { level: 1, name: 'Contracts and collection' }).waitFor();
    await page.getByRole('button', { name: 'Overdue only' }).click();
    const row = page.getByTestId('contracts-list').locator('tbody tr').filter({ hasText: contract.contract.number });
    await row.waitFor();
    expect(await row.textContent()).toContain('Overdue 70 d');
    expect(await row.textContent()).toContain('Lumen Robotics · GTX Pro');
    expect(await row.textContent()).toContain('Rick Rao');
    expect(await page.getByTestId('contracts-total').textContent()).toBe('Contracts: 1 · collected $1,000.00 · outstanding $8,000.00');
    await screenshot(page, 'contracts-list-en');
    await row.getByRole('link', { name: contract.contract.number }).click();
    await page.getByRole('heading', { level: 1, name: `Contract ${contract.contract.number}` }).waitFor();
    const card = page.getByTestId('contract-card');
    await card.getByTestId('change-decision').waitFor();
    await card.getByRole('button', { name: 'Approve and apply' }).click();
    await expect.poll(() => card.getByTestId('contract-message').textContent()).toBe('Change approved and applied.');
    expect(await card.getByTestId('contract-value').textContent()).toBe('$8,000.00');
    expect(await card.getByTestId('contract-outstanding').textContent()).toBe('$7,000.00');
    expect(await card.getByTestId('contract-changes').textContent()).toContain('Approved and applied · requested by Rick Rao · decided by Mia Ma');
    // The payment stays against instalment 1 of the new plan.
    expect(await card.getByTestId('contract-payments').locator('tbody tr td').nth(2).textContent()).toBe('1');
    await screenshot(page, 'contracts-approved-en');
    const v = (await (await server.api(`${BASE}/${contract.contract.id}`)).json()) as ContractView;
    expect(v.contract).toMatchObject({ value: 8000, collected: 1000, outstanding: 7000 });
  });

  it('in zh-CN: the list, the contract, a refused payment and a reversal read in Chinese', async () => {
    await openStudio(page, `${server.url}/p/pipeline/contracts`, TEST_PASSWORD, emailOf('rep'));
    await page.getByLabel('Language').first().selectOption('zh-CN');
    await page.getByRole('heading', { level: 1, name: '合同与回款' }).waitFor();
    const row = page.getByTestId('contracts-list').locator('tbody tr').filter({ hasText: contract.contract.number });
    await row.waitFor();
    expect(await row.textContent()).toContain('逾期 70 天');
    expect(await page.getByTestId('contracts-total').textContent()).toBe('合同 1 份 · 已回款 US$1,000.00 · 待回款 US$7,000.00');
    await screenshot(page, 'contracts-list-zh-CN');
    await row.getByRole('link', { name: contract.contract.number }).click();
    const card = page.getByTestId('contract-card');
    await card.getByTestId('contract-plan').waitFor();
    expect(await card.getByTestId('contract-status').textContent()).toContain('回款中');
    const form = card.getByTestId('payment-form');
    await form.getByLabel('金额').fill('500');
    await form.getByLabel('到账日期').fill(day(30));
    await form.getByRole('button', { name: '登记回款' }).click();
    await expect.poll(() => card.getByTestId('contract-error').textContent()).toContain('回款须在到账后登记：日期不能晚于今天。');
    await form.getByLabel('到账日期').fill(day(0));
    await form.getByRole('button', { name: '登记回款' }).click();
    await expect.poll(() => card.getByTestId('contract-message').textContent()).toBe('回款已登记。');
    expect(await card.getByTestId('contract-collected').textContent()).toContain('1,500.00');
    // The 500 bounces: reversed with a reason, in one row; the figures drop it, the row stays, struck through.
    const bounced = card.getByTestId('contract-payments').locator('tbody tr').filter({ hasText: '500.00' });
    await bounced.getByLabel('冲销原因').fill('银行退票');
    await bounced.getByRole('button', { name: '冲销' }).click();
    await expect.poll(() => card.getByTestId('contract-message').textContent()).toBe('回款已冲销，回款计划与合同数据不再计入该笔回款。');
    expect(await card.getByTestId('contract-collected').textContent()).toContain('1,000.00');
    expect(await bounced.textContent()).toContain('已冲销：银行退票');
    expect(await bounced.getAttribute('data-reversed')).toBe('true');
    await screenshot(page, 'contracts-contract-zh-CN');
  });
});
