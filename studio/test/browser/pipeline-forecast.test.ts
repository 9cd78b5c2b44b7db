import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiInPage, launchChromium, pagePerTest, screenshot } from './support/browser';
import { openStudio } from './support/sign-in';
import { startStudioServer, type StudioServer } from './support/studio-server';

interface Figures {
  closed: number;
  weighted_pipeline: number;
  rollup: { commit: number; best_case: number; pipeline: number };
  model: { forecast: number; p10: number; p90: number };
}
interface ForecastAnswer {
  period: { start: string; end: string };
  total: Figures;
  rows: { id: string; name: string; figures: Figures }[];
}
interface BacktestAnswer {
  origins: { origin: string; actual: number; forecast: number; p10: number; p90: number; baselines: { weighted_pipeline: number; run_rate: number } }[];
  mape: { model: number; weighted_pipeline: number; run_rate: number };
  coverage: { inside: number; of: number };
}

const PAGE = '/p/pipeline/forecast';
const QUERY = '?period=quarter&date=2017-12-15&from=2017-04-01&to=2017-10-01&horizon=91';

/**
 * The pipeline plugin's forecast page in Chromium against the real runtime (PGlite, the 8,800 demo
 * deals with their own dates): the current forecast's figures and rows and the backtest's table,
 * MAPE and coverage, each checked against the API's answer; the chart drawn; zh-CN labels.
 */
