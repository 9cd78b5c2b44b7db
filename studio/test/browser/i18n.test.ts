import type { Browser, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { apiInPage, pagePerTest, screenshot } from './support/browser';
import { studioWithAdmin } from './support/studio-with-admin';
import { createProcess, publishProcess } from './support/processes';
import { openStudio } from './support/sign-in';
import type { StudioServer } from './support/studio-server';

const OPS = { email: 'ops@i18n.test', password: 'a long passphrase for the ops admin 42' };

interface View {
  id: string;
  version: number;
}

/**
 * ADR 019 in Chromium: in zh-CN the board's columns, its "Move to..." menu (transition labels and
 * guard messages from the process definition), a refused move and a server validation error read
 * in Chinese; the designer edits the Chinese label and keeps the English one.
 */
describe('zh-CN process content and problems in chromium', () => {
  let server: StudioServer;
  let browser: Browser;
  let page: Page;
  let deal: View;

  studioWithAdmin({ admin: { name: 'Ops Admin', email: OPS.email, password: OPS.password } }, (s) => ({ browser, server } = s));
  beforeAll(async () => {
    await publishProcess(server.api, 'new_business');
    const post = async (type: string, body: unknown) => {
      const res = await server.api(`/api/records/${type}`, { method: 'POST', json: body });
      expect(res.status, await res.clone().text()).toBe(201);
      return (await res.json()) as View;
    };
    const account = await post('crm.account', { data: { name: 'Acme Zh', status: 'active' } });
    const contact = await post('crm.contact', { data: { first_name: 'Dana', last_name: 'Decider', account_id: account.id } });
    const product = await post('pipeline.product', { data: { name: 'GTX Pro' } });
    // in engaging with everything "propose" needs but the expected close date, and a close date
    // before the engage date (so "Mark lost" is blocked by its guard)
    const created = await post('pipeline.deal', { data: { name: 'Guarded deal', account_id: account.id, product_id: product.id, decision_maker_id: contact.id, amount: { amount: 9000, currency: 'USD' }, engage_date: '2026-06-01', next_step: 'Send proposal', close_date: '2026-01-15', lost_reason: 'price' } });
    const moved = await server.api(`/api/records/pipeline.deal/${created.id}/transitions`, { method: 'POST', headers: { 'if-match': `"${created.version}"` }, json: { to: 'engaging' } });
    expect(moved.status, await moved.clone().text()).toBe(200);
    deal = ((await moved.json()) as { record: View }).record;
  }, 240_000);
  pagePerTest(() => browser, { width: 1400, height: 900 }, (p) => (page = p));

  it('shows the board, its moves and a refused move in Chinese', async () => {
    // the Chinese messages load on the switch, not before (an English reader never downloads them)
    // and so do the plugins' Chinese texts (their entity, stage and menu names)
    const chinese: string[] = [];
    const pluginChinese: string[] = [];
    page.on('request', (r) => {
      const path = new URL(r.url()).pathname;
      if (/\/assets\/zh-cn-[\w-]+\.js$/.test(path)) chinese.push(r.url());
      if (/\/assets\/plugin-text-zh-cn-[\w-]+\.js$/.test(path)) pluginChinese.push(r.url());
    });
    await openStudio(page, `${server.url}/board`, OPS.password, OPS.email);
    await page.locator('[data-testid="board"][data-ready="true"]').waitFor({ timeout: 30_000 });
    expect([chinese, pluginChinese]).toEqual([[], []]);
    await page.getByLabel('Language').first().selectOption('zh-CN');
    await page.getByRole('heading', { name: '销售看板' }).waitFor();
    expect(chinese).toHaveLength(1);
    expect(pluginChinese).toHaveLength(1);
    // the switch waited for the plugins' text: the menu names its entities in Chinese at once
    expect(await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '商机看板', exact: true }).count()).toBe(1);
    const headings = page.locator('[data-testid^="column-"][data-stage] h2 > span:first-child');
    await expect.poll(() => headings.allTextContents()).toEqual(['潜在', '接洽 / 已确认', '方案', '谈判', '赢单', '输单']);
    expect(await page.getByLabel('销售流程').locator('option:checked').textContent()).toBe('新业务');

    const menu = page.getByRole('combobox', { name: '将 Guarded deal 移动到其他阶段' });
    await menu.focus();
    const lose = menu.locator('option', { hasText: '标记为输单' });
    await lose.waitFor({ state: 'attached' });
    expect(await lose.textContent()).toBe('标记为输单 → 输单（受阻：关闭日期不能早于接洽日期。）');
    expect(await lose.isDisabled()).toBe(true);
    const propose = menu.locator('option', { hasText: '发送方案' });
    expect(await propose.textContent()).toBe('发送方案 → 方案');
    await screenshot(page, 'i18n-board-zh-cn');

    // "Send proposal" asks for the expected close date; one before the engage date fails the guard
    await menu.selectOption({ label: '发送方案 → 方案' });
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('heading', { name: '要将 Guarded deal 移动到 方案，请填写' }).waitFor();
    await dialog.locator('#root_expected_close_date').fill('2026-01-15');
    await dialog.getByRole('button', { name: '保存并移动' }).click();
    await dialog.getByRole('heading', { name: '无法将 Guarded deal 移动到 方案' }).waitFor();
    expect(await dialog.getByRole('alert').textContent()).toBe('预计成交日期不能早于接洽日期。');
    expect(await dialog.getByTestId('guard-explanation').textContent()).toContain('2 个备选条件均不成立');
    await screenshot(page, 'i18n-move-refused-zh-cn');
    await dialog.getByRole('button', { name: '关闭' }).click();
    expect(await page.getByTestId('column-engaging').getByText('Guarded deal').count()).toBe(1);
  });

  it('shows a server validation error in Chinese', async () => {
    await openStudio(page, `${server.url}/records/crm.account/new`, OPS.password, OPS.email);
    await page.getByLabel('Language').first().selectOption('zh-CN');
    await page.locator('#root_name').fill('Acme Zh');
    await page.locator('#root_status').selectOption({ index: 1 });
    await page.getByRole('button', { name: '创建' }).click();
    const alert = page.getByRole('alert').filter({ hasText: '已有另一条' });
    await alert.waitFor();
    expect(await alert.textContent()).toContain('已有另一条 crm.account 记录使用了相同的值（name）。');
    await page.getByText('已有其他记录使用此值').first().waitFor();
    expect(await page.getByText('another record already has this value').count()).toBe(0);
    await screenshot(page, 'i18n-validation-zh-cn');
  });

  it('edits a stage label in Chinese in the designer and keeps the English one', async () => {
    await openStudio(page, `${server.url}/processes/new_business`, OPS.password, OPS.email);
    await page.getByLabel('Language').first().selectOption('zh-CN');
    const canvas = page.locator('.react-flow');
    const proposal = canvas.getByTestId('stage-node-proposal');
    await proposal.getByText('方案', { exact: true }).waitFor();
    await canvas.locator('.react-flow__edge').filter({ hasText: '发送方案' }).first().waitFor();
    await proposal.click();
    const label = page.getByTestId('stage-inspector').locator('input[data-language="zh-CN"]').first();
    expect(await label.inputValue()).toBe('方案');
    await label.fill('报价方案');
    await proposal.getByText('报价方案', { exact: true }).waitFor();
    await page.getByRole('button', { name: '保存草稿' }).click();
    await expect.poll(async () => ((await apiInPage<{ draft: { stages: { id: string; label: unknown }[] } }>(page, 'GET', '/api/processes/new_business')).body.draft.stages.find((s) => s.id === 'proposal')?.label)).toEqual({ en: 'Proposal', 'zh-CN': '报价方案' });
    await screenshot(page, 'i18n-designer-zh-cn');
    void deal;
  });

  it('shows a company process held in both languages on the board and the record page', async () => {
    await createProcess(server.api, {
      id: 'triage_flow',
      label: { en: 'Triage', 'zh-CN': '分诊流程' },
      entity: 'pipeline.deal',
      initialStage: 'triage',
      stages: [
        { id: 'triage', label: { en: 'Triage', 'zh-CN': '分诊' }, kind: 'open' },
        { id: 'accepted', label: { en: 'Accepted', 'zh-CN': '已受理' }, kind: 'won', probability: 1 },
        { id: 'declined', label: { en: 'Declined', 'zh-CN': '已拒绝' }, kind: 'lost', probability: 0 },
      ],
      transitions: [
        { id: 'accept', label: { en: 'Accept', 'zh-CN': '受理' }, from: 'triage', to: 'accepted' },
        { id: 'decline', label: { en: 'Decline', 'zh-CN': '拒绝' }, from: 'triage', to: 'declined' },
      ],
    } as never);
    await publishProcess(server.api, 'triage_flow');
    const res = await server.api('/api/records/pipeline.deal', { method: 'POST', json: { data: { name: 'Triaged deal' }, process: 'triage_flow' } });
    expect(res.status, await res.clone().text()).toBe(201);
    const triaged = (await res.json()) as View;

    await openStudio(page, `${server.url}/board/pipeline.deal?process=triage_flow`, OPS.password, OPS.email);
    await page.locator('[data-testid="board"][data-ready="true"]').waitFor({ timeout: 30_000 });
    await page.getByLabel('Language').first().selectOption('zh-CN');
    const headings = page.locator('[data-testid^="column-"][data-stage] h2 > span:first-child');
    await expect.poll(() => headings.allTextContents()).toEqual(['分诊', '已受理', '已拒绝']);
    const menu = page.getByRole('combobox', { name: '将 Triaged deal 移动到其他阶段' });
    await menu.focus();
    await menu.locator('option', { hasText: '受理 → 已受理' }).waitFor({ state: 'attached' });
    await screenshot(page, 'i18n-company-process-zh-cn');

    await page.goto(`${server.url}/records/pipeline.deal/${triaged.id}`);
    await expect.poll(() => page.getByTestId('record-stage').textContent()).toBe('分诊');
    await page.getByTestId('stage-panel').getByRole('heading', { name: '阶段: 分诊' }).waitFor();
  });

  it('creates a process in zh-CN with the starter stages in both languages and the typed name in Chinese', async () => {
    await openStudio(page, `${server.url}/processes`, OPS.password, OPS.email);
    await page.getByLabel('Language').first().selectOption('zh-CN');
    await page.getByText('新建流程').click();
    await page.getByLabel('标识', { exact: true }).fill('made_in_chinese');
    await page.getByLabel('名称', { exact: true }).fill('中文流程');
    await page.getByRole('button', { name: '创建并打开' }).click();
    await page.getByRole('heading', { level: 1, name: '中文流程' }).waitFor();
    const made = (await apiInPage<{ draft: { label: unknown; stages: { id: string; label: unknown }[]; transitions: { id: string; label: unknown }[] } }>(page, 'GET', '/api/processes/made_in_chinese')).body.draft;
    expect(made.label).toEqual({ 'zh-CN': '中文流程' });
    expect(made.stages.map((s) => s.label)).toEqual([{ en: 'Start', 'zh-CN': '开始' }, { en: 'Won', 'zh-CN': '赢单' }, { en: 'Lost', 'zh-CN': '输单' }]);
    expect(made.transitions.find((t) => t.id === 'win')?.label).toEqual({ en: 'Win', 'zh-CN': '赢单' });
    await page.getByRole('button', { name: '添加阶段' }).click();
    await page.locator('.react-flow').getByText('新阶段').first().waitFor();
  });
});
