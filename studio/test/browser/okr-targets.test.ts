import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../../runtime/src/auth/password';
import { apiInPage, launchChromium, pagePerTest, screenshot } from './support/browser';
import { openStudio } from './support/sign-in';
import { startStudioServer, type StudioServer } from './support/studio-server';

const DATA = '/work/shared/datasets/crm-sales-opportunities';
const csv = (file: string) => {
  const [head, ...lines] = readFileSync(`${DATA}/${file}`, 'utf8').trim().split(/\r?\n/);
  const cols = (head ?? '').split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i], v])) as Record<string, string>);
};
const agents = csv('sales_teams.csv');
const deals = csv('sales_pipeline.csv');
const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
/** Won value closed from `from` to `to` by the agents a scope key covers, from the raw CSV (plain splitting and addition). */
function won(scope: string, from: string, to: string): number {
  const covered = new Set(agents.filter((a) => scope === 'unit:company' || scope === `unit:region-${slug(a.regional_office ?? '')}` || scope === `unit:team-${slug(a.manager ?? '')}` || scope === `user:${slug(a.sales_agent ?? '')}`).map((a) => a.sales_agent));
  return deals.filter((d) => d.deal_stage === 'Won' && covered.has(d.sales_agent) && (d.close_date ?? '') >= from && (d.close_date ?? '') <= to).reduce((s, d) => s + Number(d.close_value), 0);
}
const usd = (v: number, locale = 'en-US') => new Intl.NumberFormat(locale, { style: 'currency', currency: 'USD', maximumFractionDigits: 0 }).format(v);
const pct = (v: number, locale = 'en-US') => new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 }).format(v);

interface Target {
  id: string;
  data: { period: string; scope_unit?: string; scope_user?: string; value: number };
}

/**
 * The sales targets grid, its CSV upload and the dashboard tiles in Chromium against the real
 * runtime with the demo data (its own dates, the okr plugin's demo targets for 2017 Q3/Q4):
 * actuals against the CSV, inline edits with the bottom-up check reacting, a problem the server
 * answers shown beside its cell, the top-down split of a selected cell, a CSV checked row by row
 * and imported, and the attainment and leaderboard tiles on the home dashboard (numbers and
 * order against the CSV); English and Simplified Chinese.
 */
