import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../../runtime/src/auth/password';
import { readDemoCsv } from './support/crm-csv';
import { apiInPage, launchChromium, pagePerTest, screenshot } from './support/browser';
import { openStudio } from './support/sign-in';
import { startStudioServer, type StudioServer } from './support/studio-server';

const DARCEL = { id: 'darcel-schlecht', email: 'darcel.schlecht@demo.pipewright.dev', name: 'Darcel Schlecht' };

/** Darcel's Q4 2017 from the CSV (plain splitting and arithmetic): won deals, won value, closed deals. */
function darcelQ4() {
  const closed = readDemoCsv().deals.filter((d) => d.agent === DARCEL.name && d.closeDate >= '2017-10-01' && d.closeDate <= '2017-12-31' && (d.stage === 'Won' || d.stage === 'Lost'));
  const won = closed.filter((d) => d.stage === 'Won');
  return { won: won.length, value: won.reduce((s, d) => s + d.closeValue, 0), closed: closed.length };
}

/**
 * The scorecard plugin's pages in Chromium on the demo data (dates unshifted): an admin draws a
 * scorecard in the designer (weights checked live, a live preview with noise flags), computes
 * the company's evaluations, runs the review to published on the team page (calibrating one
 * person with a reason on the way), and the rep sees his own breakdown; en and zh-CN.
 */
