import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_PASSWORD, emailOf } from '../../../runtime/test/harness';
import { launchChromium, pagePerTest, screenshot } from '../../../studio/test/browser/support/browser';
import { openStudio } from '../../../studio/test/browser/support/sign-in';
import { startStudioServer, type StudioServer } from '../../../studio/test/browser/support/studio-server';

/**
 * 日报 in Chromium: the rep's report page shows the figures counted from his activity (checked
 * against the rows the test wrote), refuses a missing required answer with a sentence, submits;
 * the manager sees who submitted with the rollup and comments; the rep reads the comment; the
 * pages in zh-CN.
 */
describe('daily reports in chromium', () => {
  let server: StudioServer;
  let browser: Browser;
  let page: Page;
  let template = '';
  const written = { visits: 2, calls: 1, stage_moves: 0 };

  beforeAll(async () => {
    browser = await launchChromium();
    server = await startStudioServer({ demo: false });
    await server.seedOrg();
    const db = server.platform.database.db;
    for (const [id, name] of [['rick-rep', 'Rick Rao'], ['cora-colleague', 'Cora Chen'], ['mia-manager', 'Mia Ma']] as const) await db.updateTable('users').set({ name }).where('id', '=', id).execute();
    const res = await server.api('/api/records/crm.report_template', { method: 'POST', json: { data: { name: 'North A daily', team_id: 't-north-a', period: 'daily', deadline_time: '23:59', time_zone: 'UTC', questions: [{ key: 'done', label: 'What did you do today?', label_zh: '今日工作', required: true }, { key: 'plan', label: 'Plan for tomorrow', label_zh: '明日计划' }] } } });
    expect(res.status, await res.clone().text()).toBe(201);
    template = ((await res.json()) as { id: string }).id;
    const now = new Date().toISOString();
    const rick = server.as('rep').api;
    for (const kind of ['visit', 'visit', 'call'] as const) expect((await rick('/api/records/crm.activity', { method: 'POST', json: { data: { kind, subject: kind, occurred_at: now, done: true } } })).status).toBe(201);
    expect((await rick('/api/records/crm.activity', { method: 'POST', json: { data: { kind: 'call', subject: 'open call', done: false } } })).status).toBe(201);
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  pagePerTest(() => browser, { width: 1280, height: 860 }, (p) => (page = p));

  const figure = (scope: string, f: string) => page.locator(`${scope} [data-figure="${f}"]`).first().textContent();

  it('the rep sees his figures, is told what is missing, and submits', async () => {
    await openStudio(page, `${server.url}/p/crm/report`, TEST_PASSWORD, emailOf('rep'));
    await page.getByTestId('report-figures').waitFor({ timeout: 20_000 });
    expect([await figure('[data-testid="report-figures"]', 'visits'), await figure('[data-testid="report-figures"]', 'calls'), await figure('[data-testid="report-figures"]', 'stage_moves')]).toEqual([String(written.visits), String(written.calls), String(written.stage_moves)]);
    expect(await page.getByTestId('report-period').textContent()).toBe(`Daily report for ${new Date().toISOString().slice(0, 10)}`);
    await page.getByLabel('Plan for tomorrow').fill('Call Acme');
    await page.getByRole('button', { name: 'Submit the report' }).click();
    await expect.poll(() => page.getByTestId('report-error').textContent(), { timeout: 15_000 }).toBe('Answer the required questions: What did you do today?');
    await page.getByLabel(/What did you do today\?/).fill('Visited two accounts, called one');
    await page.getByRole('button', { name: 'Submit the report' }).click();
    await expect.poll(() => page.getByTestId('report-status').textContent(), { timeout: 15_000 }).toMatch(/^Submitted at .+\. Report saved\.$/);
    await screenshot(page, 'crm-report-rep-en');
  });

  it('the manager sees who submitted with the rollup and comments; the rep reads it', async () => {
    await openStudio(page, `${server.url}/p/crm/reports`, TEST_PASSWORD, emailOf('manager'));
    await page.getByTestId('reports-table').waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('reports-template').inputValue()).toBe(template);
    expect(await page.getByTestId('reports-rollup').textContent()).toContain('1 of 2 submitted, 0 late, 1 missing');
    const rick = page.locator('[data-user="rick-rep"]');
    expect(await rick.getByTestId('reports-status').textContent()).toBe('Submitted');
    expect(await page.locator('[data-user="cora-colleague"]').getByTestId('reports-status').textContent()).toBe('Missing');
    expect([await figure('[data-user="rick-rep"]', 'visits'), await figure('[data-testid="reports-total"]', 'visits'), await figure('[data-testid="reports-total"]', 'calls')]).toEqual(['2', '2', '1']);
    expect(await rick.textContent()).toContain('Visited two accounts, called one');
    await rick.getByLabel('Comment Rick Rao').fill('Good day. Push Acme for a demo.');
    await rick.getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => page.getByTestId('reports-sent').textContent(), { timeout: 15_000 }).toBe('Comment sent to Rick Rao.');
    await expect.poll(() => rick.textContent(), { timeout: 15_000 }).toContain('Comment · Mia Ma: Good day. Push Acme for a demo.');
    await screenshot(page, 'crm-reports-manager-en');
    await page.getByLabel(/Language|语言/).first().selectOption('zh-CN');
    await expect.poll(() => page.getByTestId('reports-rollup').textContent(), { timeout: 15_000 }).toContain('2 人中 1 人已提交，0 人逾期，1 人未交');
    expect(await page.locator('[data-user="cora-colleague"]').getByTestId('reports-status').textContent()).toBe('未提交');
    expect(await page.getByTestId('reports-sent').textContent()).toBe('评论已发送给 Rick Rao。');
    await screenshot(page, 'crm-reports-manager-zh-CN');
  });

  it('in zh-CN the rep reads his report and the comment', async () => {
    await openStudio(page, `${server.url}/p/crm/report`, TEST_PASSWORD, emailOf('rep'));
    await page.getByLabel(/Language|语言/).first().selectOption('zh-CN');
    await page.getByRole('heading', { name: '我的日报' }).waitFor({ timeout: 15_000 });
    await page.getByTestId('report-comments').waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('report-comments').textContent()).toContain('Mia Ma');
    expect(await page.getByTestId('report-comments').textContent()).toContain('Good day. Push Acme for a demo.');
    expect(await page.getByTestId('report-period').textContent()).toBe(`${new Date().toISOString().slice(0, 10)} 日报`);
    expect(await page.getByLabel(/今日工作/).inputValue()).toBe('Visited two accounts, called one');
    expect(await page.getByRole('button', { name: '更新报告' }).count()).toBe(1);
    await screenshot(page, 'crm-report-rep-zh-CN');
  });
});
