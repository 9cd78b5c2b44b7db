import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../../runtime/src/auth/password';
import { daysBetween, median, opportunities, type Opportunity } from '../../../runtime/test/metrics/csv-oracle';
import { apiInPage, launchChromium, pagePerTest, screenshot } from './support/browser';
import { openStudio } from './support/sign-in';
import { startStudioServer, type StudioServer } from './support/studio-server';

type Row = Record<string, string | number | null>;
type Funnel = { stages: { id: string }[]; rows: Row[] };
type Times = { stages: { stage: string; finished: number; medianDays: number | null; p90Days: number | null }[] };
type Stuck = { items: { record: string; name: string | null; owner: string | null; stage: string; days: number }[] };

const PAGE = '/p/pipeline/analytics';
const pct = (v: number, locale = 'en-US') => new Intl.NumberFormat(locale, { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(v);
/** The CSV's deals that reached a stage of new_business (every deal prospected; engaged unless still prospecting). */
const reached = (o: Opportunity, stage: string) => stage === 'prospecting' || (stage === 'engaging' && o.stage !== 'Prospecting') || o.stage.toLowerCase() === stage;
const winRate = (list: Opportunity[]) => list.filter((o) => o.stage === 'Won').length / list.filter((o) => o.stage === 'Won' || o.stage === 'Lost').length;

/**
 * The pipeline plugin's analytics page in Chromium against the real runtime (PGlite, the 8,800
 * demo deals): conversion by stage, time in stage and stuck deals as an admin and as a manager,
 * checked against the APIs' answers and against counts computed here from the CSV file; a split,
 * a period, a refused query shown readably, and the zh-CN labels.
 */
describe('pipeline analytics in chromium', () => {
  let server: StudioServer;
  let browser: Browser;
  let page: Page;
  let manager: { email: string; name: string; agents: Set<string> };
  let userNames: Map<string, string>;

  beforeAll(async () => {
    browser = await launchChromium();
    server = await startStudioServer({ demo: true });
    const db = server.platform.database.db;
    const users = await db.selectFrom('users').select(['id', 'name', 'email']).execute();
    userNames = new Map(users.map((u) => [u.id, u.name]));
    // the manager whose team has the fewest deals: visibly not the company's numbers
    const byManager = new Map<string, number>();
    for (const o of opportunities) byManager.set(o.manager, (byManager.get(o.manager) ?? 0) + 1);
    const name = [...byManager.entries()].sort((a, b) => a[1] - b[1])[0]?.[0] ?? '';
    const boss = users.find((u) => u.name === name);
    if (!boss) throw new Error(`no user for manager ${name}`);
    await db.updateTable('users').set({ password_hash: await hashPassword(server.demoPassword) }).where('id', '=', boss.id).execute();
    manager = { email: boss.email, name, agents: new Set(opportunities.filter((o) => o.manager === name).map((o) => o.agent)) };
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  pagePerTest(() => browser, { width: 1360, height: 900 }, (p) => (page = p));

  const api = async <T>(method: string, path: string, json?: unknown) => {
    const res = await apiInPage<T>(page, method, path, json);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body;
  };
  const overallValue = async (id: string) => {
    const el = page.getByTestId(id);
    await el.waitFor({ timeout: 30_000 });
    return { value: Number(await el.getAttribute('data-value')), text: (await el.textContent()) ?? '' };
  };
  /** The rows of a section's table: stage, group and each numeric column's raw value. */
  const tableRows = (testId: string) =>
    page.getByTestId(testId).locator('tbody tr').evaluateAll((trs) =>
      trs.map((tr) => ({
        stage: tr.getAttribute('data-stage'),
        group: tr.getAttribute('data-group'),
        record: tr.getAttribute('data-record'),
        href: tr.querySelector('a')?.getAttribute('href') ?? null,
        cols: Object.fromEntries([...tr.querySelectorAll('td[data-col]')].map((td) => [td.getAttribute('data-col'), td.getAttribute('data-value') === '' ? null : Number(td.getAttribute('data-value'))])),
        text: [...tr.querySelectorAll('td')].map((td) => td.textContent ?? ''),
      })),
    );
  const settle = async () => {
    await expect.poll(() => page.locator('[data-testid="pipeline-analytics"] [role="status"]').count(), { timeout: 30_000 }).toBe(0);
    await page.waitForTimeout(600); // the charts' entry animation, before a screenshot
  };

  it('shows an admin the conversion, time in stage and stuck deals of new business, as the APIs and the CSV count them', async () => {
    await openStudio(page, server.url, server.demoPassword);
    await page.getByRole('navigation').getByRole('link', { name: 'Pipeline analytics' }).click();
    await page.getByRole('heading', { level: 1, name: 'Pipeline analytics' }).waitFor();
    expect(new URL(page.url()).pathname).toBe(PAGE);
    await settle();

    // 1. conversion: the overall figures, against the CSV (8,800 deals; won / (won + lost))
    const entered = await overallValue('overall-entered');
    expect(entered.value).toBe(opportunities.length);
    expect(entered.text).toBe(new Intl.NumberFormat('en-US').format(opportunities.length));
    const closedRate = winRate(opportunities);
    const wonPerClosed = await overallValue('overall-won-per-closed');
    expect(wonPerClosed.value).toBeCloseTo(closedRate, 12);
    expect(wonPerClosed.text).toBe(pct(closedRate));
    const wonPerEntered = await overallValue('overall-won-per-entered');
    expect(wonPerEntered.value).toBeCloseTo(opportunities.filter((o) => o.stage === 'Won').length / opportunities.length, 12);
    // both rates are labelled as such, on the figures and in the table's header
    await expect.poll(() => page.getByTestId('analytics-overall').textContent()).toContain('Won / closed (win rate)');
    expect(await page.getByTestId('analytics-funnel-table').locator('thead').textContent()).toContain('Won / entered');

    // every stage row: the API's numbers, and the CSV's
    const funnel = await api<Funnel>('POST', '/api/metrics/funnel', { process: 'new_business' });
    const rows = await tableRows('analytics-funnel-table');
    expect(rows.map((r) => r.stage)).toEqual(funnel.stages.map((s) => s.id));
    for (const r of rows) {
      const a = funnel.rows.find((x) => x.stage === r.stage);
      const mine = opportunities.filter((o) => reached(o, String(r.stage)));
      const won = mine.filter((o) => o.stage === 'Won').length;
      const lost = mine.filter((o) => o.stage === 'Lost').length;
      expect([r.cols.entered, r.cols.won, r.cols.lost], String(r.stage)).toEqual([a?.entered ?? 0, a?.won ?? 0, a?.lost ?? 0]);
      expect([r.cols.entered, r.cols.won, r.cols.lost], String(r.stage)).toEqual([mine.length, won, lost]);
      if (won + lost > 0) expect(r.cols.won_per_closed).toBeCloseTo(won / (won + lost), 12);
    }
    const engaging = rows.find((r) => r.stage === 'engaging');
    expect(engaging?.text).toContain(pct(Number(engaging?.cols.won_per_closed)));
    await expect.poll(() => page.locator('[data-testid="analytics-funnel-chart"] canvas').count(), { timeout: 30_000 }).toBe(1);

    // 2. time in stage: the API's medians and 90th percentiles; engaging's from the CSV's dates
    const times = await api<Times>('GET', '/api/pipeline/time-in-stage?process=new_business');
    const timeRows = await tableRows('analytics-time-table');
    expect(timeRows.length).toBe(times.stages.length);
    for (const s of times.stages) {
      const r = timeRows.find((x) => x.stage === s.stage);
      expect([r?.cols.finished, r?.cols.median, r?.cols.p90], s.stage).toEqual([s.finished, s.medianDays, s.p90Days]);
    }
    const closed = opportunities.filter((o) => (o.stage === 'Won' || o.stage === 'Lost') && o.engage && o.close);
    const engagingTime = timeRows.find((r) => r.stage === 'engaging');
    expect(engagingTime?.cols.finished).toBe(closed.length);
    expect(engagingTime?.cols.median).toBeCloseTo(median(closed.map((o) => daysBetween(o.engage, o.close))), 2);
    expect(engagingTime?.text[2]).toBe(new Intl.NumberFormat('en-US', { style: 'unit', unit: 'day', unitDisplay: 'long', maximumFractionDigits: 1 }).format(Number(engagingTime?.cols.median)));
    await expect.poll(() => page.locator('[data-testid="analytics-time-chart"] canvas').count(), { timeout: 30_000 }).toBe(1);

    // 3. stuck deals: the API's list, longest first, each linking to its record page
    const stuck = await api<Stuck>('GET', '/api/pipeline/stuck?process=new_business&limit=100');
    const stuckRows = await tableRows('analytics-stuck-table');
    expect(stuck.items.length).toBeGreaterThan(0);
    expect(stuckRows.map((r) => r.record)).toEqual(stuck.items.map((i) => i.record));
    expect(stuckRows.map((r) => r.href)).toEqual(stuck.items.map((i) => `/records/pipeline.deal/${i.record}`));
    expect(stuckRows.map((r) => r.cols.days)).toEqual(stuck.items.map((i) => i.days));
    await screenshot(page, 'pipeline-analytics-admin');

    const first = stuck.items[0];
    await page.getByTestId('analytics-stuck-table').locator('tbody tr').first().getByRole('link').click();
    await expect.poll(() => new URL(page.url()).pathname).toBe(`/records/pipeline.deal/${first?.record}`);
    await page.getByRole('heading', { level: 1, name: first?.name ?? '' }).waitFor({ timeout: 30_000 });
  });

  it('splits by office and narrows to a period, and shows a refused query readably', async () => {
    await openStudio(page, `${server.url}${PAGE}`, server.demoPassword);
    await page.getByRole('heading', { level: 1, name: 'Pipeline analytics' }).waitFor();
    await page.getByLabel('Split by').selectOption('office');
    await expect.poll(() => new URL(page.url()).search).toBe('?split=office');
    await settle();
    const rows = await tableRows('analytics-funnel-table');
    const offices = [...new Set(opportunities.map((o) => o.office))].sort();
    expect([...new Set(rows.map((r) => r.group))].sort()).toEqual(offices);
    for (const office of offices) {
      const mine = opportunities.filter((o) => o.office === office);
      const r = rows.find((x) => x.group === office && x.stage === 'prospecting');
      expect(r?.cols.entered, office).toBe(mine.length);
      expect(r?.cols.won_per_closed, office).toBeCloseTo(winRate(mine), 12);
    }
    await screenshot(page, 'pipeline-analytics-by-office');

    // a period: deals that entered the process in the first half of 2017, as the API counts them
    await page.goto(`${server.url}${PAGE}?from=2017-01-01&to=2017-06-30`);
    await page.getByRole('heading', { level: 1, name: 'Pipeline analytics' }).waitFor();
    await settle();
    expect(await page.getByLabel('From', { exact: true }).inputValue()).toBe('2017-01-01');
    const half = await api<Funnel>('POST', '/api/metrics/funnel', { process: 'new_business', from: '2017-01-01', to: '2017-06-30' });
    const start = half.rows.find((r) => r.stage === 'prospecting');
    const shown = await overallValue('overall-entered');
    expect(shown.value).toBe(start?.entered);
    expect(shown.value).toBeGreaterThan(0);
    expect(shown.value).toBeLessThan(opportunities.length);
    expect((await overallValue('overall-won-per-closed')).value).toBeCloseTo(Number(start?.won_per_closed), 12);

    // to before from: the server's 422 is shown with its detail and the member it names
    await page.getByLabel('To', { exact: true }).fill('2016-01-01');
    const alert = page.getByTestId('analytics-funnel').getByRole('alert');
    await alert.waitFor({ timeout: 30_000 });
    expect(await alert.textContent()).toContain('422');
    expect(await alert.textContent()).toContain('/from: is after "to"');
    // the other sections stay, time in stage still in the process's stage order
    expect((await tableRows('analytics-time-table')).map((r) => r.stage)).toEqual(['prospecting', 'engaging', 'won', 'lost']);
    await screenshot(page, 'pipeline-analytics-refused');
  });

  it("shows a manager only his team's conversion and stuck deals", async () => {
    await openStudio(page, `${server.url}${PAGE}`, server.demoPassword, manager.email);
    await page.getByRole('heading', { level: 1, name: 'Pipeline analytics' }).waitFor();
    await settle();
    const team = opportunities.filter((o) => manager.agents.has(o.agent));
    expect(team.length).toBeLessThan(opportunities.length / 3);
    expect((await overallValue('overall-entered')).value).toBe(team.length);
    const rate = await overallValue('overall-won-per-closed');
    expect(rate.value).toBeCloseTo(winRate(team), 12);
    expect(rate.text).toBe(pct(winRate(team)));
    const funnel = await api<Funnel>('POST', '/api/metrics/funnel', { process: 'new_business' });
    expect(funnel.rows.find((r) => r.stage === 'prospecting')?.entered).toBe(team.length);

    const stuck = await api<Stuck>('GET', '/api/pipeline/stuck?process=new_business&limit=100');
    const stuckRows = await tableRows('analytics-stuck-table');
    expect(stuckRows.map((r) => r.record)).toEqual(stuck.items.map((i) => i.record));
    expect(stuck.items.length).toBeGreaterThan(0);
    for (const i of stuck.items) expect(manager.agents.has(userNames.get(i.owner ?? '') ?? ''), i.record).toBe(true);
    await screenshot(page, 'pipeline-analytics-manager');
  });

  it('speaks Simplified Chinese in zh-CN, numbers formatted for the locale', async () => {
    await openStudio(page, `${server.url}${PAGE}`, server.demoPassword);
    await page.getByLabel('Language').first().selectOption('zh-CN');
    await page.getByRole('heading', { level: 1, name: '销售管道分析' }).waitFor();
    await settle();
    await page.getByRole('navigation').getByRole('link', { name: '管道分析' }).waitFor();
    for (const title of ['各阶段转化', '阶段停留时间', '停滞商机']) await page.getByRole('heading', { level: 2, name: title }).waitFor();
    const head = (await page.getByTestId('analytics-funnel-table').locator('thead').textContent()) ?? '';
    for (const label of ['阶段', '进入数', '赢单 / 进入', '赢单 / 已关闭（赢率）']) expect(head).toContain(label);
    expect(await page.getByLabel('流程').locator('option:checked').textContent()).toBe('新业务');
    expect(await page.getByLabel('拆分维度').locator('option').allTextContents()).toEqual(['不拆分', '大区', '团队', '负责人', '产品', '来源']);
    // stage names from the plugin's zh-CN stage labels
    const stages = (await tableRows('analytics-funnel-table')).map((r) => r.text[0]);
    expect(stages).toEqual(['潜在', '接洽 / 已确认', '方案', '谈判', '赢单', '输单'].filter((_, i) => i < stages.length));
    expect(stages).toContain('赢单');
    expect((await overallValue('overall-won-per-closed')).text).toBe(pct(winRate(opportunities), 'zh-CN'));
    const days = (await tableRows('analytics-time-table')).find((r) => r.stage === 'engaging')?.text[2] ?? '';
    expect(days).toMatch(/^[\d.]+天$/);
    await screenshot(page, 'pipeline-analytics-zh-CN');
  });
});
