import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_PASSWORD, emailOf } from '../../../runtime/test/harness';
import { createRule, prepare } from './handoff.test-support';
import { legacyDeal } from '../../../runtime/test/process/helpers';
import { launchChromium, pagePerTest, screenshot } from '../../../studio/test/browser/support/browser';
import { openStudio } from '../../../studio/test/browser/support/sign-in';
import { startStudioServer, type StudioServer } from '../../../studio/test/browser/support/studio-server';

interface Lead { id: string; version: number; stage: string; owner: string; data: Record<string, unknown> }

/**
 * The handoff plugin in Chromium against the real runtime (PGlite): marketing creates a lead and
 * hands it to sales from its record page; routing assigns it to a rep with an explanation; the
 * rep sees it in "Waiting on me" with its countdown, accepts it and converts it into a deal in
 * one click; a second lead is rejected with a reason from the inbox; the pages in zh-CN; the
 * routing rules page lists and reorders the rules for an admin.
 */
describe('handoff inbox in chromium', () => {
  let server: StudioServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    browser = await launchChromium();
    server = await startStudioServer({ demo: false, env: { PIPEWRIGHT_JOB_POLL_SECONDS: '0.5' } });
    await prepare(server);
    const db = server.platform.database.db;
    for (const [id, name] of [['rick-rep', 'Rick Rao'], ['mona-marketing', 'Mona Marsh'], ['cora-colleague', 'Cora Chen'], ['adam-admin', 'Adam Admin']] as const) await db.updateTable('users').set({ name }).where('id', '=', id).execute();
    await createRule(server, { name: 'EMEA territory', position: 10, applies_to: 'lead', strategy: 'territory', territory_field: 'territory', territories: { emea: 'rick-rep' } });
    await createRule(server, { name: 'North A round robin', position: 20, applies_to: 'lead', strategy: 'round_robin', team: 't-north-a' });
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  pagePerTest(() => browser, { width: 1360, height: 900 }, (p) => (page = p));

  const lead = async (company: string) => {
    const { items } = (await (await server.api(`/api/records/handoff.lead?q=${encodeURIComponent(company)}`)).json()) as { items: Lead[] };
    return items.find((l) => l.data.company_name === company);
  };

  /** Marketing creates a lead in the generated form and hands it over from the record page's stage panel. */
  async function handOver(company: string, territory: string): Promise<Lead> {
    await page.goto(`${server.url}/records/handoff.lead/new`);
    await page.locator('#root_company_name').fill(company);
    await page.locator('#root_contact_name').fill('Ada Lovelace');
    await page.locator('#root_email').fill(`ada@${company.toLowerCase().replace(/\W+/g, '')}.example`);
    await page.locator('#root_territory').fill(territory);
    await page.locator('#root_source').selectOption({ label: 'Marketing campaign' });
    await page.locator('#root_campaign').fill('Spring webinar');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('heading', { level: 1, name: company }).waitFor();
    await page.getByTestId('stage-panel').getByRole('heading', { name: 'Stage: New' }).waitFor();
    const menu = page.getByTestId('stage-panel').getByTestId('move-menu');
    await menu.focus();
    await expect.poll(() => menu.locator('option').allTextContents()).toContain('Hand to sales → Marketing qualified');
    await menu.selectOption({ label: 'Hand to sales → Marketing qualified' });
    await page.getByTestId('stage-panel').getByRole('heading', { name: 'Stage: Marketing qualified' }).waitFor({ timeout: 20_000 });
    const routed = await expect.poll(async () => (await lead(company))?.data.to_user, { timeout: 30_000 }).toBeTruthy().then(() => lead(company));
    if (!routed) throw new Error('not routed');
    return routed;
  }

  it('marketing creates a lead and routing assigns it to a rep with an explanation', async () => {
    await openStudio(page, `${server.url}/`, TEST_PASSWORD, emailOf('marketing'));
    const routed = await handOver('Acme Robotics', 'emea');
    expect(routed.owner).toBe('rick-rep');
    expect(routed.data.routing).toMatchObject({ rule: 'EMEA territory', strategy: 'territory', reason: 'Territory: territory is "emea", which Rick Rao covers.' });
    await page.reload();
    await expect.poll(() => page.getByTestId('lead-routing-reason').textContent()).toBe('Territory: territory is "emea", which Rick Rao covers.');
    // The stored explanation reads as a sentence among the fields too.
    expect(await page.locator('.field-row').filter({ hasText: 'Routing explanation' }).locator('dd').textContent()).toBe('EMEA territory: Territory: territory is "emea", which Rick Rao covers.');
    await screenshot(page, 'handoff-lead-routed');
  });

  it('the rep accepts it in "Waiting on me" and converts it into a deal', async () => {
    await openStudio(page, `${server.url}/p/handoff/inbox`, TEST_PASSWORD, emailOf('rep'));
    const row = page.getByTestId('inbox-items').locator('tbody tr').filter({ hasText: 'Acme Robotics' });
    await row.waitFor();
    expect(await row.getByTestId('inbox-reason').textContent()).toContain('Rule “EMEA territory” Territory: territory is "emea", which Rick Rao covers.');
    expect(await row.getByTestId('inbox-left').textContent()).toMatch(/^3h 5\dm left$/);
    expect(await row.textContent()).toContain('Mona Marsh');
    await screenshot(page, 'handoff-inbox-en');
    await row.getByRole('button', { name: 'Accept' }).click();
    await expect.poll(() => page.getByTestId('inbox-message').textContent()).toContain('Accepted: Acme Robotics');
    const toConvert = page.getByTestId('inbox-to-convert').locator('li').filter({ hasText: 'Acme Robotics' });
    await toConvert.waitFor();
    expect(await page.getByTestId('inbox-items').count()).toBe(0);
    await toConvert.getByRole('button', { name: 'Convert to deal' }).click();
    await expect.poll(() => page.getByTestId('inbox-message').textContent(), { timeout: 20_000 }).toContain('Converted: Acme Robotics');
    await screenshot(page, 'handoff-inbox-converted');
    await page.getByTestId('inbox-message').getByRole('link', { name: 'Open the deal' }).click();
    await page.getByRole('heading', { level: 1, name: 'Acme Robotics (Spring webinar)' }).waitFor();
    const converted = await lead('Acme Robotics');
    expect(converted?.stage).toBe('converted');
    const deal = (await (await server.api(`/api/records/pipeline.deal/${String(converted?.data.deal_id)}`)).json()) as Lead;
    expect(deal).toMatchObject({ owner: 'rick-rep', stage: 'prospecting', data: { source: 'marketing_campaign', account_id: converted?.data.account_id } });
    await screenshot(page, 'handoff-converted-deal');
  });

  it('in zh-CN: the inbox, and a rejection with a reason returns the lead to marketing', async () => {
    await openStudio(page, `${server.url}/`, TEST_PASSWORD, emailOf('marketing'));
    await handOver('Beta Bau GmbH', 'emea');
    await page.context().clearCookies();
    await openStudio(page, `${server.url}/p/handoff/inbox`, TEST_PASSWORD, emailOf('rep'));
    await page.getByLabel('Language').first().selectOption('zh-CN');
    await page.getByRole('heading', { level: 1, name: '待我处理' }).waitFor();
    const row = page.getByTestId('inbox-items').locator('tbody tr').filter({ hasText: 'Beta Bau GmbH' });
    await row.waitFor();
    expect(await row.textContent()).toContain('来自市场部的线索');
    // four hours to accept, counted down from the routing: 3h5x, or 4h0 when the inbox renders within a second of it
    expect(await row.getByTestId('inbox-left').textContent()).toMatch(/^剩余 (3小时5\d|4小时0)分钟$/);
    expect(await row.getByTestId('inbox-reason').textContent()).toBe('规则“EMEA territory” 按区域：territory 为“emea”，由 Rick Rao 负责。');
    await screenshot(page, 'handoff-inbox-zh-CN');
    await row.getByRole('button', { name: '拒绝…' }).click();
    await row.getByTestId('inbox-reject-reason').fill('不在我的区域');
    await row.getByRole('button', { name: '拒绝并退回' }).click();
    await expect.poll(() => page.getByTestId('inbox-message').textContent()).toContain('已退回移交人：Beta Bau GmbH');
    await expect.poll(async () => (await lead('Beta Bau GmbH'))?.owner, { timeout: 20_000 }).toBe('mona-marketing');
    expect((await lead('Beta Bau GmbH'))?.data.reject_reason).toBe('不在我的区域');
    await page.goto(`${server.url}/p/handoff/rules`);
    await page.getByRole('heading', { level: 1, name: '分配规则' }).waitFor();
    await page.getByTestId('rules-list').waitFor();
    await screenshot(page, 'handoff-rules-zh-CN');
  });

  it('an admin reorders the routing rules on the rules page', async () => {
    await openStudio(page, `${server.url}/p/handoff/rules`, TEST_PASSWORD, emailOf('admin'));
    const names = () => page.getByTestId('rules-list').locator('tbody tr td:nth-child(2)').allTextContents();
    await expect.poll(names).toEqual(['EMEA territory', 'North A round robin']);
    await page.getByRole('button', { name: 'Move down' }).first().click();
    await expect.poll(names).toEqual(['North A round robin', 'EMEA territory']);
    await screenshot(page, 'handoff-rules-en');
    // The server's order follows (first match wins): a new EMEA lead now goes round robin.
    const { items } = (await (await server.api('/api/records/handoff.routing_rule?sort=position')).json()) as { items: Lead[] };
    expect(items.map((r) => r.data.name)).toEqual(['North A round robin', 'EMEA territory']);
  });

  it('customer success accepts a won deal\'s handoff in the inbox and becomes the deal\'s owner; the rep keeps reading it', async () => {
    await createRule(server, { name: 'Customer success desk', position: 30, applies_to: 'sales_to_success', strategy: 'round_robin', users: ['cora-colleague'] });
    const account = (await (await server.api('/api/records/crm.account', { method: 'POST', json: { data: { name: 'Initech', status: 'active' }, owner: null, orgUnit: null } })).json()) as Lead;
    const deal = (await (await server.as('rep').api('/api/records/pipeline.deal', { method: 'POST', json: { data: { name: 'Initech rollout', account_id: account.id } } })).json()) as Lead;
    const made = await server.as('rep').api('/api/records/handoff.handoff', { method: 'POST', json: { data: { kind: 'sales_to_success', summary: 'Onboard Initech', deal_id: deal.id, account_id: account.id } } });
    expect(made.status, await made.clone().text()).toBe(201);
    const h = (await made.json()) as Lead;
    await expect.poll(async () => ((await (await server.api(`/api/records/handoff.handoff/${h.id}`)).json()) as Lead).data.to_user, { timeout: 30_000 }).toBe('cora-colleague');
    // Routed, not yet given: the receiver cannot open the deal before accepting.
    expect((await server.as('colleague').api(`/api/records/pipeline.deal/${deal.id}`)).status).toBe(404);

    await openStudio(page, `${server.url}/p/handoff/inbox`, TEST_PASSWORD, emailOf('colleague'));
    const row = page.getByTestId('inbox-items').locator('tbody tr').filter({ hasText: 'Onboard Initech' });
    await row.waitFor();
    expect(await row.textContent()).toContain('Rick Rao');
    await screenshot(page, 'handoff-inbox-success');
    await row.getByRole('button', { name: 'Accept' }).click();
    await expect.poll(() => page.getByTestId('inbox-message').textContent()).toContain('Accepted: Onboard Initech');
    await expect.poll(() => row.count()).toBe(0);
    // The deal is now hers: its page opens for her and names her as owner.
    await page.goto(`${server.url}/records/pipeline.deal/${deal.id}`);
    await page.getByRole('heading', { level: 1, name: 'Initech rollout' }).waitFor();
    await expect.poll(() => page.getByTestId('record-owner').textContent(), { timeout: 20_000 }).toBe('Cora Chen');
    await screenshot(page, 'handoff-accepted-deal-owner');
    const handoff = (await (await server.api(`/api/records/handoff.handoff/${h.id}`)).json()) as Lead;
    expect(handoff).toMatchObject({ stage: 'accepted', owner: 'cora-colleague', data: { status: 'accepted', accepted_by: 'cora-colleague' } });
    // The rep who handed it over still reads the deal, and no longer changes it.
    expect((await server.as('rep').api(`/api/records/pipeline.deal/${deal.id}`)).status).toBe(200);
    expect((await server.as('rep').api(`/api/records/pipeline.deal/${deal.id}`, { method: 'PATCH', headers: { 'if-match': '"1"' }, json: { data: { notes: 'still mine?' } } })).status).toBe(403);
  });

  it('a big deal waits for the manager\'s approval in his inbox, who approves it there', async () => {
    const definition = {
      id: 'big_deals', label: { en: 'Big deals', 'zh-CN': '大单' }, entity: 'pipeline.deal', initialStage: 'draft',
      stages: [{ id: 'draft', label: { en: 'Draft', 'zh-CN': '草稿' }, kind: 'open' }, { id: 'offer', label: { en: 'Offer sent', 'zh-CN': '已报价' }, kind: 'open' }, { id: 'won', label: 'Won', kind: 'won', probability: 1 }, { id: 'lost', label: 'Lost', kind: 'lost', probability: 0 }],
      transitions: [
        { id: 'offer', label: { en: 'Send the offer', 'zh-CN': '发送报价' }, from: 'draft', to: 'offer', approval: { when: { '>': [{ var: 'amount.amount' }, 50000] }, approvers: [{ role: 'manager' }] } },
        { id: 'win', from: 'offer', to: 'won' },
        { id: 'lose', from: '*', to: 'lost' },
      ],
    };
    const created = await server.api('/api/processes', { method: 'POST', json: definition });
    expect(created.status, await created.clone().text()).toBe(201);
    expect((await server.api('/api/processes/big_deals/publish', { method: 'POST' })).status).toBe(201);
    const d = await legacyDeal(server, { name: 'Globex expansion', amount: { amount: 120000, currency: 'USD' } });
    expect((await server.as('rep').api(`/api/records/pipeline.deal/${d.id}/transitions`, { method: 'POST', headers: { 'if-match': '"1"' }, json: { to: 'draft', process: 'big_deals' } })).status).toBe(200);

    await openStudio(page, `${server.url}/records/pipeline.deal/${d.id}`, TEST_PASSWORD, emailOf('rep'));
    const menu = page.getByTestId('stage-panel').getByTestId('move-menu');
    await menu.focus();
    await expect.poll(() => menu.locator('option').allTextContents()).toContain('Send the offer → Offer sent');
    await menu.selectOption({ label: 'Send the offer → Offer sent' });
    await page.getByTestId('move-held').waitFor({ timeout: 20_000 });

    await page.context().clearCookies();
    await openStudio(page, `${server.url}/p/handoff/inbox`, TEST_PASSWORD, emailOf('manager'));
    const item = page.getByTestId('inbox-approvals').locator(`[data-approval]`, { hasText: 'Globex expansion' });
    await item.waitFor({ timeout: 20_000 });
    expect(await item.textContent()).toContain('Draft → Offer sent, asked by Rick Rao');
    await screenshot(page, 'handoff-inbox-approval');
    await item.getByRole('button', { name: 'Approve' }).click();
    await expect.poll(() => page.getByTestId('inbox-message').textContent()).toContain('Globex expansion was approved and moved.');
    expect(((await (await server.api(`/api/records/pipeline.deal/${d.id}`)).json()) as { stage: string }).stage).toBe('offer');
    await page.getByTestId('inbox-approvals').getByText('No move waits for your approval.').waitFor();
  });
});
