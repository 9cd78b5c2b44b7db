import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiInPage, launchChromium, pagePerTest, screenshot } from './support/browser';
import { openStudio } from './support/sign-in';
import { startStudioServer, type StudioServer } from './support/studio-server';

const PAGE = '/p/okr/cycles';
const DATA = '/work/shared/datasets/crm-sales-opportunities';
/** Won value closed in 2017 Q3 by the Central office's agents, from the raw CSV (plain splitting and addition). */
function centralWonQ3(): number {
  const lines = (file: string) => readFileSync(`${DATA}/${file}`, 'utf8').trim().split(/\r?\n/).slice(1).map((l) => l.split(','));
  const office = new Map(lines('sales_teams.csv').map(([agent, , o]) => [agent, o]));
  return lines('sales_pipeline.csv')
    .filter(([, agent, , , stage, , close]) => stage === 'Won' && office.get(agent ?? '') === 'Central' && (close ?? '') >= '2017-07-01' && (close ?? '') <= '2017-09-30')
    .reduce((sum, r) => sum + Number(r[7]), 0);
}
const pct = (v: number, locale = 'en-US') => new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 }).format(v);

interface View {
  id: string;
}

/**
 * The okr plugin's page in Chromium against the real runtime (PGlite, the demo data with its own
 * dates): a cascade of three levels (company -> Central office -> Dustin Brinkmann's team), a
 * metric key result on the office's won value in 2017 Q3 and a numeric one on the team; a
 * check-in through the form; the numbers on the alignment map, checked against the CSV; the
 * explanation and drill-down; English and Simplified Chinese.
 */
