import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../../runtime/src/auth/password';
import { readDemoCsv, wonValue } from './support/crm-csv';
import { apiInPage, launchChromium, pagePerTest, screenshot } from './support/browser';
import { openStudio } from './support/sign-in';
import { ARTIFACTS_DIR, startStudioServer, type StudioServer } from './support/studio-server';

const WON = 'pipeline.won_value';
const usd = (n: number) => new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', maximumFractionDigits: 0 }).format(n);
type Rows = { rows: Record<string, string | number | null>[] };

/**
 * Dashboards in Chromium against the real runtime (PGlite, the 8,800 demo deals): each role's
 * home dashboard shows the numbers of exactly what the role sees, checked against the metric
 * API and against sums computed here from the CSV files; an admin edits a dashboard; a figure
 * drills down to its records.
 */
describe('dashboards in chromium', () => {
  let server: StudioServer;
  let browser: Browser;
  let page: Page;
  const csv = readDemoCsv();
  let rep: { email: string; name: string };
  let manager: { email: string; name: string; agents: Set<string> };

  beforeAll(async () => {
    browser = await launchChromium();
    server = await startStudioServer({ demo: true });
    const db = server.platform.database.db;
    const repUser = await db.selectFrom('users').select(['name', 'email', 'org_unit_id']).where('email', '=', server.demoRepEmail ?? '').executeTakeFirstOrThrow();
    rep = { email: repUser.email, name: repUser.name };
    // the rep's own manager signs in too
    const boss = await db.selectFrom('users').select(['id', 'name', 'email']).where('org_unit_id', '=', repUser.org_unit_id).where('name', '=', csv.teams.find((t) => t.agent === rep.name)?.manager ?? '').executeTakeFirstOrThrow();
    await db.updateTable('users').set({ password_hash: await hashPassword(server.demoPassword) }).where('id', '=', boss.id).execute();
    manager = { email: boss.email, name: boss.name, agents: new Set(csv.teams.filter((t) => t.manager === boss.name).map((t) => t.agent)) };
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  pagePerTest(() => browser, { width: 1360, height: 900 }, (p) => (page = p));

  const figure = (widget: string) => page.locator(`[data-widget="${widget}"] .figure`);
  const figureValue = async (widget: string) => {
    await expect.poll(() => figure(widget).getAttribute('data-value'), { timeout: 30_000 }).not.toBe('');
    return Number(await figure(widget).getAttribute('data-value'));
  };
  const query = async (body: Record<string, unknown>) => {
    const res = await apiInPage<Rows>(page, 'POST', '/api/metrics/query', body);
    expect(res.status).toBe(200);
    return res.body.rows;
  };

  it("shows a rep only his own numbers, as the metric API and the CSV count them, for all time and for a half year", async () => {
    await openStudio(page, server.url, server.demoPassword, rep.email);
    await page.getByRole('heading', { level: 1, name: 'My sales' }).waitFor();
    const shown = await figureValue('won');
    const mine = wonValue(csv.deals, new Set([rep.name]));
    const all = wonValue(csv.deals, new Set(csv.teams.map((t) => t.agent)));
    expect(shown).toBe(mine);
    expect(await figure('won').textContent()).toBe(usd(mine));
    expect((await query({ metrics: [WON] }))[0]?.[WON]).toBe(mine);
    expect(mine).toBeGreaterThan(0);
    expect(mine).toBeLessThan(all / 5); // the top rep of 30 with deals has about 11% of the company's won value
    // the funnel and the line chart are drawn
    await expect.poll(() => page.locator('[data-widget="stages"] canvas').count(), { timeout: 30_000 }).toBe(1);
    await expect.poll(() => page.locator('[data-widget="won-by-quarter"] canvas').count(), { timeout: 30_000 }).toBe(1);
    await page.waitForTimeout(500); // let the charts' entry animation finish before the screenshot
    await screenshot(page, 'dashboard-rep-home');

    await page.goto(`${server.url}/?from=2017-07-01&to=2017-12-31`);
    await expect.poll(() => page.getByLabel('From', { exact: true }).inputValue()).toBe('2017-07-01');
    expect(await page.getByLabel('To', { exact: true }).inputValue()).toBe('2017-12-31');
    const half = wonValue(csv.deals, new Set([rep.name]), '2017-07-01', '2017-12-31');
    const before = wonValue(csv.deals, new Set([rep.name]), '2017-01-01', '2017-06-30');
    await expect.poll(() => figure('won').getAttribute('data-value'), { timeout: 30_000 }).toBe(String(half));
    const change = new Intl.NumberFormat('en-US', { style: 'percent', signDisplay: 'exceptZero', maximumFractionDigits: 1 }).format((half - before) / before);
    await expect.poll(() => page.locator('[data-widget="won"] .change').textContent(), { timeout: 30_000 }).toContain(`${change} vs Jan 1, 2017 – Jun 30, 2017`);
    await screenshot(page, 'dashboard-rep-half-year');

    // on a phone the widgets stack in one column, the numbers unchanged
    await page.setViewportSize({ width: 390, height: 844 });
    await expect.poll(() => page.locator('.grid-cell').first().evaluate((el) => getComputedStyle(el.parentElement as HTMLElement).gridTemplateColumns.split(' ').length)).toBe(1);
    expect(await figure('won').getAttribute('data-value')).toBe(String(half));
    await page.waitForTimeout(500);
    await screenshot(page, 'dashboard-rep-phone');
  });

  it("shows a manager his team's numbers: the total and each of his reps, nobody else's", async () => {
    await openStudio(page, server.url, server.demoPassword, manager.email);
    await page.getByRole('heading', { level: 1, name: 'My team' }).waitFor();
    const team = wonValue(csv.deals, manager.agents);
    expect(await figureValue('won')).toBe(team);
    expect((await query({ metrics: [WON] }))[0]?.[WON]).toBe(team);
    const rows = page.locator('[data-widget="reps"] tbody tr');
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBeGreaterThan(0);
    const onScreen = await rows.evaluateAll((trs) => trs.map((tr) => ({ name: tr.querySelectorAll('td')[1]?.textContent ?? '', value: Number(tr.querySelector('[data-metric="pipeline.won_value"]')?.getAttribute('data-value')) })));
    const withDeals = [...manager.agents].filter((a) => csv.deals.some((d) => d.agent === a));
    expect(onScreen.map((r) => r.name).sort()).toEqual(withDeals.sort());
    for (const r of onScreen) expect(r.value, r.name).toBe(wonValue(csv.deals, new Set([r.name])));
    const api = await query({ metrics: [WON], groupBy: ['owner'] });
    expect(Object.fromEntries(api.map((r) => [r.owner, r[WON]]))).toEqual(Object.fromEntries(onScreen.map((r) => [r.name, r.value])));
    await page.waitForTimeout(500);
    await screenshot(page, 'dashboard-manager-home');
  });

  it('drills down from a figure to the records behind it, with links to the record pages', async () => {
    await openStudio(page, server.url, server.demoPassword, rep.email);
    const count = await figureValue('won-count');
    expect(count).toBe(csv.deals.filter((d) => d.agent === rep.name && d.stage === 'Won').length);
    await figure('won-count').click();
    const panel = page.getByRole('dialog');
    await panel.getByRole('heading', { name: /Deals won: the records behind it/ }).waitFor();
    const links = panel.locator('tbody tr a');
    await expect.poll(() => links.count(), { timeout: 30_000 }).toBe(Math.min(50, count));
    while (await panel.getByRole('button', { name: 'Load more' }).isVisible()) {
      const n = await links.count();
      await panel.getByRole('button', { name: 'Load more' }).click();
      await expect.poll(() => links.count(), { timeout: 30_000 }).toBeGreaterThan(n);
    }
    // the same records as the metric API's drill-down for the rep, and exactly his won deals
    const hrefs = await links.evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''));
    expect(hrefs).toHaveLength(count);
    const fromApi: string[] = [];
    for (let cursor: string | null = null; ; ) {
      const res: { status: number; body: { items: { id: string; stage: string; owner: string }[]; nextCursor: string | null } } = await apiInPage(page, 'POST', '/api/metrics/records', { metric: 'pipeline.won_count', cell: {}, limit: 500, ...(cursor ? { cursor } : {}) });
      expect(res.status).toBe(200);
      expect(res.body.items.every((r) => r.stage === 'won')).toBe(true);
      fromApi.push(...res.body.items.map((r) => `/records/pipeline.deal/${r.id}`));
      cursor = res.body.nextCursor;
      if (!cursor) break;
    }
    expect(hrefs.sort()).toEqual(fromApi.sort());
    await panel.evaluate((el) => el.scrollTo(0, 0));
    await page.screenshot({ path: `${ARTIFACTS_DIR}dashboard-drill-down.png` });
    const first = links.first();
    const name = (await first.textContent()) ?? '';
    expect(await first.getAttribute('href')).toMatch(/^\/records\/pipeline\.deal\/[0-9a-f-]{36}$/);
    await first.click();
    await page.getByRole('heading', { level: 1, name }).waitFor();
  });

  it('lets an admin edit the company dashboard: retitle, change a chart, resize, add and remove widgets, save', async () => {
    await openStudio(page, server.url, server.demoPassword);
    await page.getByRole('heading', { level: 1, name: 'Company sales' }).waitFor();
    await expect.poll(() => page.locator('[data-widget="offices"] canvas').count(), { timeout: 30_000 }).toBe(1);
    await page.waitForTimeout(500);
    await screenshot(page, 'dashboard-company-home');
    const before = (await apiInPage<{ revision: number; dashboard: { widgets: { id: string }[] } }>(page, 'GET', '/api/dashboards/pipeline.company_home')).body;

    await page.getByRole('button', { name: 'Edit dashboard' }).click();
    const teams = page.locator('[data-widget-editor="teams"]');
    await teams.getByLabel('Title (English)').fill('Teams ranked');
    await teams.getByLabel('Title (Chinese)').fill('团队排名');
    await teams.getByLabel('Chart kind').selectOption('bar');
    await teams.getByLabel('Width (of 12 columns)').fill('12');
    await page.locator('[data-widget-editor="office-table"]').getByRole('button', { name: 'Remove widget' }).click();
    await page.getByRole('button', { name: 'Add widget' }).click();
    const added = page.locator('[data-widget-editor="widget-1"]');
    await added.getByLabel('Title (English)').fill('Deals lost');
    await added.getByLabel('Title (Chinese)').fill('输单数');
    await added.getByLabel('Metrics 1').selectOption('pipeline.lost_count');
    await screenshot(page, 'dashboard-editor');
    await page.getByRole('button', { name: 'Save dashboard' }).click();
    await page.getByRole('heading', { level: 1, name: 'Company sales' }).waitFor();

    const after = (await apiInPage<{ revision: number; dashboard: { widgets: { id: string; kind: string; title: { en: string; 'zh-CN': string }; layout: { w: number }; query: { metrics: string[]; groupBy?: string[] } }[] } }>(page, 'GET', '/api/dashboards/pipeline.company_home')).body;
    expect(after.revision).toBe(before.revision + 1);
    const byId = Object.fromEntries(after.dashboard.widgets.map((w) => [w.id, w]));
    expect(byId.teams).toMatchObject({ kind: 'bar', title: { en: 'Teams ranked', 'zh-CN': '团队排名' }, layout: { w: 12 }, query: { groupBy: ['team'] } });
    expect(byId['office-table']).toBeUndefined();
    expect(byId['widget-1']).toMatchObject({ kind: 'number', title: { en: 'Deals lost' }, query: { metrics: ['pipeline.lost_count'] } });
    // the saved dashboard shows: the new number is the company's lost deals
    const lost = csv.deals.filter((d) => d.stage === 'Lost').length;
    expect(await figureValue('widget-1')).toBe(lost);
    await page.locator('[data-widget="teams"]').getByRole('heading', { name: 'Teams ranked' }).waitFor();

    // and in Chinese
    await page.getByLabel('Language').first().selectOption('zh-CN');
    await page.getByRole('heading', { level: 1, name: '公司销售' }).waitFor();
    await page.locator('[data-widget="teams"]').getByRole('heading', { name: '团队排名' }).waitFor();
    await expect.poll(() => page.locator('[data-widget="offices"] canvas').count(), { timeout: 30_000 }).toBe(1);
    await page.waitForTimeout(500);
    await screenshot(page, 'dashboard-company-zh-cn');
    await page.getByLabel('语言').first().selectOption('en');
  });

  it('lets an admin create a dashboard, make it the home of a role, and delete it', async () => {
    await openStudio(page, `${server.url}/dashboards`, server.demoPassword);
    const form = page.getByRole('form', { name: 'New dashboard' });
    await form.getByLabel('Title (English)').fill('Marketing view');
    await form.getByLabel('Title (Chinese)').fill('市场视图');
    await form.getByRole('button', { name: 'Create and edit' }).click();
    await page.getByRole('heading', { level: 1, name: 'Edit dashboard: Marketing view' }).waitFor();
    await page.getByRole('group', { name: 'Home page of' }).getByLabel('marketing').check();
    await page.getByRole('button', { name: 'Add widget' }).click();
    await page.locator('[data-widget-editor="widget-1"]').getByLabel('Metrics 1').selectOption('pipeline.deal_count');
    await page.getByRole('button', { name: 'Save dashboard' }).click();
    await page.getByRole('heading', { level: 1, name: 'Marketing view' }).waitFor();
    expect(await figureValue('widget-1')).toBe(csv.deals.length);
    const list = (await apiInPage<{ items: { id: string; title: { en: string }; homeFor: string[]; widgets: number }[] }>(page, 'GET', '/api/dashboards')).body.items;
    const created = list.find((d) => d.title.en === 'Marketing view');
    expect(created).toMatchObject({ homeFor: ['marketing'], widgets: 1 });

    await page.goto(`${server.url}/dashboards`);
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('listitem').filter({ hasText: 'Marketing view' }).getByRole('button', { name: 'Delete' }).click();
    await expect.poll(() => page.getByRole('listitem').filter({ hasText: 'Marketing view' }).count()).toBe(0);
    expect((await apiInPage(page, 'GET', `/api/dashboards/${created?.id}`)).status).toBe(404);
  });

  it('keeps a rep out of the editor and refuses his writes', async () => {
    await openStudio(page, server.url, server.demoPassword, rep.email);
    await page.getByRole('heading', { level: 1, name: 'My sales' }).waitFor();
    expect(await page.getByRole('button', { name: 'Edit dashboard' }).count()).toBe(0);
    const view = await apiInPage<{ revision: number; dashboard: unknown }>(page, 'GET', '/api/dashboards/pipeline.rep_home');
    const put = await apiInPage(page, 'PUT', '/api/dashboards/pipeline.rep_home', view.body.dashboard, { 'if-match': `"${view.body.revision}"` });
    expect(put.status).toBe(403);
  });
});
