import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { opportunities } from '../../../runtime/test/metrics/csv-oracle';
import { launchChromium, pagePerTest, screenshot } from './support/browser';
import { openStudio } from './support/sign-in';
import { startStudioServer, type StudioServer } from './support/studio-server';

/** Stage probabilities of the demo's new-business process (plugins/pipeline/processes). */
const PROBABILITY: Record<string, number> = { prospecting: 0.1, engaging: 0.3 };

/**
 * The board's money (issue 20): the header's open, weighted and won totals and each column's
 * figures on the 8,800 demo deals, checked against sums computed here from the CSV file (open
 * deals at their product's list price, won deals at their close value), for the company and
 * with the owner filter, in English and Chinese.
 */
describe('board figures in chromium', () => {
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
  pagePerTest(() => browser, { width: 1500, height: 900 }, (p) => (page = p));

  const expected = (agent?: string) => {
    const mine = opportunities.filter((o) => agent === undefined || o.agent === agent);
    const open = mine.filter((o) => o.stage === 'Prospecting' || o.stage === 'Engaging');
    const byStage = (stage: string) => open.filter((o) => o.stage.toLowerCase() === stage).reduce((s, o) => s + o.listPrice, 0);
    return {
      open: open.reduce((s, o) => s + o.listPrice, 0),
      weighted: open.reduce((s, o) => s + o.listPrice * (PROBABILITY[o.stage.toLowerCase()] ?? 0), 0),
      won: mine.filter((o) => o.stage === 'Won').reduce((s, o) => s + o.value, 0),
      prospecting: byStage('prospecting'),
      engaging: byStage('engaging'),
    };
  };
  const total = async (metric: string) => Number(await page.locator(`[data-testid="board-totals"] [data-metric="${metric}"]`).getAttribute('data-value'));
  const column = async (stage: string, metric: string) => Number(await page.locator(`[data-testid="column-${stage}"] .column-values [data-metric="${metric}"]`).getAttribute('data-value'));
  const ready = async () => {
    await page.locator('[data-testid="board"][data-ready="true"]').waitFor({ timeout: 30_000 });
    await page.locator('[data-testid="board-totals"]').waitFor({ timeout: 30_000 });
  };

  it('shows open, weighted and won value in total and per column, for the company and for one owner', async () => {
    await openStudio(page, `${server.url}/board/pipeline.deal`, server.demoPassword);
    await ready();
    const all = expected();
    await expect.poll(() => total('pipeline.open_pipeline_value'), { timeout: 20_000 }).toBe(all.open);
    expect(await total('pipeline.weighted_pipeline_value')).toBeCloseTo(all.weighted, 2);
    expect(await total('pipeline.won_value')).toBe(all.won);
    expect(await column('prospecting', 'pipeline.open_pipeline_value')).toBe(all.prospecting);
    expect(await column('engaging', 'pipeline.open_pipeline_value')).toBe(all.engaging);
    expect(await column('engaging', 'pipeline.weighted_pipeline_value')).toBeCloseTo(all.engaging * 0.3, 2);
    expect(await column('won', 'pipeline.won_value')).toBe(all.won);
    expect(await page.locator('[data-testid="column-lost"] .column-values').count()).toBe(0);
    // a column shows only the figures that count its stage
    expect(await page.locator('[data-testid="column-won"] .column-values [data-metric]').evaluateAll((els) => els.map((e) => e.getAttribute('data-metric')))).toEqual(['pipeline.won_value']);
    expect(await page.locator('[data-testid="column-prospecting"] .column-values [data-metric]').evaluateAll((els) => els.map((e) => e.getAttribute('data-metric')))).toEqual(['pipeline.open_pipeline_value', 'pipeline.weighted_pipeline_value']);
    const shown = await page.locator('[data-testid="board-totals"] [data-metric="pipeline.won_value"] dd').textContent();
    expect(shown).toBe(new Intl.NumberFormat('en', { style: 'currency', currency: 'USD', maximumFractionDigits: 0 }).format(all.won));
    await screenshot(page, 'board-values-en');

    const darcel = expected('Darcel Schlecht');
    await page.goto(`${server.url}/board/pipeline.deal?owner=darcel-schlecht`);
    await ready();
    await expect.poll(() => total('pipeline.won_value'), { timeout: 20_000 }).toBe(darcel.won);
    expect(await total('pipeline.open_pipeline_value')).toBe(darcel.open);
    expect(await column('engaging', 'pipeline.open_pipeline_value')).toBe(darcel.engaging);
    expect(darcel.won).toBeLessThan(all.won);

    await page.getByLabel('Language').first().selectOption('zh-CN');
    await page.getByRole('heading', { name: '销售看板' }).waitFor();
    const labels = await page.locator('[data-testid="board-totals"] dt').allTextContents();
    expect(labels.every((l) => /[\u4e00-\u9fff]/.test(l))).toBe(true);
    await screenshot(page, 'board-values-zh');
  });

  it('searches the cards of every column and orders them by a chosen field', async () => {
    // the CSV's deals of one account, by stage (plain parsing: the file has no quoted fields)
    const [header, ...lines] = readFileSync('/work/shared/datasets/crm-sales-opportunities/sales_pipeline.csv', 'utf8').split(/\r?\n/).filter((l) => l.trim() !== '');
    const cols = (header ?? '').split(',');
    const deals = lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i], v])) as Record<string, string>);
    const ofAccount = (stage: string) => deals.filter((d) => d.account === 'Rundofase' && d.deal_stage === stage).length;

    await openStudio(page, `${server.url}/board/pipeline.deal`, server.demoPassword);
    await ready();
    await page.getByLabel('Search').fill('Rundofase');
    await page.waitForURL(/q=Rundofase/);
    await ready();
    const count = async (stage: string) => Number((await page.locator(`[data-testid="column-${stage}"] [data-testid="column-count"]`).textContent())?.replace(/[^0-9]/g, ''));
    await expect.poll(() => count('won'), { timeout: 20_000 }).toBe(ofAccount('Won'));
    expect(await count('lost')).toBe(ofAccount('Lost'));
    expect(await count('engaging')).toBe(ofAccount('Engaging'));
    const titles = await page.locator('[data-testid="column-won"] li a').first().textContent();
    expect(titles).toContain('Rundofase');
    expect(await page.getByTestId('figures-note').isVisible()).toBe(true);

    // amount high to low: the won column's first cards carry the highest amounts, in order
    await page.getByLabel('Order').selectOption('-amount');
    await page.waitForURL(/sort=-amount/);
    await ready();
    const amounts = async () => (await page.locator('[data-testid="column-won"] li [data-testid="card-amount"]').allTextContents()).map((t) => Number(t.replace(/[^0-9.]/g, '')));
    await expect.poll(async () => (await amounts()).length, { timeout: 20_000 }).toBeGreaterThan(1);
    const shown = await amounts();
    expect(shown).toEqual([...shown].sort((a, b) => b - a));
    // the demo's amount is the product's list price; the oracle's rows are the file's lines in order
    const highest = Math.max(...deals.flatMap((d, i) => (d.account === 'Rundofase' && d.deal_stage === 'Won' ? [opportunities[i]?.listPrice ?? NaN] : [])));
    expect(shown[0]).toBe(highest);
    await screenshot(page, 'board-search-sort');
  });
});