describe('pipeline forecast in chromium', () => {
  let server: StudioServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    browser = await launchChromium();
    server = await startStudioServer({ demo: true });
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  pagePerTest(() => browser, { width: 1360, height: 1000 }, (p) => (page = p));

  const api = async <T>(path: string) => {
    const res = await apiInPage<T>(page, 'GET', path);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body;
  };
  const settle = async () => {
    await expect.poll(() => page.locator('[data-testid="pipeline-forecast"] [role="status"]').count(), { timeout: 60_000 }).toBe(0);
    await page.waitForTimeout(600); // the chart's entry animation, before a screenshot
  };
  const value = async (id: string) => Number(await page.getByTestId(id).getAttribute('data-value'));
  const rows = (testId: string, key: string) =>
    page.getByTestId(testId).locator('tbody tr').evaluateAll(
      (trs, k) => trs.map((tr) => ({ key: tr.getAttribute(k), cols: Object.fromEntries([...tr.querySelectorAll('td[data-col]')].map((td) => [td.getAttribute('data-col'), Number(td.getAttribute('data-value'))])), text: [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '') })),
      key,
    );

  it('shows the current forecast and the backtest as the API answers them', async () => {
    await openStudio(page, server.url, server.demoPassword);
    await page.getByRole('navigation').getByRole('link', { name: 'Forecast', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Forecast' }).waitFor();
    expect(new URL(page.url()).pathname).toBe(PAGE);
    await page.goto(`${server.url}${PAGE}${QUERY}`);
    await page.getByRole('heading', { level: 1, name: 'Forecast' }).waitFor();
    await settle();

    const current = await api<ForecastAnswer>('/api/plugins/pipeline/forecast?period=quarter&date=2017-12-15');
    expect(current.period).toMatchObject({ start: '2017-10-01', end: '2017-12-31' });
    expect(current.total.closed).toBeGreaterThan(0);
    expect(await value('total-closed')).toBe(current.total.closed);
    expect(await value('total-commit')).toBe(current.total.rollup.commit);
    expect(await value('total-pipeline')).toBe(current.total.rollup.pipeline);
    expect(await value('total-weighted')).toBe(current.total.weighted_pipeline);
    expect(await value('total-forecast')).toBe(current.total.model.forecast);
    expect(await page.getByTestId('total-closed').textContent()).toBe(new Intl.NumberFormat('en', { style: 'currency', currency: 'USD', maximumFractionDigits: 0 }).format(current.total.closed));
    const shownRows = await rows('forecast-rows', 'data-row');
    expect(shownRows.map((r) => r.key)).toEqual(current.rows.map((r) => r.id));
    expect(shownRows.length).toBeGreaterThan(1);
    for (const r of current.rows) expect(shownRows.find((s) => s.key === r.id)?.cols.closed, r.name).toBe(r.figures.closed);

    const bt = await api<BacktestAnswer>('/api/plugins/pipeline/forecast/backtest?horizonDays=91&origins=monthly&from=2017-04-01&to=2017-10-01');
    expect(bt.origins).toHaveLength(7);
    const table = await rows('forecast-backtest-table', 'data-origin');
    expect(table.map((r) => r.key)).toEqual(bt.origins.map((o) => o.origin.slice(0, 10)));
    for (const o of bt.origins) {
      const r = table.find((x) => x.key === o.origin.slice(0, 10));
      expect(r?.cols, o.origin).toEqual({ actual: o.actual, forecast: o.forecast, p10: o.p10, p90: o.p90, weighted: o.baselines.weighted_pipeline, run_rate: o.baselines.run_rate });
    }
    expect(await value('mape-model')).toBe(bt.mape.model);
    expect(await value('mape-weighted')).toBe(bt.mape.weighted_pipeline);
    expect(await value('mape-run-rate')).toBe(bt.mape.run_rate);
    // The page formats with Intl (half away from zero on the decimal value); toFixed rounds the binary one and can differ.
    expect(await page.getByTestId('mape-model').textContent()).toBe(`${new Intl.NumberFormat('en', { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(bt.mape.model)}%`);
    expect(await page.getByTestId('coverage').textContent()).toBe(`${bt.coverage.inside} of 7 origins`);
    await expect.poll(() => page.locator('[data-testid="forecast-backtest-chart"] canvas').count(), { timeout: 30_000 }).toBe(1);
    await screenshot(page, 'pipeline-forecast-admin');

    // a row opens its unit: the scope narrows and the address keeps it
    const first = current.rows[0];
    await page.getByTestId('forecast-rows').getByRole('button', { name: first?.name ?? '' }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('unit')).toBe(first?.id);
    await settle();
    expect(await value('total-closed')).toBe(first?.figures.closed);
  }, 240_000);

  it('refuses a bad backtest range readably, naming the parameter', async () => {
    await openStudio(page, `${server.url}${PAGE}?from=2017-10-01&to=2017-04-01`, server.demoPassword);
    await page.getByRole('heading', { level: 1, name: 'Forecast' }).waitFor();
    const alert = page.getByTestId('forecast-backtest').getByRole('alert');
    await alert.waitFor({ timeout: 30_000 });
    expect(await alert.textContent()).toContain('422');
    expect(await alert.textContent()).toContain('to: must not be before from');
  });

  it('submits a forecast call with an adjustment and a reason, listed for the period and kept as a record', async () => {
    await openStudio(page, `${server.url}${PAGE}${QUERY}`, server.demoPassword);
    await page.getByRole('heading', { level: 1, name: 'Forecast' }).waitFor();
    await settle();
    await page.getByTestId('forecast-submissions').getByText('No call submitted for this period and scope yet.').waitFor();
    const rolled = Number(await page.getByTestId('submission-rolled').getAttribute('data-value'));
    const form = page.getByRole('form', { name: 'Submit a forecast call' });
    await form.getByLabel('Adjustment').fill('-50000');
    await form.getByLabel('Reason').fill('Two renewals slip to January');
    await form.getByRole('button', { name: 'Submit call' }).click();
    const table = page.getByTestId('forecast-submissions-table');
    await table.waitFor({ timeout: 30_000 });
    const shown = await rows('forecast-submissions-table', 'data-record');
    expect(shown).toHaveLength(1);
    expect(shown[0]?.cols).toEqual({ rolled_up: rolled, adjustment: -50000, call: rolled - 50000 });
    expect(shown[0]?.text[4]).toBe('Two renewals slip to January');
    const saved = await api<{ items: { id: string; data: Record<string, unknown> }[] }>('/api/records/pipeline.forecast_submission');
    expect(saved.items).toHaveLength(1);
    expect(saved.items[0]?.data).toMatchObject({ grain: 'quarter', period_start: '2017-10-01', call: { amount: rolled - 50000, currency: 'USD' }, reason: 'Two renewals slip to January' });
    expect(shown[0]?.key).toBe(saved.items[0]?.id);
    await screenshot(page, 'pipeline-forecast-submission');
  }, 180_000);

  it('speaks Simplified Chinese in zh-CN', async () => {
    await openStudio(page, `${server.url}${PAGE}${QUERY}`, server.demoPassword);
    await page.getByLabel('Language').first().selectOption('zh-CN');
    await page.getByRole('heading', { level: 1, name: '销售预测' }).waitFor();
    await settle();
    for (const title of ['当前预测', '预测的历史准确度（回测）']) await page.getByRole('heading', { level: 2, name: title }).waitFor();
    const head = (await page.getByTestId('forecast-backtest-table').locator('thead').textContent()) ?? '';
    for (const label of ['预测起点', '实际', '基于历史的预测', '加权在途金额', '运行率']) expect(head).toContain(label);
    expect(await page.getByTestId('coverage').textContent()).toMatch(/^7 个起点中有 \d 个$/);
    await screenshot(page, 'pipeline-forecast-zh-CN');
  }, 180_000);
});