describe('OKRs in chromium', () => {
  let server: StudioServer;
  let browser: Browser;
  let page: Page;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    browser = await launchChromium();
    server = await startStudioServer({ demo: true });
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  pagePerTest(() => browser, { width: 1360, height: 1000 }, (p) => (page = p));

  const create = async (type: string, data: Record<string, unknown>, extra: Record<string, unknown> = {}) => {
    const res = await apiInPage<View>(page, 'POST', `/api/records/${type}`, { data, ...extra });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.id;
  };
  const nodeProgress = (title: string) => page.getByTestId('okr-node').filter({ has: page.getByTestId('okr-node-title').getByText(title, { exact: true }) }).getByTestId('okr-node-progress');
  const krProgress = (id: string) => page.locator(`[data-testid="okr-kr-progress"][data-kr="${id}"]`);

  it('draws a three-level cascade with computed progress, takes a check-in and shows the new numbers on the map', async () => {
    await openStudio(page, server.url, server.demoPassword);
    ids.cycle = await create('okr.cycle', { name: '2017 Q3', kind: 'quarter', start: '2017-07-01', end: '2017-09-30', state: 'active' });
    ids.company = await create('okr.objective', { title: 'Grow revenue', level: 'company', cycle_id: ids.cycle, include_children: true });
    ids.office = await create('okr.objective', { title: 'Central office grows', level: 'office', cycle_id: ids.cycle, parent_id: ids.company, include_children: true }, { orgUnit: 'region-central' });
    ids.officeKr = await create('okr.key_result', { objective_id: ids.office, title: 'Central won value', kind: 'metric', metric: 'pipeline.won_value', scope_unit: 'region-central', target: 2_000_000, unit: 'USD' }, { orgUnit: 'region-central' });
    ids.team = await create('okr.objective', { title: "Dustin's team delivers", level: 'team', cycle_id: ids.cycle, parent_id: ids.office }, { orgUnit: 'team-dustin-brinkmann' });
    ids.teamKr = await create('okr.key_result', { objective_id: ids.team, title: 'Qualified demos', kind: 'numeric', start: 0, target: 40 }, { orgUnit: 'team-dustin-brinkmann' });

    await page.getByRole('navigation').getByRole('link', { name: 'OKRs' }).click();
    await page.getByRole('heading', { level: 1, name: 'OKRs' }).waitFor();
    expect(new URL(page.url()).pathname).toBe(PAGE);
    await expect.poll(() => page.getByTestId('okr-node').count(), { timeout: 30_000 }).toBe(3);

    const won = centralWonQ3();
    const officeKrP = won / 2_000_000;
    expect(await krProgress(ids.officeKr).textContent()).toBe(pct(officeKrP));
    expect(await nodeProgress("Dustin's team delivers").textContent()).toBe(`Progress: ${pct(0)}`);
    expect(await nodeProgress('Central office grows').textContent()).toBe(`Progress: ${pct((officeKrP + 0) / 2)}`);
    // the company objective rolls up its only child
    expect(await nodeProgress('Grow revenue').textContent()).toBe(`Progress: ${pct((officeKrP + 0) / 2)}`);
    // edges: company -> office -> team
    expect(await page.locator('.react-flow__edge').count()).toBe(2);

    // check in on the team's key result through the form
    await page.locator(`[data-testid="okr-kr"][data-kr="${ids.teamKr}"]`).click();
    await page.getByTestId('okr-kr-detail').waitFor();
    await page.getByTestId('okr-checkin').getByLabel('Value').fill('30');
    await page.getByTestId('okr-checkin').getByLabel('Confidence').selectOption('8');
    await page.getByTestId('okr-checkin').getByLabel('Status').selectOption('at_risk');
    await page.getByTestId('okr-checkin').getByLabel('Comment').fill('Two demos slipped');
    await page.getByTestId('okr-checkin').getByRole('button', { name: 'Save check-in' }).click();
    await expect.poll(() => page.getByTestId('okr-checkin-message').textContent(), { timeout: 30_000 }).toBe('Check-in saved.');

    await expect.poll(() => nodeProgress("Dustin's team delivers").textContent(), { timeout: 30_000 }).toBe(`Progress: ${pct(0.75)}`);
    expect(await krProgress(ids.teamKr).textContent()).toBe(pct(0.75));
    expect(await nodeProgress('Central office grows').textContent()).toBe(`Progress: ${pct((officeKrP + 0.75) / 2)}`);
    expect(await nodeProgress('Grow revenue').textContent()).toBe(`Progress: ${pct((officeKrP + 0.75) / 2)}`);
    // the map's numbers are the records API's computed values
    const office = await apiInPage<{ computed: { progress: number } }>(page, 'GET', `/api/records/okr.objective/${ids.office}`);
    expect(office.body.computed.progress).toBeCloseTo((officeKrP + 0.75) / 2, 12);
    expect(await page.getByTestId('okr-kr-current').textContent()).toBe('30');
    expect(await page.getByTestId('okr-kr-confidence').textContent()).toBe('8 / 10');
    expect(await page.getByTestId('okr-checkin-confidence').allTextContents()).toEqual(['8']);
    await expect.poll(() => page.locator('[data-testid="okr-trend-chart"] canvas').count(), { timeout: 30_000 }).toBe(1);
    await page.waitForTimeout(600);
    await screenshot(page, 'okr-map-en');

    // the metric key result explains itself and lists the deals behind its figure
    await page.locator(`[data-testid="okr-kr"][data-kr="${ids.officeKr}"]`).click();
    await expect.poll(() => page.getByTestId('okr-explain-text').textContent(), { timeout: 30_000 }).toBe('pipeline.won_value from 2017-07-01 to 2017-09-30, of Central.');
    expect(await page.getByTestId('okr-kr-current').textContent()).toBe(`${new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 }).format(won)} USD`);
    await expect.poll(() => page.getByTestId('okr-records').locator('li a').count(), { timeout: 30_000 }).toBe(20);
    expect(await page.getByTestId('okr-records').locator('li a').first().getAttribute('href')).toMatch(/^\/records\/pipeline\.deal\//);
    await screenshot(page, 'okr-explain-en');
  });

  it('shows computed values on the record page', async () => {
    await openStudio(page, `${server.url}/records/okr.key_result/${ids.teamKr}`, server.demoPassword);
    const computed = page.getByTestId('record-computed');
    await computed.waitFor({ timeout: 30_000 });
    expect(await computed.locator('[data-computed="current"] dd').textContent()).toBe('30');
    expect(await computed.locator('[data-computed="progress"] dd').textContent()).toBe('0.75');
    expect(await computed.locator('[data-computed="progress"] dt').textContent()).toBe('Progress');
  });

  it('speaks Simplified Chinese in zh-CN', async () => {
    await openStudio(page, `${server.url}${PAGE}?cycle=${ids.cycle}&kr=${ids.teamKr}`, server.demoPassword);
    await page.getByLabel('Language').first().selectOption('zh-CN');
    await page.getByRole('heading', { level: 1, name: '目标与关键成果（OKR）' }).waitFor();
    await page.getByRole('navigation').getByRole('link', { name: '目标与关键成果' }).waitFor();
    await expect.poll(() => page.getByTestId('okr-node').count(), { timeout: 30_000 }).toBe(3);
    await page.getByRole('heading', { name: '对齐地图' }).waitFor();
    expect(await nodeProgress("Dustin's team delivers").textContent()).toBe(`进度: ${pct(0.75, 'zh-CN')}`);
    expect(await page.getByTestId('okr-node').first().textContent()).toMatch(/公司|分公司|团队/);
    await page.getByRole('heading', { name: '更新进展' }).waitFor();
    await page.getByRole('heading', { name: '信心趋势' }).waitFor();
    expect(await page.getByTestId('okr-checkin').getByLabel('状态').locator('option').allTextContents()).toEqual(['正常', '有风险', '偏离']);
    await expect.poll(() => page.locator('[data-testid="okr-trend-chart"] canvas').count(), { timeout: 30_000 }).toBe(1);
    await page.waitForTimeout(600);
    await screenshot(page, 'okr-map-zh-CN');
  });
});
