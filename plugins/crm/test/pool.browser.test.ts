import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_PASSWORD, emailOf } from '../../../runtime/test/harness';
import { publish } from '../../../runtime/test/process/helpers';
import { launchChromium, pagePerTest, screenshot } from '../../../studio/test/browser/support/browser';
import { openStudio } from '../../../studio/test/browser/support/sign-in';
import { startStudioServer, type StudioServer } from '../../../studio/test/browser/support/studio-server';

interface View {
  id: string;
  version: number;
  owner: string | null;
  data: Record<string, unknown>;
}

/**
 * The account pool (公海池) in Chromium against the real runtime (PGlite): a rep claims an account
 * from the pool page in one click and sees its owner history; returns one from its account page
 * with a reason and is refused reclaiming it (cooldown); a colleague works the pool in zh-CN and
 * meets the per-rep limit in Chinese; an admin edits the pool's rules.
 */
describe('account pool in chromium', () => {
  let server: StudioServer;
  let browser: Browser;
  let page: Page;
  let pool: View;
  const ids = new Map<string, string>();

  const post = async (path: string, json: unknown, as?: 'rep' | 'colleague') => {
    const res = await (as ? server.as(as).api : server.api)(path, { method: 'POST', json });
    if (res.status >= 300) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as View;
  };

  beforeAll(async () => {
    browser = await launchChromium();
    server = await startStudioServer({ demo: false });
    await server.seedOrg();
    const db = server.platform.database.db;
    for (const [id, name] of [['rick-rep', 'Rick Rao'], ['cora-colleague', 'Cora Chen'], ['adam-admin', 'Adam Admin']] as const) await db.updateTable('users').set({ name }).where('id', '=', id).execute();
    pool = await post('/api/records/crm.pool', { data: { name: 'North pool', name_zh: '北区公海', region_unit: 't-north', max_held: 3, max_claims_per_day: 10, reclaim_cooldown_days: 14, warn_days: 3, recycle_rules: [{ id: 'no_follow_up', label: { en: 'No follow-up', 'zh-CN': '未跟进' }, measure: 'days_since_follow_up', limit: { if: [{ '==': [{ var: 'grade' }, 'A'] }, 30, 14] } }] }, owner: null, orgUnit: null });
    for (const [name, grade] of [['Harbor Logistics', 'B'], ['Summit Foods', 'A'], ['Lantern Media', 'C'], ['Delta Clinics', 'B'], ['Orchid Retail', 'C']] as const) {
      const a = await post('/api/records/crm.account', { data: { name, status: 'active', grade, grade_source: 'hand', in_pool: true, dedupe_override: { confirm: true } }, owner: null, orgUnit: 't-north-a' });
      ids.set(name, a.id);
    }
    // Lantern Media was Cora's once: claimed and given back.
    await post(`/api/plugins/crm/pool/accounts/${ids.get('Lantern Media')}/claim`, {}, 'colleague');
    await post(`/api/plugins/crm/pool/accounts/${ids.get('Lantern Media')}/return`, { reason: 'No budget this year' }, 'colleague');
    // Leads without an owner sit in the same pool (the handoff plugin's lead).
    await publish(server.api, 'lead');
    for (const company of ['Jade Robotics', 'Pine Analytics']) {
      const l = await post('/api/records/handoff.lead', { data: { company_name: company, contact_name: 'Wang Fang' }, owner: null, orgUnit: 't-north-a' });
      ids.set(company, l.id);
    }
    await post(`/api/plugins/handoff/pool/leads/${ids.get('Pine Analytics')}/claim`, {}, 'colleague');
    await post(`/api/plugins/handoff/pool/leads/${ids.get('Pine Analytics')}/return`, { reason: 'Wrong contact' }, 'colleague');
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  pagePerTest(() => browser, { width: 1360, height: 900 }, (p) => (page = p));

  it('a rep claims from the pool page in one click and sees who held each account before', async () => {
    await openStudio(page, `${server.url}/p/crm/pool`, TEST_PASSWORD, emailOf('rep'));
    await page.getByRole('heading', { level: 1, name: 'Account pool' }).waitFor();
    const table = page.getByTestId('pool-accounts');
    await table.locator('tr[data-account="Harbor Logistics"]').waitFor();
    expect(await page.getByRole('tab', { name: 'North pool (5)' }).count()).toBe(1);
    expect(await page.getByTestId('pool-rules-summary').textContent()).toBe('Up to 3 accounts held per rep, 10 claims a day, 14 days before a previous owner may claim again. You hold 0 and claimed 0 today.');
    const lantern = table.locator('tr[data-account="Lantern Media"]');
    expect(await lantern.locator('.pool-history li').textContent()).toMatch(/^Cora Chen .+ – .+ · claimed · returned: No budget this year$/);
    expect(await table.locator('tr[data-account="Summit Foods"] .pool-history').textContent()).toBe('Never owned');
    await screenshot(page, 'crm-pool-en');
    await table.locator('tr[data-account="Harbor Logistics"]').getByRole('button', { name: 'Claim' }).click();
    await expect.poll(() => page.getByTestId('pool-message').textContent()).toBe('"Harbor Logistics" is yours now.');
    await expect.poll(() => table.locator('tr[data-account="Harbor Logistics"]').count()).toBe(0);
    await expect.poll(() => page.getByTestId('pool-rules-summary').textContent()).toContain('You hold 1 and claimed 1 today.');
    const harbor = (await (await server.api(`/api/records/crm.account/${ids.get('Harbor Logistics')}`)).json()) as View;
    expect(harbor.owner).toBe('rick-rep');
  });

  it('the rep returns an account from its page in one click (reason picked inline), and may not reclaim it during the cooldown', async () => {
    await openStudio(page, `${server.url}/records/crm.account/${ids.get('Harbor Logistics')}`, TEST_PASSWORD, emailOf('rep'));
    const panel = page.getByTestId('account-pool');
    await panel.waitFor();
    expect(await panel.textContent()).toContain('Pool: North pool');
    expect(await panel.getByTestId('pool-outlook').textContent()).toMatch(/^Returns to the pool in 14 days \(.+\) by the rule "No follow-up": 0 of 14 days\.$/);
    // One click: the reason is optional, picked inline from a short list.
    await panel.getByLabel('Reason (optional)').selectOption({ label: 'Not my region' });
    await screenshot(page, 'crm-pool-return-en');
    await panel.getByRole('button', { name: 'Return to pool' }).click();
    await expect.poll(() => panel.getByTestId('account-pool-message').textContent()).toBe('Returned to the pool.');
    await expect.poll(() => panel.locator('.pool-history li').first().textContent()).toContain('returned: Not my region');
    await panel.getByRole('button', { name: 'Claim' }).click();
    await expect.poll(() => panel.getByTestId('account-pool-message').textContent()).toMatch(/the pool's cooldown of 14 days lets you claim it again from \d{4}-\d{2}-\d{2}\.$/);
    await screenshot(page, 'crm-pool-cooldown-en');
  });

  it('in zh-CN: a colleague claims up to the limit and is told the rule in Chinese', async () => {
    await openStudio(page, `${server.url}/p/crm/pool`, TEST_PASSWORD, emailOf('colleague'));
    await page.getByLabel('Language').first().selectOption('zh-CN');
    await page.getByRole('heading', { level: 1, name: '公海池' }).waitFor();
    const table = page.getByTestId('pool-accounts');
    await table.locator('tr[data-account="Summit Foods"]').waitFor();
    // Today's claims count accounts and leads together (Lantern Media and Pine Analytics).
    expect(await page.getByTestId('pool-rules-summary').textContent()).toBe('每人最多持有 3 个客户，每天最多领取 10 个，原负责人需等待 14 天才能再次领取。 您持有 0 个，今天已领取 2 个。');
    expect(await table.locator('tr[data-account="Lantern Media"] .pool-history li').textContent()).toMatch(/^Cora Chen .+ 至 .+ · 领取 · 退回: No budget this year$/);
    for (const name of ['Summit Foods', 'Delta Clinics', 'Orchid Retail']) {
      await table.locator(`tr[data-account="${name}"]`).getByRole('button', { name: '领取' }).click();
      await expect.poll(() => page.getByTestId('pool-message').textContent()).toBe(`“${name}”已归您负责。`);
    }
    await table.locator('tr[data-account="Harbor Logistics"]').getByRole('button', { name: '领取' }).click();
    await expect.poll(() => page.getByTestId('pool-message').textContent()).toBe('您已持有公海池“北区公海”的 3 个客户，达到每人上限（3）。请先退回一个再领取。');
    await screenshot(page, 'crm-pool-zh-CN');
    await page.goto(`${server.url}/records/crm.account/${ids.get('Summit Foods')}`);
    const panel = page.getByTestId('account-pool');
    await panel.waitFor();
    expect(await panel.getByTestId('pool-outlook').textContent()).toMatch(/^按规则“未跟进”将在 30 天后（.+）退回公海：已 0 天，上限 30 天。$/);
    expect(await panel.textContent()).toContain('所属公海：北区公海');
    await screenshot(page, 'crm-pool-account-zh-CN');
  });

  it('the pool page shows its leads too: a rep claims one in one click', async () => {
    await openStudio(page, `${server.url}/p/crm/pool`, TEST_PASSWORD, emailOf('rep'));
    await page.getByTestId('pool-accounts').waitFor();
    await page.getByRole('radio', { name: 'Leads (2)' }).click();
    const leads = page.getByTestId('pool-leads');
    await leads.locator('tr[data-lead="Jade Robotics"]').waitFor();
    expect(await page.getByTestId('pool-leads-summary').textContent()).toContain('Up to 3 leads held per rep, 10 claims a day (accounts and leads)');
    expect(await leads.locator('tr[data-lead="Pine Analytics"] .pool-history li').textContent()).toMatch(/^Cora Chen .+ – .+ · claimed · returned: Wrong contact$/);
    await screenshot(page, 'crm-pool-leads-en');
    await leads.locator('tr[data-lead="Jade Robotics"]').getByRole('button', { name: 'Claim' }).click();
    await expect.poll(() => page.getByTestId('pool-message').textContent()).toBe('The lead "Jade Robotics" is yours now.');
    await expect.poll(() => leads.locator('tr[data-lead="Jade Robotics"]').count()).toBe(0);
    const jade = (await (await server.api(`/api/records/handoff.lead/${ids.get('Jade Robotics')}`)).json()) as View;
    expect([jade.owner, jade.data.to_user, jade.data.in_pool]).toEqual(['rick-rep', 'rick-rep', false]);
  });

  it('in zh-CN: a colleague sees the pool\'s leads and is refused reclaiming one she returned (cooldown)', async () => {
    await openStudio(page, `${server.url}/p/crm/pool`, TEST_PASSWORD, emailOf('colleague'));
    await page.getByLabel('Language').first().selectOption('zh-CN');
    await page.getByRole('radio', { name: '线索 (1)' }).click();
    const zh = page.getByTestId('pool-leads');
    await zh.locator('tr[data-lead="Pine Analytics"]').waitFor();
    expect(await page.getByTestId('pool-leads-summary').textContent()).toContain('每人最多持有 3 条线索');
    await zh.locator('tr[data-lead="Pine Analytics"]').getByRole('button', { name: '领取' }).click();
    await expect.poll(() => page.getByTestId('pool-message').textContent()).toMatch(/^您曾持有线索“Pine Analytics”至 .+冷却期/);
    await screenshot(page, 'crm-pool-leads-zh-CN');
  });

  it('an admin edits the pool: the per-rep limit and a recycle rule by grade', async () => {
    await openStudio(page, `${server.url}/p/crm/pool`, TEST_PASSWORD, emailOf('admin'));
    const settings = page.getByTestId('pool-settings');
    await settings.waitFor();
    await settings.getByLabel('Held per rep (K)').fill('5');
    await settings.getByRole('button', { name: 'Add a rule' }).click();
    const rule = settings.locator('[data-rule]').last();
    await rule.getByLabel('Label (English)').fill('Lost, then quiet');
    await rule.getByLabel('Label (Chinese)').fill('输单后沉默');
    await rule.getByLabel('Measure').selectOption('days_since_lost');
    await rule.getByLabel('Limit (days, json-logic)').fill('{"if":[{"==":[{"var":"grade"},"A"]},14,7]}');
    await rule.getByLabel('Rule id').fill('lost_quiet');
    await screenshot(page, 'crm-pool-settings-en');
    await settings.getByRole('button', { name: 'Save pool' }).click();
    await expect.poll(() => page.getByTestId('pool-settings').getByRole('status').textContent()).toBe('Pool saved.');
    const saved = (await (await server.api(`/api/records/crm.pool/${pool.id}`)).json()) as View;
    expect(saved.data.max_held).toBe(5);
    expect(saved.data.recycle_rules).toEqual([
      { id: 'no_follow_up', label: { en: 'No follow-up', 'zh-CN': '未跟进' }, measure: 'days_since_follow_up', limit: { if: [{ '==': [{ var: 'grade' }, 'A'] }, 30, 14] } },
      { id: 'lost_quiet', label: { en: 'Lost, then quiet', 'zh-CN': '输单后沉默' }, measure: 'days_since_lost', limit: { if: [{ '==': [{ var: 'grade' }, 'A'] }, 14, 7] } },
    ]);
    // A limit that is not json-logic is refused by the server, naming the rule.
    await page.getByTestId('pool-settings').locator('[data-rule="lost_quiet"]').getByLabel('Limit (days, json-logic)').fill('{"no_such_operator":[1]}');
    await page.getByTestId('pool-settings').getByRole('button', { name: 'Save pool' }).click();
    await expect.poll(() => page.getByTestId('pool-settings').getByRole('alert').textContent()).toBeTruthy();
    expect(((await (await server.api(`/api/records/crm.pool/${pool.id}`)).json()) as View).version).toBe(saved.version);
  });

  it('pages through a large pool, 50 accounts a page', async () => {
    const big = await post('/api/records/crm.pool', { data: { name: 'South pool', name_zh: '南区公海', region_unit: 't-south' }, owner: null, orgUnit: null });
    for (let i = 0; i < 52; i++) await post('/api/records/crm.account', { data: { name: `South Prospect ${String(i).padStart(2, '0')}`, status: 'prospect', pool_id: big.id, in_pool: true, dedupe_override: { confirm: true } }, owner: null, orgUnit: 't-south-a' });
    await openStudio(page, `${server.url}/p/crm/pool`, TEST_PASSWORD, emailOf('admin'));
    await page.getByRole('tab', { name: 'South pool (52)' }).click();
    const pager = page.getByTestId('pool-pager');
    await expect.poll(() => pager.textContent()).toContain('1–50 of 52');
    expect(await page.getByTestId('pool-accounts').locator('tbody tr').count()).toBe(50);
    await pager.getByRole('button', { name: 'Next' }).click();
    await expect.poll(() => pager.textContent()).toContain('51–52 of 52');
    expect(await page.getByTestId('pool-accounts').locator('tbody tr').allTextContents()).toEqual([expect.stringContaining('South Prospect 50'), expect.stringContaining('South Prospect 51')]);
  });
});
