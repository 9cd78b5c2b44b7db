import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { legacyDeal } from '../../../runtime/test/process/helpers';
import { launchChromium, pagePerTest, screenshot, watchPage } from './support/browser';
import { openStudio } from './support/sign-in';
import { startStudioServer, type StudioServer } from './support/studio-server';

const REP = { id: 'rita-rep', name: 'Rita Rep', email: 'rita@acme.test', password: 'a long passphrase for rita the rep 42' };
const BOSS = { id: 'max-manager', name: 'Max Manager', email: 'max@acme.test', password: 'a long passphrase for max the boss 42' };

/**
 * Approvals (审批, ADR 027) in Chromium: a big deal's move waits for the manager (the rep sees it
 * sent for approval on the deal page), the manager approves it from "Waiting on me" and the deal
 * moves; a rejection needs a reason and reaches the rep's "My requests"; in English and Chinese.
 */
describe('approvals in chromium', () => {
  let server: StudioServer;
  let browser: Browser;
  let page: Page;
  const deals: Record<string, { id: string; version: number }> = {};

  beforeAll(async () => {
    browser = await launchChromium();
    server = await startStudioServer({ demo: false });
    await server.seedOrg();
    for (const u of [REP, BOSS]) expect((await server.api('/api/users', { method: 'POST', json: { id: u.id, name: u.name, email: u.email, orgUnit: 't-north-a', roles: [u === REP ? 'rep' : 'manager'], password: u.password } })).status).toBe(201);
    const definition = {
      id: 'discounts', label: { en: 'Discounted deals', 'zh-CN': '折扣商机' }, entity: 'pipeline.deal', initialStage: 'draft',
      stages: [{ id: 'draft', label: { en: 'Draft', 'zh-CN': '草稿' }, kind: 'open' }, { id: 'offer', label: { en: 'Offer sent', 'zh-CN': '已报价' }, kind: 'open' }, { id: 'won', label: { en: 'Won', 'zh-CN': '赢单' }, kind: 'won', probability: 1 }, { id: 'lost', label: { en: 'Lost', 'zh-CN': '输单' }, kind: 'lost', probability: 0 }],
      transitions: [
        { id: 'offer', label: { en: 'Send the offer', 'zh-CN': '发送报价' }, from: 'draft', to: 'offer', approval: { when: { '>': [{ var: 'amount.amount' }, 10000] }, approvers: [{ role: 'manager' }] } },
        { id: 'win', from: 'offer', to: 'won' },
        { id: 'lose', from: '*', to: 'lost' },
      ],
    };
    expect((await server.api('/api/processes', { method: 'POST', json: definition })).status).toBe(201);
    expect((await server.api('/api/processes/discounts/publish', { method: 'POST' })).status).toBe(201);
    for (const name of ['Big Discount Co', 'Too Deep Co']) {
      // a deal not yet on a process (as imported), so that it can enter the discounts process
      const d = await legacyDeal(server, { name, amount: { amount: 48000, currency: 'USD' } }, REP.id, 't-north-a');
      const entered = await server.api(`/api/records/pipeline.deal/${d.id}/transitions`, { method: 'POST', headers: { 'if-match': `"${d.version}"` }, json: { to: 'draft', process: 'discounts' } });
      expect(entered.status, await entered.clone().text()).toBe(200);
      deals[name] = ((await entered.json()) as { record: { id: string; version: number } }).record;
    }
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  pagePerTest(() => browser, { width: 1280, height: 900 }, (p) => (page = p));

  const askFromDealPage = async (name: string) => {
    const d = deals[name] as { id: string };
    await openStudio(page, `${server.url}/records/pipeline.deal/${d.id}`, REP.password, REP.email);
    const panel = page.getByTestId('stage-panel');
    await panel.waitFor();
    const menu = panel.getByTestId('move-menu');
    await menu.focus();
    const option = menu.locator('option', { hasText: /Send the offer|Offer sent/ });
    await option.first().waitFor({ state: 'attached' });
    await menu.selectOption((await option.first().getAttribute('value')) ?? '');
    await panel.getByTestId('move-held').waitFor({ timeout: 20_000 });
    return panel;
  };
  const stageOf = async (name: string) => ((await (await server.api(`/api/records/pipeline.deal/${(deals[name] as { id: string }).id}`)).json()) as { stage: string }).stage;

  it('holds the rep\'s move for the manager, who approves it from "Waiting on me"; the deal then moves', async () => {
    const problems = watchPage(page);
    const panel = await askFromDealPage('Big Discount Co');
    // every manager nearest the deal's team may approve (the test org has one more in the team)
    expect(await panel.getByTestId('move-held').textContent()).toMatch(/^Sent for approval to (.+, )?Max Manager(, .+)?: the move to Offer sent waits for them\./);
    expect(await stageOf('Big Discount Co')).toBe('draft');
    await screenshot(page, 'approval-held');

    await page.context().clearCookies();
    await openStudio(page, `${server.url}/approvals`, BOSS.password, BOSS.email);
    const item = page.locator('[data-approval]', { hasText: 'Big Discount Co' });
    await item.waitFor();
    expect(await item.textContent()).toContain('Draft → Offer sent');
    expect(await item.textContent()).toContain('Asked by Rita Rep');
    await screenshot(page, 'approval-waiting');
    await item.getByRole('button', { name: 'Approve' }).click();
    await expect.poll(() => page.getByTestId('approvals-status').textContent()).toBe('Big Discount Co was approved and moved.');
    expect(await stageOf('Big Discount Co')).toBe('offer');
    expect(problems.errors).toEqual([]);
  });

  it('asks for a reason to reject, and the rep reads the rejection in "My requests"', async () => {
    await askFromDealPage('Too Deep Co');
    await page.context().clearCookies();
    await openStudio(page, `${server.url}/approvals`, BOSS.password, BOSS.email);
    const item = page.locator('[data-approval]', { hasText: 'Too Deep Co' });
    await item.getByRole('button', { name: 'Reject' }).click();
    await expect.poll(() => item.getByRole('alert').textContent()).toBe('Write the reason for the rejection in the comment.');
    await item.getByLabel('Comment (a rejection needs a reason)').fill('Forty percent is too deep');
    await item.getByRole('button', { name: 'Reject' }).click();
    await expect.poll(() => page.getByTestId('approvals-status').textContent()).toBe('Too Deep Co was rejected.');
    expect(await stageOf('Too Deep Co')).toBe('draft');

    await page.context().clearCookies();
    await openStudio(page, `${server.url}/approvals?box=requested`, REP.password, REP.email);
    const mine = page.locator('[data-approval]', { hasText: 'Too Deep Co' });
    await mine.waitFor();
    expect(await mine.getAttribute('data-status')).toBe('rejected');
    expect(await mine.textContent()).toContain('Max Manager rejected: Forty percent is too deep');
    await screenshot(page, 'approval-my-requests');
  });

  it('speaks Chinese', async () => {
    await openStudio(page, `${server.url}/approvals?box=requested`, REP.password, REP.email);
    await page.getByLabel('Language').first().selectOption('zh-CN');
    await page.getByRole('heading', { level: 1, name: '审批' }).waitFor();
    const mine = page.locator('[data-approval]', { hasText: 'Too Deep Co' });
    await expect.poll(() => mine.textContent()).toContain('从 草稿 移至 已报价');
    expect(await mine.textContent()).toContain('已驳回');
    expect(await page.getByRole('tab', { name: '待我审批' }).count()).toBe(1);
    await screenshot(page, 'approval-zh');
  });
});