describe('sales targets in chromium', () => {
  let server: StudioServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    browser = await launchChromium();
    server = await startStudioServer({ demo: true });
    // the demo lets the admin and one rep sign in; the manager signs in here too
    await server.platform.database.db.updateTable('users').set({ password_hash: await hashPassword(server.demoPassword) }).where('id', '=', 'dustin-brinkmann').execute();
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  pagePerTest(() => browser, { width: 1440, height: 1000 }, (p) => (page = p));

  const cell = (scope: string, period: string) => page.locator(`[data-testid="targets-grid"] td[data-cell="${scope}|${period}"]`);
  const typeInto = async (scope: string, period: string, text: string) => {
    const input = cell(scope, period).locator('input');
    await input.fill(text);
    await input.press('Enter');
  };
  const targetValue = async (scope: string, period: string) => {
    const [kind, id] = scope.split(':');
    const res = await apiInPage<{ items: Target[] }>(page, 'GET', `/api/records/okr.target?filter[period]=${period}&filter[${kind === 'user' ? 'scope_user' : 'scope_unit'}]=${id}`);
    return res.body.items[0]?.data.value;
  };

  it('shows the demo targets with their actuals, takes inline edits with the bottom-up check, and splits a selected cell', async () => {
    await openStudio(page, `${server.url}/p/okr/targets?metric=pipeline.won_value&year=2017`, server.demoPassword);
    await page.getByRole('heading', { level: 1, name: 'Sales targets' }).waitFor();
    await cell('unit:region-central', '2017-Q3').waitFor({ timeout: 60_000 });
    expect(await page.locator('[data-testid="targets-grid"] th[data-period="2017-Q3"]').textContent()).toBe('Q3');
    expect(await page.locator('[data-testid="targets-grid"] th[data-period="2017-07"]').textContent()).toBe('Jul');
    // the demo's targets are all in the second half: the grid opens on it
    expect(await page.locator('[data-testid="targets-grid"] thead th[data-period]').evaluateAll((ths) => ths.map((th) => th.getAttribute('data-period')))).toEqual(['2017-07', '2017-08', '2017-09', '2017-Q3', '2017-10', '2017-11', '2017-12', '2017-Q4']);
    // actuals from the metric layer equal the CSV
    for (const [scope, period, from, to] of [
      ['unit:region-central', '2017-Q3', '2017-07-01', '2017-09-30'],
      ['unit:team-dustin-brinkmann', '2017-08', '2017-08-01', '2017-08-31'],
      ['unit:company', '2017-Q4', '2017-10-01', '2017-12-31'],
      [`user:${slug(agents[0]?.sales_agent ?? '')}`, '2017-Q3', '2017-07-01', '2017-09-30'],
    ] as const) {
      expect(Number(await cell(scope, period).getAttribute('data-actual')), `${scope} ${period}`).toBe(won(scope, from, to));
    }
    const central = await targetValue('unit:region-central', '2017-Q3');
    expect(await cell('unit:region-central', '2017-Q3').getByTestId('cell-attainment').textContent()).toBe(pct(won('unit:region-central', '2017-07-01', '2017-09-30') / (central ?? 1)));
    // the demo targets add up: no gaps anywhere
    expect(await page.getByTestId('cell-gap').count()).toBe(0);
    await screenshot(page, 'okr-target-grid-en');

    // an edit of a team's month: saved, and the check flags the team against its reps, the office against its teams, the quarter against its months
    const july = (await targetValue('unit:team-dustin-brinkmann', '2017-07')) ?? 0;
    await typeInto('unit:team-dustin-brinkmann', '2017-07', String(july + 1000));
    await expect.poll(() => targetValue('unit:team-dustin-brinkmann', '2017-07'), { timeout: 30_000 }).toBe(july + 1000);
    await cell('unit:team-dustin-brinkmann', '2017-07').locator('[data-testid="cell-gap"][data-kind="children"]').waitFor();
    expect(Number(await cell('unit:team-dustin-brinkmann', '2017-07').locator('[data-testid="cell-gap"][data-kind="children"]').getAttribute('data-sum'))).toBe(july);
    await cell('unit:team-dustin-brinkmann', '2017-Q3').locator('[data-testid="cell-gap"][data-kind="months"]').waitFor();
    // the office's July no longer equals its teams' (which now hold 1000 more)
    await cell('unit:region-central', '2017-07').locator('[data-testid="cell-gap"][data-kind="children"]').waitFor();

    // a word is refused beside the cell before it reaches the server
    await typeInto('unit:team-dustin-brinkmann', '2017-09', 'lots');
    expect(await cell('unit:team-dustin-brinkmann', '2017-09').getByTestId('cell-error').textContent()).toBe('Type a number of at least 0 (empty removes the target).');

    // the top-down split of the selected team quarter: its reps' quarter targets become equal shares
    await cell('unit:team-dustin-brinkmann', '2017-Q3').locator('input').focus();
    const reps = agents.filter((a) => a.manager === 'Dustin Brinkmann').map((a) => `user:${slug(a.sales_agent ?? '')}`);
    await page.getByRole('button', { name: `Split among the ${reps.length} below` }).click();
    const teamQ3 = (await targetValue('unit:team-dustin-brinkmann', '2017-Q3')) ?? 0;
    await expect.poll(() => targetValue(reps[0] ?? '', '2017-Q3'), { timeout: 30_000 }).toBeCloseTo(teamQ3 / reps.length, 1);
    await expect.poll(async () => cell('unit:team-dustin-brinkmann', '2017-Q3').locator('[data-testid="cell-gap"][data-kind="children"]').count(), { timeout: 30_000 }).toBe(0);
    // the grid was redrawn from the records: the abandoned word and its problem are gone
    expect(await cell('unit:team-dustin-brinkmann', '2017-09').getByTestId('cell-error').count()).toBe(0);
    expect(await cell('unit:team-dustin-brinkmann', '2017-09').locator('input').inputValue()).toBe(String(await targetValue('unit:team-dustin-brinkmann', '2017-09')));
    // spreading the team's quarter over its months: equal thirds to the cent, and the quarter check holds again
    await cell('unit:team-dustin-brinkmann', '2017-Q3').locator('input').focus();
    await page.getByRole('button', { name: 'Spread over its months' }).click();
    const third = Math.floor((teamQ3 * 100) / 3) / 100;
    await expect.poll(() => targetValue('unit:team-dustin-brinkmann', '2017-07'), { timeout: 30_000 }).toBe(third);
    expect(await targetValue('unit:team-dustin-brinkmann', '2017-09')).toBe(Math.round((teamQ3 - 2 * third) * 100) / 100);
    await expect.poll(async () => cell('unit:team-dustin-brinkmann', '2017-Q3').locator('[data-testid="cell-gap"][data-kind="months"]').count(), { timeout: 30_000 }).toBe(0);
    await screenshot(page, 'okr-target-grid-edited-en');
  });

  it("shows the server's problem beside the cell: a manager may not set another office's target", async () => {
    await openStudio(page, `${server.url}/p/okr/targets?metric=pipeline.won_value&year=2017`, server.demoPassword, 'dustin.brinkmann@demo.pipewright.dev');
    await cell('unit:region-west', '2017-Q3').waitFor({ timeout: 60_000 });
    const before = await targetValue('unit:region-west', '2017-Q3');
    await typeInto('unit:region-west', '2017-Q3', '5');
    const error = cell('unit:region-west', '2017-Q3').getByTestId('cell-error');
    await error.waitFor({ timeout: 30_000 });
    expect(await error.textContent()).toMatch(/not change it|scope/);
    expect(await targetValue('unit:region-west', '2017-Q3')).toBe(before);
    // a rep of his team: allowed
    const rep = `user:${slug(agents.find((a) => a.manager === 'Dustin Brinkmann')?.sales_agent ?? '')}`;
    await typeInto(rep, '2017-11', '12345');
    await expect.poll(() => targetValue(rep, '2017-11'), { timeout: 30_000 }).toBe(12345);
    expect(await cell(rep, '2017-11').getByTestId('cell-error').count()).toBe(0);
  });

  it('a rep reads the grid and its actuals but has nothing to edit or upload', async () => {
    await openStudio(page, `${server.url}/p/okr/targets?metric=pipeline.won_value&year=2017`, server.demoPassword, server.demoRepEmail ?? '');
    await cell('unit:region-central', '2017-Q3').waitFor({ timeout: 60_000 });
    await page.getByTestId('targets-readonly').waitFor();
    expect(await cell('unit:region-central', '2017-Q3').locator('input').getAttribute('readonly')).not.toBeNull();
    expect(Number(await cell('unit:region-central', '2017-Q3').getAttribute('data-actual'))).toBe(won('unit:region-central', '2017-07-01', '2017-09-30'));
    expect(await page.getByTestId('targets-upload').count()).toBe(0);
  });

  it('uploads a CSV: checks every row naming the column, then imports the corrected file', async () => {
    await openStudio(page, `${server.url}/p/okr/targets?metric=pipeline.won_value&year=2017&half=year`, server.demoPassword);
    await cell('unit:region-east', '2017-Q2').waitFor({ timeout: 60_000 });
    const dir = mkdtempSync(join(tmpdir(), 'okr-upload-'));
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'period,scope_unit,value\n2017-Q2,region-east,250000\n2017-Q2,region-west,many\n2017-Q9,region-central,5\n');
    await page.getByTestId('upload-file').setInputFiles(bad);
    await page.getByTestId('upload-preview').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('upload-summary').textContent()).toBe('2 rows have problems; fix the file and choose it again.');
    expect(await page.locator('[data-testid="upload-preview"] tr[data-line="2"] td[data-scope]').textContent()).toBe('East');
    expect(await page.locator('[data-testid="upload-preview"] tr[data-line="3"] [data-testid="upload-row-problem"]').getAttribute('data-column')).toBe('value');
    expect(await page.locator('[data-testid="upload-preview"] tr[data-line="3"] [data-testid="upload-row-problem"]').textContent()).toBe('column value: a number of at least 0');
    expect(await page.locator('[data-testid="upload-preview"] tr[data-line="4"] [data-testid="upload-row-problem"]').textContent()).toBe('column period: a month (2017-07) or a quarter (2017-Q3)');
    expect(await page.getByTestId('upload-commit').isDisabled()).toBe(true);
    await screenshot(page, 'okr-target-upload-en');
    const good = join(dir, 'good.csv');
    writeFileSync(good, 'period,scope_unit,value\n2017-Q2,region-east,250000\n2017-Q2,region-west,300000\n');
    await page.getByTestId('upload-file').setInputFiles(good);
    await expect.poll(() => page.getByTestId('upload-summary').textContent(), { timeout: 30_000 }).toBe('2 rows are ready to import.');
    await page.getByRole('button', { name: 'Import 2 targets' }).click();
    await expect.poll(() => page.getByTestId('upload-done').textContent(), { timeout: 30_000 }).toBe('Imported: 2 created, 0 changed.');
    // the grid reloads with them and their actuals
    await expect.poll(() => cell('unit:region-east', '2017-Q2').locator('input').inputValue(), { timeout: 30_000 }).toBe('250000');
    expect(Number(await cell('unit:region-west', '2017-Q2').getAttribute('data-actual'))).toBe(won('unit:region-west', '2017-04-01', '2017-06-30'));
  });

  it('the home dashboard shows target attainment and the leaderboard of the quarter, as the CSV has them', async () => {
    // the home dashboard opens on all time: the tiles show the latest quarter with targets
    await openStudio(page, `${server.url}/`, server.demoPassword);
    const attainment = page.getByTestId('okr-attainment');
    await attainment.waitFor({ timeout: 60_000 });
    expect(await attainment.getAttribute('data-period')).toBe('2017-Q4');
    expect(Number(await attainment.locator('li[data-scope="unit:company"]').getAttribute('data-actual'))).toBe(won('unit:company', '2017-10-01', '2017-12-31'));
    await page.goto(`${server.url}/?from=2017-07-01&to=2017-09-30`);
    await expect.poll(() => page.getByTestId('okr-attainment').getAttribute('data-period'), { timeout: 60_000 }).toBe('2017-Q3');
    expect(await attainment.getAttribute('data-period')).toBe('2017-Q3');
    for (const scope of ['unit:company', 'unit:region-central', 'unit:region-east', 'unit:region-west']) {
      const li = attainment.locator(`li[data-scope="${scope}"]`);
      const actual = won(scope, '2017-07-01', '2017-09-30');
      expect(Number(await li.getAttribute('data-actual')), scope).toBe(actual);
      const target = await targetValue(scope, '2017-Q3');
      expect(Number(await li.getAttribute('data-target'))).toBe(target);
      expect(await li.getByTestId('attainment-percent').textContent()).toBe(pct(actual / (target ?? 1)));
      expect(await li.getByTestId('attainment-figures').textContent()).toBe(`${usd(actual)} of ${usd(target ?? 0)}`);
    }
    expect(await attainment.locator('p').first().textContent()).toBe('Won value, Q3 2017');
    // people ranked by attainment (then won value, then name), from the CSV and the targets
    const board = page.getByTestId('okr-leaderboard');
    await board.getByRole('button', { name: /Show all/ }).click();
    const shown = await board.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-scope')));
    const q3 = (await apiInPage<{ items: Target[] }>(page, 'GET', '/api/records/okr.target?filter[period]=2017-Q3&filter[scope_user][exists]=true&limit=1000')).body.items;
    const names = new Map(agents.map((a) => [`user:${slug(a.sales_agent ?? '')}`, a.sales_agent ?? '']));
    const expected = q3
      .map((t) => ({ scope: `user:${t.data.scope_user}`, actual: won(`user:${t.data.scope_user}`, '2017-07-01', '2017-09-30'), target: t.data.value }))
      .filter((r) => r.target > 0)
      .sort((a, b) => b.actual / b.target - a.actual / a.target || b.actual - a.actual || (names.get(a.scope) ?? '').localeCompare(names.get(b.scope) ?? ''))
      .map((r) => r.scope);
    expect(shown).toEqual(expected);
    expect(shown.length).toBe(agents.length);
    await board.getByRole('button', { name: 'Teams' }).click();
    expect(await board.locator('tbody tr').count()).toBe(new Set(agents.map((a) => a.manager)).size);
    await board.getByRole('button', { name: 'People' }).click();
    await attainment.scrollIntoViewIfNeeded();
    await screenshot(page, 'okr-dashboard-tiles-en');
  });

  it('speaks Simplified Chinese in zh-CN: the grid, the upload and the tiles', async () => {
    await openStudio(page, `${server.url}/p/okr/targets?metric=pipeline.won_value&year=2017`, server.demoPassword);
    await page.getByLabel('Language').first().selectOption('zh-CN');
    await page.getByRole('heading', { level: 1, name: '业绩目标' }).waitFor();
    await cell('unit:region-central', '2017-Q3').waitFor({ timeout: 60_000 });
    expect(await page.locator('[data-testid="targets-grid"] th[data-period="2017-Q3"]').textContent()).toBe('第3季度');
    expect(await page.locator('[data-testid="targets-grid"] th[data-period="2017-07"]').textContent()).toBe('7月');
    await page.getByRole('heading', { name: '从 CSV 上传目标' }).waitFor();
    const dir = mkdtempSync(join(tmpdir(), 'okr-upload-zh-'));
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'period,scope_unit,value\n2017-Q1,region-east,很多\n');
    await page.getByTestId('upload-file').setInputFiles(bad);
    await page.getByTestId('upload-preview').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('upload-row-problem').textContent()).toBe('value 列：应为不小于 0 的数字');
    await screenshot(page, 'okr-target-grid-zh-CN');
    await page.goto(`${server.url}/?from=2017-10-01&to=2017-12-31`);
    const attainment = page.getByTestId('okr-attainment');
    await attainment.waitFor({ timeout: 60_000 });
    expect(await attainment.getAttribute('data-period')).toBe('2017-Q4');
    await page.getByRole('heading', { name: '目标达成' }).waitFor();
    expect(await attainment.locator('p').first().textContent()).toBe('赢单金额，2017年第4季度');
    const company = attainment.locator('li[data-scope="unit:company"]');
    const actual = won('unit:company', '2017-10-01', '2017-12-31');
    expect(Number(await company.getAttribute('data-actual'))).toBe(actual);
    expect(await company.getByTestId('attainment-percent').textContent()).toBe(pct(actual / ((await targetValue('unit:company', '2017-Q4')) ?? 1), 'zh-CN'));
    await page.getByTestId('okr-leaderboard').getByRole('button', { name: '团队' }).waitFor();
    await attainment.scrollIntoViewIfNeeded();
    await screenshot(page, 'okr-dashboard-tiles-zh-CN');
  });
});
