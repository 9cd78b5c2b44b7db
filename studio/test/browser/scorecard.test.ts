import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../../runtime/src/auth/password';
import { readDemoCsv } from './support/crm-csv';
import { apiInPage, launchChromium, pagePerTest, screenshot } from './support/browser';
import { openStudio } from './support/sign-in';
import { startStudioServer, type StudioServer } from './support/studio-server';

const DARCEL = { id: 'darcel-schlecht', email: 'darcel.schlecht@demo.pipewright.dev', name: 'Darcel Schlecht' };
const MOSES = { id: 'moses-frase', email: 'moses.frase@demo.pipewright.dev', name: 'Moses Frase' };

/** Darcel's Q4 2017 from the CSV (plain splitting and arithmetic): won deals, won value, closed deals. */
function darcelQ4() {
  const closed = readDemoCsv().deals.filter((d) => d.agent === DARCEL.name && d.closeDate >= '2017-10-01' && d.closeDate <= '2017-12-31' && (d.stage === 'Won' || d.stage === 'Lost'));
  const won = closed.filter((d) => d.stage === 'Won');
  return { won: won.length, value: won.reduce((s, d) => s + d.closeValue, 0), closed: closed.length };
}

/**
 * The scorecard plugin's pages in Chromium on the demo data (dates unshifted): an admin draws a
 * scorecard in the designer (weights checked live, a won value against the OKR plugin's sales
 * targets, a tiered rule drawn in the studio's rule builder and previewed on a real person, a
 * live preview with noise flags), computes the company's evaluations, assigns a peer who then
 * rates on his own page, runs the review on the team page, calibrates one person on the board
 * (drag and drop, then the arrow keys; a reason each time, audited) and publishes; the rep sees
 * his own breakdown; en and zh-CN.
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
    await server.platform.database.db.updateTable('users').set({ password_hash: await hashPassword(server.demoPassword) }).where('id', 'in', [DARCEL.id, MOSES.id]).execute();
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  pagePerTest(() => browser, { width: 1360, height: 900 }, (p) => (page = p));

  const fill = async (testId: string, value: string) => {
    await page.getByTestId(testId).fill(value);
  };

  it('an admin draws a scorecard (OKR targets, a rule in the rule builder, peer ratings), computes the evaluations, assigns a peer, runs the review and calibrates on the board by drag and drop and by keyboard', async () => {
    await openStudio(page, `${server.url}/p/scorecard/designer`, server.demoPassword);
    await page.getByTestId('scorecard-designer').waitFor();
    await fill('card-name', 'Central Q4 2017');
    await fill('card-period', '2017-Q4');
    // Results: won deals 40, won value 40 (percent of the OKR sales target), win rate 20 (percent of a 0.7 target).
    await fill('dimension-0-label', 'Results');
    await fill('indicator-0-0-weight', '40');
    await expect.poll(() => page.getByTestId('dimension-0-sum').getAttribute('data-ok')).toBe('false');
    await page.getByTestId('dimension-0-add').click();
    await fill('indicator-0-1-label', 'Won value');
    await page.getByTestId('indicator-0-1-metric').selectOption('pipeline.won_value');
    await page.getByTestId('indicator-0-1-normalise').selectOption('percent_of_target');
    await fill('indicator-0-1-weight', '40');
    await page.getByTestId('dimension-0-add').click();
    await fill('indicator-0-2-label', 'Win rate');
    await page.getByTestId('indicator-0-2-metric').selectOption('pipeline.win_rate');
    await page.getByTestId('indicator-0-2-normalise').selectOption('percent_of_target');
    await fill('indicator-0-2-target', '0.7');
    await fill('indicator-0-2-weight', '20');
    await expect.poll(() => page.getByTestId('dimension-0-sum').getAttribute('data-ok')).toBe('true');
    // Capability: a manager rating and a peer rating.
    await page.getByTestId('add-dimension').click();
    await fill('dimension-1-label', 'Capability');
    await page.getByTestId('dimension-1-add').click();
    await fill('indicator-1-0-label', 'Coaching');
    await page.getByTestId('indicator-1-0-kind').selectOption('rating');
    await fill('indicator-1-0-weight', '50');
    await page.getByTestId('dimension-1-add').click();
    await fill('indicator-1-1-label', 'Teamwork');
    await page.getByTestId('indicator-1-1-kind').selectOption('rating');
    await page.getByTestId('indicator-1-1-rater').selectOption('peer');
    await fill('indicator-1-1-weight', '50');
    await fill('dimension-1-weight', '30');
    await expect.poll(() => page.getByTestId('dimension-sum').getAttribute('data-sum')).toBe('130');
    await expect.poll(() => page.getByTestId('dimension-sum').getAttribute('data-ok')).toBe('false');
    // Process: a tiered scoring rule over won deals, drawn in the studio's rule builder.
    await page.getByTestId('add-dimension').click();
    await fill('dimension-2-label', 'Process');
    await page.getByTestId('dimension-2-add').click();
    await fill('indicator-2-0-label', 'Deals won, tiered');
    await page.getByTestId('indicator-2-0-kind').selectOption('rule');
    await page.getByTestId('indicator-2-0-inputs').selectOption(['pipeline.won_count']);
    await fill('indicator-2-0-weight', '100');
    await fill('dimension-2-weight', '10');
    await fill('dimension-0-weight', '60');
    await expect.poll(() => page.getByTestId('dimension-sum').getAttribute('data-ok')).toBe('true');
    const builder = page.getByTestId('indicator-2-0-rule');
    await builder.locator('.react-flow__node').first().waitFor();
    const tiered = { if: [{ '>=': [{ var: 'pipeline.won_count' }, 80] }, 100, { '>=': [{ var: 'pipeline.won_count' }, 50] }, 70, 40] };
    await builder.getByTestId('rule-json').fill(JSON.stringify(tiered));
    await builder.getByRole('button', { name: 'Draw from JSON' }).click();
    await expect.poll(() => builder.getByRole('status').filter({ hasText: 'The rule is valid.' }).count()).toBe(1);
    expect(await builder.locator('.rule-node[aria-invalid="true"]').count()).toBe(0);
    // The builder's preview runs the rule on the real people of the live preview (Darcel: 94 won deals in Q4 by the CSV -> 100).
    const csv = darcelQ4();
    const tier = csv.won >= 80 ? 100 : csv.won >= 50 ? 70 : 40;
    const preview = page.getByTestId('designer-preview');
    await expect.poll(() => preview.locator('tbody tr').count(), { timeout: 30_000 }).toBe(10);
    await expect.poll(() => builder.getByLabel('Sample record', { exact: true }).locator('option', { hasText: DARCEL.name }).count(), { timeout: 30_000 }).toBe(1);
    await builder.getByLabel('Sample record', { exact: true }).selectOption({ label: DARCEL.name });
    await expect.poll(() => builder.getByTestId('rule-result').textContent()).toContain(`Result: ${tier}`);
    // Noise flags of the metric indicators, and where the targets came from (the OKR plugin's, for all 35).
    const flags = page.getByTestId('noise-flag');
    await expect.poll(() => flags.count()).toBe(3);
    expect(await flags.nth(2).getAttribute('data-noise')).toBe('true'); // win rate in Q4: rank order does not hold
    const okr = page.locator('[data-testid="target-source"][data-indicator="results.won_value"]');
    await expect.poll(() => okr.getAttribute('data-with')).toBe('35');
    await expect.poll(() => page.locator('[data-testid="target-source"][data-indicator="results.win_rate"]').getAttribute('data-with')).toBe('0');
    await page.waitForTimeout(400);
    await screenshot(page, 'scorecard-designer');
    await builder.scrollIntoViewIfNeeded();
    await screenshot(page, 'scorecard-designer-rule-builder');
    // Save and compute.
    await page.getByTestId('compute-card').click();
    await expect.poll(() => page.getByTestId('designer-message').textContent(), { timeout: 30_000 }).toContain('35 evaluations computed');
    const saved = await apiInPage<{ items: { data: { name: string; dimensions: { indicators: { rule?: unknown }[] }[] } }[] }>(page, 'GET', '/api/records/scorecard.scorecard?limit=100');
    expect(saved.body.items.find((c) => c.data.name === 'Central Q4 2017')!.data.dimensions[2]!.indicators[0]!.rule).toEqual(tiered);

    // The team page: leaderboard and distribution; the manager assigns Darcel a peer (Moses Frase).
    await page.getByRole('link', { name: 'Open the team page' }).click();
    const board = page.getByTestId('team-leaderboard');
    await expect.poll(() => board.locator('tbody tr').count(), { timeout: 30_000 }).toBe(35);
    await board.locator(`tr[data-rep="${DARCEL.id}"] a`).click();
    const peerEditor = page.getByTestId('peer-editor');
    await peerEditor.waitFor();
    await peerEditor.getByTestId('peer-select').selectOption([MOSES.id]);
    await peerEditor.getByTestId('peer-save').click();
    await expect.poll(() => peerEditor.getByTestId('peer-message').textContent()).toBe('1 peers assigned.');
    // Moses sees whom he rates (not the evaluation) and gives his peer rating.
    const mosesPage = await browser.newPage({ viewport: { width: 1360, height: 900 } });
    try {
      await openStudio(mosesPage, `${server.url}/p/scorecard/me`, server.demoPassword, MOSES.email);
      const review = mosesPage.locator(`[data-testid="peer-review"][data-rep="${DARCEL.id}"]`);
      await review.waitFor({ timeout: 30_000 });
      await review.getByLabel('Teamwork').selectOption('4');
      await review.getByRole('button', { name: 'Submit rating' }).click();
      await expect.poll(() => mosesPage.getByTestId('peer-reviews-message').textContent()).toBe(`Your rating of ${DARCEL.name} is saved.`);
      await expect.poll(() => review.textContent()).toContain('rated');
      await mosesPage.waitForTimeout(400);
      await screenshot(mosesPage, 'scorecard-peer-review');
      const his = await apiInPage<{ items: { data: { rep_id: string } }[] }>(mosesPage, 'GET', '/api/records/scorecard.evaluation?limit=100');
      expect(his.body.items.map((i) => i.data.rep_id)).not.toContain(DARCEL.id);
    } finally {
      await mosesPage.close();
    }
    // Recomputed (before calibration locks it), his rating counts.
    await page.goto(`${server.url}/p/scorecard/designer`);
    await page.getByTestId('card-picker').selectOption({ label: 'Central Q4 2017' });
    await page.getByTestId('compute-card').click();
    await expect.poll(() => page.getByTestId('designer-message').textContent(), { timeout: 30_000 }).toContain('35 evaluations computed');
    await page.getByRole('link', { name: 'Open the team page' }).click();
    await expect.poll(() => board.locator('tbody tr').count(), { timeout: 30_000 }).toBe(35);

    const advance = async (stage: string) => {
      await page.getByTestId('advance-review').click();
      await expect.poll(() => page.getByTestId('team-message').textContent(), { timeout: 60_000 }).toContain('35 evaluations moved on');
      await expect.poll(() => board.locator(`tbody tr[data-stage="${stage}"]`).count(), { timeout: 30_000 }).toBe(35);
    };
    await advance('peer_review');
    await advance('manager_review');
    await advance('calibration');
    // The calibration board: drag Darcel to a lower bucket; the dialog refuses without a reason.
    const cal = page.getByTestId('calibration-board');
    const card = cal.locator(`[data-rep="${DARCEL.id}"]`);
    await card.waitFor();
    const bucketIndex = async () => Number(await card.locator('xpath=ancestor::section[1]').getAttribute('data-bucket'));
    const start = await bucketIndex();
    const low = start === 1 ? 0 : 1;
    await card.scrollIntoViewIfNeeded();
    // Dropped on the bucket's heading, level with the card's own: no scrolling while dragging.
    await card.dragTo(cal.locator(`section[data-bucket="${low}"] h3`));
    const dialog = page.getByTestId('calibration-dialog');
    await expect.poll(() => dialog.isVisible()).toBe(true);
    expect(await dialog.locator('h2').textContent()).toContain(`Move ${DARCEL.name} from`);
    await dialog.getByRole('button', { name: 'Move' }).click();
    await expect.poll(() => dialog.getByTestId('calibration-dialog-error').textContent()).toContain('needs a reason');
    await dialog.getByLabel('Reason').fill('Half his December deals were booked by the team');
    await page.waitForTimeout(300);
    await screenshot(page, 'scorecard-calibration-dialog');
    await dialog.getByRole('button', { name: 'Move' }).click();
    await expect.poll(() => dialog.isVisible()).toBe(false);
    await expect.poll(bucketIndex).toBe(low);
    // Then up by keyboard, a bucket per arrow press, each move with its reason; the last to 88.
    const reasons = ['Half his December deals were booked by the team'];
    for (let b = low + 1; b <= 4; b++) {
      await card.focus();
      await page.keyboard.press('ArrowRight');
      await expect.poll(() => dialog.isVisible()).toBe(true);
      if (b === 4) {
        await dialog.getByLabel('New total').fill('88');
        await dialog.getByLabel('Reason').focus();
      }
      const why = b === 4 ? 'Carried the Central office in December' : `Step ${b} of the review`;
      reasons.push(why);
      await page.keyboard.type(why); // the dialog opens with the reason focused
      await page.keyboard.press('Enter');
      await expect.poll(() => dialog.isVisible()).toBe(false);
      await expect.poll(bucketIndex).toBe(b);
    }
    await expect.poll(() => board.locator(`tr[data-rep="${DARCEL.id}"] td[data-col="total"]`).getAttribute('data-value')).toBe('88');
    // Every move is kept on the evaluation with its reason, and audited.
    const ev = (await apiInPage<{ items: { id: string; data: { calibration: { reason: string; to: number }[] } }[] }>(page, 'GET', `/api/records/scorecard.evaluation?filter[rep_id]=${DARCEL.id}&limit=5`)).body.items[0]!;
    expect(ev.data.calibration.map((c) => c.reason)).toEqual(reasons);
    expect(ev.data.calibration.at(-1)!.to).toBe(88);
    const events = await apiInPage<{ items: { actor: string; after: { data: { total: number } } | null }[] }>(page, 'GET', `/api/records/scorecard.evaluation/${ev.id}/events`);
    expect(events.body.items.filter((e) => e.after?.data.total === 88).map((e) => e.actor)).toEqual([expect.stringMatching(/^user:/)]);
    await page.waitForTimeout(600);
    await screenshot(page, 'scorecard-team-calibration');
    // The board and its dialog in Chinese (Escape closes the dialog without a move).
    await page.getByLabel('Language').first().selectOption('zh-CN');
    await expect.poll(() => cal.locator('p').first().textContent()).toContain('把人拖到另一个分段即可调整');
    await card.focus();
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => dialog.locator('h2').textContent()).toBe(`将 ${DARCEL.name} 从 80-100 调整到 60-80`);
    await page.waitForTimeout(300);
    await screenshot(page, 'scorecard-calibration-dialog-zh-CN');
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.isVisible()).toBe(false);
    await page.getByLabel('语言').first().selectOption('en');
    await expect.poll(() => cal.locator('p').first().textContent()).toContain('Drag a person');
    // Forced distribution (advisory, 20/70/10 of 35 people): bands on the leaderboard.
    expect(await board.locator('tbody tr').first().locator('td').nth(4).textContent()).toBe('Top');
    await expect.poll(() => page.getByTestId('forced-distribution').textContent()).toContain('top 7/20%');
    await advance('published');
    await board.locator(`tr[data-rep="${DARCEL.id}"] a`).click();
    await page.getByTestId('team-detail').waitFor();
    await page.waitForTimeout(600);
    await screenshot(page, 'scorecard-team-published');
  }, 300_000);

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
    // The tiered rule drawn in the rule builder, and the won value measured against his OKR sales target.
    expect(Number(await page.locator('tr[data-indicator^="process."] td[data-col="raw"]').getAttribute('data-value'))).toBe(csv.won >= 80 ? 100 : csv.won >= 50 ? 70 : 40);
    expect(await page.locator('tr[data-indicator="results.won_value"] [data-testid="target-source"]').getAttribute('data-source')).toBe('okr');
    expect(await page.locator('tr[data-indicator="results.win_rate"] [data-testid="target-source"]').getAttribute('data-source')).toBe('definition');
    // Moses's peer rating (4 of 5) counted at the recomputation.
    expect(await page.locator('tr[data-indicator="capability.teamwork"] td[data-col="raw"]').getAttribute('data-value')).toBe('4');
    // The parts add up to the total (the calibration adjustment being one of them).
    const parts = await page.locator('tr[data-indicator] td[data-col="part"], tr:not([data-indicator]):not([data-dimension]) td[data-col="part"]').evaluateAll((tds) => tds.map((td) => Number(td.getAttribute('data-value'))));
    expect(Math.abs(parts.reduce((a, b) => a + b, 0) - 88)).toBeLessThan(0.01);
    await expect.poll(() => page.getByTestId('breakdown-chart').locator('canvas').count(), { timeout: 30_000 }).toBeGreaterThan(0);
    await page.waitForTimeout(600);
    await screenshot(page, 'scorecard-me-en');
    await page.getByLabel('Language').first().selectOption('zh-CN');
    await expect.poll(() => page.locator('h1').first().textContent()).toBe('我的计分卡');
    await expect.poll(() => page.locator('th', { hasText: '计算方法' }).count()).toBe(1);
    await expect.poll(() => page.locator('tr[data-indicator="results.won_value"] [data-testid="target-source"]').textContent()).toContain('对照 OKR 业绩目标');
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