describe('scorecards in chromium', () => {
  let server: StudioServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    browser = await launchChromium();
    server = await startStudioServer({ demo: true });
    // the demo publishes the review process (an entity without a published process gets its first one)
    const review = await server.api('/api/processes/scorecard_review');
    expect(((await review.json()) as { latestVersion: number | null }).latestVersion).toBe(1);
    await server.platform.database.db.updateTable('users').set({ password_hash: await hashPassword(server.demoPassword) }).where('id', '=', DARCEL.id).execute();
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  pagePerTest(() => browser, { width: 1360, height: 900 }, (p) => (page = p));

  const fill = async (testId: string, value: string) => {
    await page.getByTestId(testId).fill(value);
  };

  it('an admin draws a scorecard, computes the evaluations and runs the review to published', async () => {
    await openStudio(page, `${server.url}/p/scorecard/designer`, server.demoPassword);
    await page.getByTestId('scorecard-designer').waitFor();
    await fill('card-name', 'Central Q4 2017');
    await fill('card-period', '2017-Q4');
    // Results: won deals 40, won value 40, win rate 20 (percent of a 0.7 target).
    await fill('dimension-0-label', 'Results');
    await fill('indicator-0-0-weight', '40');
    await expect.poll(() => page.getByTestId('dimension-0-sum').getAttribute('data-ok')).toBe('false');
    await page.getByTestId('dimension-0-add').click();
    await fill('indicator-0-1-label', 'Won value');
    await page.getByTestId('indicator-0-1-metric').selectOption('pipeline.won_value');
    await page.getByTestId('indicator-0-1-normalise').selectOption('min_max');
    await fill('indicator-0-1-weight', '40');
    await page.getByTestId('dimension-0-add').click();
    await fill('indicator-0-2-label', 'Win rate');
    await page.getByTestId('indicator-0-2-metric').selectOption('pipeline.win_rate');
    await page.getByTestId('indicator-0-2-normalise').selectOption('percent_of_target');
    await fill('indicator-0-2-target', '0.7');
    await fill('indicator-0-2-weight', '20');
    await expect.poll(() => page.getByTestId('dimension-0-sum').getAttribute('data-ok')).toBe('true');
    // Capability: a manager rating.
    await page.getByTestId('add-dimension').click();
    await fill('dimension-1-label', 'Capability');
    await page.getByTestId('dimension-1-add').click();
    await fill('indicator-1-0-label', 'Coaching');
    await page.getByTestId('indicator-1-0-kind').selectOption('rating');
    await fill('indicator-1-0-weight', '100');
    await fill('dimension-1-weight', '30');
    await expect.poll(() => page.getByTestId('dimension-sum').getAttribute('data-sum')).toBe('130');
    await expect.poll(() => page.getByTestId('dimension-sum').getAttribute('data-ok')).toBe('false');
    await fill('dimension-0-weight', '70');
    await expect.poll(() => page.getByTestId('dimension-sum').getAttribute('data-ok')).toBe('true');
    // Live preview on the real people, with the noise flags of the metric indicators.
    const preview = page.getByTestId('designer-preview');
    await expect.poll(() => preview.locator('tbody tr').count(), { timeout: 30_000 }).toBe(10);
    const flags = page.getByTestId('noise-flag');
    await expect.poll(() => flags.count()).toBe(3);
    expect(await flags.nth(2).getAttribute('data-noise')).toBe('true'); // win rate in Q4: rank order does not hold
    await page.waitForTimeout(400);
    await screenshot(page, 'scorecard-designer');
    // Save and compute.
    await page.getByTestId('compute-card').click();
    await expect.poll(() => page.getByTestId('designer-message').textContent(), { timeout: 30_000 }).toContain('35 evaluations computed');

    // The team page: leaderboard and distribution, then the review.
    await page.getByRole('link', { name: 'Open the team page' }).click();
    const board = page.getByTestId('team-leaderboard');
    await expect.poll(() => board.locator('tbody tr').count(), { timeout: 30_000 }).toBe(35);
    const advance = async (stage: string) => {
      await page.getByTestId('advance-review').click();
      await expect.poll(() => page.getByTestId('team-message').textContent(), { timeout: 60_000 }).toContain('35 evaluations moved on');
      await expect.poll(() => board.locator(`tbody tr[data-stage="${stage}"]`).count(), { timeout: 30_000 }).toBe(35);
    };
    await advance('peer_review');
    await advance('manager_review');
    await advance('calibration');
    // Calibration: move Darcel with a reason.
    const row = board.locator(`tr[data-rep="${DARCEL.id}"]`);
    await row.getByLabel('New total').fill('88');
    await row.getByLabel('Reason').fill('Carried the Central office in December');
    await row.getByRole('button', { name: 'Move' }).click();
    await expect.poll(() => board.locator(`tr[data-rep="${DARCEL.id}"] td[data-col="total"]`).getAttribute('data-value')).toBe('88');
    await page.waitForTimeout(600);
    await screenshot(page, 'scorecard-team-calibration');
    // Forced distribution (advisory, 20/70/10 of 35 people): bands on the leaderboard.
    expect(await board.locator('tbody tr').first().locator('td').nth(4).textContent()).toBe('Top');
    await expect.poll(() => page.getByTestId('forced-distribution').textContent()).toContain('top 7/20%');
    await advance('published');
    await board.locator(`tr[data-rep="${DARCEL.id}"] a`).click();
    await page.getByTestId('team-detail').waitFor();
    await page.waitForTimeout(600);
    await screenshot(page, 'scorecard-team-published');
  });

  it('the rep sees his published evaluation: breakdown equal to the CSV, explanation, in en and zh-CN', async () => {
    await openStudio(page, `${server.url}/p/scorecard/me`, server.demoPassword, DARCEL.email);
    const breakdown = page.getByTestId('breakdown');
    await breakdown.waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('evaluation-total').getAttribute('data-value')).toBe('88');
    const csv = darcelQ4();
    const raw = (id: string) => page.locator(`tr[data-indicator="results.${id}"] td[data-col="raw"]`).getAttribute('data-value');
    expect(Number(await raw('won_deals'))).toBe(csv.won);
    expect(Number(await raw('won_value'))).toBe(csv.value);
    expect(Number(await raw('win_rate'))).toBeCloseTo(csv.won / csv.closed, 12);
    // The parts add up to the total (the calibration adjustment being one of them).
    const parts = await page.locator('tr[data-indicator] td[data-col="part"], tr:not([data-indicator]):not([data-dimension]) td[data-col="part"]').evaluateAll((tds) => tds.map((td) => Number(td.getAttribute('data-value'))));
    expect(Math.abs(parts.reduce((a, b) => a + b, 0) - 88)).toBeLessThan(0.01);
    await expect.poll(() => page.getByTestId('breakdown-chart').locator('canvas').count(), { timeout: 30_000 }).toBeGreaterThan(0);
    await page.waitForTimeout(600);
    await screenshot(page, 'scorecard-me-en');
    await page.getByLabel('Language').first().selectOption('zh-CN');
    await expect.poll(() => page.locator('h1').first().textContent()).toBe('我的计分卡');
    await expect.poll(() => page.locator('th', { hasText: '计算方法' }).count()).toBe(1);
    await page.waitForTimeout(600);
    await screenshot(page, 'scorecard-me-zh-CN');
    // Nobody else's evaluation reaches him.
    const mine = await apiInPage<{ items: { data: { rep_id: string } }[] }>(page, 'GET', '/api/records/scorecard.evaluation?limit=100');
    expect(mine.body.items.map((i) => i.data.rep_id)).toEqual([DARCEL.id]);
  });

  it('the designer and the team page in zh-CN', async () => {
    await openStudio(page, `${server.url}/p/scorecard/team`, server.demoPassword);
    await page.getByLabel('Language').first().selectOption('zh-CN');
    await expect.poll(() => page.getByTestId('team-leaderboard').locator('tbody tr').count(), { timeout: 30_000 }).toBe(35);
    await expect.poll(() => page.locator('h1').first().textContent()).toBe('团队计分卡');
    await page.waitForTimeout(600);
    await screenshot(page, 'scorecard-team-zh-CN');
    await page.goto(`${server.url}/p/scorecard/designer`);
    await page.getByTestId('card-picker').selectOption({ label: 'Central Q4 2017' });
    await expect.poll(() => page.getByTestId('designer-preview').locator('tbody tr').count(), { timeout: 30_000 }).toBe(10);
    await expect.poll(() => page.locator('h1').first().textContent()).toBe('计分卡设计器');
    await page.waitForTimeout(600);
    await screenshot(page, 'scorecard-designer-zh-CN');
  });
});
