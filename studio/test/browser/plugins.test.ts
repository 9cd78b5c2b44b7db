import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { apiInPage, pagePerTest, screenshot } from './support/browser';
import { studioWithAdmin } from './support/studio-with-admin';
import { publishProcess } from './support/processes';
import { openStudio } from './support/sign-in';
import type { StudioServer } from './support/studio-server';

/** Two company plugins: acme_fixture (a staged entity and a full studio half) and acme_broken (its module throws on import). */
const FIXTURES = fileURLToPath(new URL('./fixtures/plugins', import.meta.url));
const OPS = { email: 'ops@acme.test', password: 'a long passphrase for the ops admin 42' };

/**
 * The studio extension API in Chromium (ADR 017): a company plugin's studio module, served by the
 * runtime from its own origin, contributes a page, navigation entries, a record panel and action,
 * a field widget, a dashboard tile and zh-CN labels; a plugin that fails shows an error panel
 * naming it; the board works for any entity with stages; built-in plugins' labels are translated.
 */
describe('studio plugins in chromium', () => {
  let server: StudioServer;
  let browser: Browser;
  let page: Page;

  studioWithAdmin({ admin: { name: 'Ops Admin', email: OPS.email, password: OPS.password }, env: { PIPEWRIGHT_PLUGINS: FIXTURES } }, (s) => ({ browser, server } = s));
  beforeAll(async () => {
    await publishProcess(server.api, 'acme_ticket_flow');
  }, 240_000);
  pagePerTest(() => browser, { width: 1280, height: 860 }, (p) => (page = p));

  it('serves company studio modules from its own origin, as JavaScript, cached by content hash', async () => {
    const list = (await (await server.api('/api/studio/plugins')).json()) as { items: { id: string; module: string }[] };
    expect(list.items.map((i) => i.id).sort()).toEqual(['acme_broken', 'acme_fixture']);
    const fixture = list.items.find((i) => i.id === 'acme_fixture');
    expect(fixture?.module).toMatch(/^\/plugins\/acme_fixture\/studio\.js\?v=[\w-]{16}$/);
    const res = await fetch(`${server.url}${fixture?.module ?? ''}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await res.text()).toContain("kind: 'pipewright.studio-plugin'");
    const plain = await fetch(`${server.url}/plugins/acme_fixture/studio.js`);
    expect(plain.headers.get('cache-control')).toBe('no-cache');
    const etag = plain.headers.get('etag') ?? '';
    expect((await fetch(`${server.url}/plugins/acme_fixture/studio.js`, { headers: { 'if-none-match': etag } })).status).toBe(304);
    // built-in plugins are bundled, and only a plugin's own built module is served
    expect((await fetch(`${server.url}/plugins/crm/studio.js`)).status).toBe(404);
    expect((await fetch(`${server.url}/plugins/nope/studio.js`)).status).toBe(404);
    expect((await server.anonymous('/api/studio/plugins')).status).toBe(401);
  });

  it('shows a company plugin\'s page, navigation, record panel and action, field widget and dashboard tile', async () => {
    await openStudio(page, server.url, OPS.password, OPS.email);
    const nav = page.getByRole('navigation', { name: 'Main navigation' });
    const group = nav.getByRole('region', { name: 'ACME support' }).or(nav.locator('section[aria-labelledby="nav-acme_fixture"]'));
    await group.getByRole('heading', { name: 'ACME support' }).waitFor();
    await group.getByRole('link', { name: 'Ticket summary' }).click();
    await page.getByTestId('acme-summary').getByRole('heading', { level: 1, name: 'Ticket summary' }).waitFor();
    await page.getByTestId('acme-summary').getByText('0 tickets in total').waitFor();
    expect(new URL(page.url()).pathname).toBe('/p/acme_fixture/summary');

    await group.getByRole('link', { name: 'Tickets' }).click();
    await page.getByRole('link', { name: 'New Ticket' }).click();
    await page.locator('#root_title').fill('Printer on fire');
    await page.locator('#root_severity').selectOption({ label: 'Low' });
    const colour = page.getByTestId('acme-color');
    await colour.selectOption({ label: 'Red' });
    await screenshot(page, 'plugin-field-widget');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('heading', { level: 1, name: 'Printer on fire' }).waitFor();
    const colourRow = page.locator('.field-row').filter({ has: page.getByText('Colour', { exact: true }) });
    expect(await colourRow.locator('dd').textContent()).toBe('● Red');
    const triage = page.getByTestId('acme-triage');
    await triage.getByText('Severity is Low').waitFor();
    await triage.getByText('Open', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Escalate' }).click();
    await triage.getByText('Severity is High').waitFor();
    const id = new URL(page.url()).pathname.split('/').at(-1) ?? '';
    const stored = await apiInPage<{ data: { severity: string; colour: string }; version: number }>(page, 'GET', `/api/records/acme_fixture.ticket/${id}`);
    expect(stored.body.data).toMatchObject({ severity: 'high', colour: 'red' });
    expect(stored.body.version).toBe(2);
    await screenshot(page, 'plugin-record-panel');

    await page.goto(`${server.url}/dashboards/pipeline.company_home`);
    const tile = page.locator('[data-widget="acme_fixture.open"]');
    await tile.getByRole('heading', { name: 'High-severity tickets' }).waitFor();
    await expect.poll(() => tile.getByTestId('acme-tile').textContent()).toBe('1');
  });

  it('shows an error panel naming a plugin that fails to load or to render, never a blank page', async () => {
    await openStudio(page, server.url, OPS.password, OPS.email);
    const failed = page.locator('[data-testid="plugin-error"][data-plugin="acme_broken"]');
    await failed.getByRole('heading', { name: 'The studio part of plugin acme_broken could not be loaded' }).waitFor();
    expect(await failed.textContent()).toContain('acme_broken needs a licence key');
    // the rest of the studio works: other plugins' entries and the home page are there
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Ticket summary' }).waitFor();
    await screenshot(page, 'plugin-load-failed');

    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Broken page' }).click();
    const broken = page.locator('[data-testid="plugin-error"][data-plugin="acme_fixture"]');
    await broken.getByRole('heading', { name: 'Plugin acme_fixture failed to show this part' }).waitFor();
    expect(await broken.textContent()).toContain('acme_fixture broke on purpose');
    await page.getByRole('banner').getByRole('link', { name: 'Pipewright Studio' }).waitFor();
    await screenshot(page, 'plugin-render-failed');
  });

  it('works the board of a staged entity that is not a deal', async () => {
    await openStudio(page, server.url, OPS.password, OPS.email);
    for (const title of ['Reset the router', 'Replace toner']) {
      expect((await apiInPage(page, 'POST', '/api/records/acme_fixture.ticket', { data: { title, severity: 'low', due_date: '2026-12-24' } })).status).toBe(201);
    }
    await page.goto(`${server.url}/board`);
    await page.locator('[data-testid="board"][data-ready="true"]').waitFor({ timeout: 30_000 });
    // the default board is the one the pipeline plugin registers
    await page.getByTestId('column-prospecting').waitFor();
    await page.locator('#board-entity').selectOption({ label: 'Tickets' });
    await page.waitForURL(/\/board\/acme_fixture\.ticket$/);
    await page.locator('[data-testid="board"][data-ready="true"]').waitFor({ timeout: 30_000 });
    const open = page.getByTestId('column-open');
    await open.getByRole('heading', { name: /Open/ }).waitFor();
    expect(await page.locator('[data-testid^="column-"][data-stage]').evaluateAll((els) => els.map((e) => e.getAttribute('data-stage')))).toEqual(['open', 'working', 'solved', 'dropped']);
    const card = open.getByTestId('deal-card').filter({ hasText: 'Reset the router' });
    await card.waitFor();
    expect(await card.textContent()).toContain('Due date: Dec 24, 2026');
    await expect.poll(() => open.getByTestId('column-count').textContent()).toMatch(/^\d+ tickets$/);
    const menu = page.getByRole('combobox', { name: 'Move Reset the router to another stage' });
    await menu.focus();
    await expect.poll(async () => (await menu.locator('option').allTextContents()).join('|')).toContain('Start work');
    const option = (await menu.locator('option').allTextContents()).find((o) => o.startsWith('Start work')) ?? '';
    await menu.selectOption({ label: option });
    await page.getByTestId('column-working').getByTestId('deal-card').filter({ hasText: 'Reset the router' }).waitFor();
    await expect.poll(() => page.getByTestId('board-status').textContent()).toContain('Moved Reset the router to Working');
    const tickets = await apiInPage<{ items: { stage: string; data: { title: string } }[] }>(page, 'GET', '/api/records/acme_fixture.ticket?limit=50');
    expect(tickets.body.items.find((t) => t.data.title === 'Reset the router')?.stage).toBe('working');
    await screenshot(page, 'board-tickets');
  });

  it('shows entity, field, enum and stage names in zh-CN, from the plugins\' translations', async () => {
    await openStudio(page, `${server.url}/board/pipeline.deal`, OPS.password, OPS.email);
    await page.locator('[data-testid="board"][data-ready="true"]').waitFor({ timeout: 30_000 });
    await page.getByLabel('Language').first().selectOption('zh-CN');
    const nav = page.getByRole('navigation', { name: '主导航' });
    await nav.getByRole('heading', { name: '销售管道' }).waitFor();
    await nav.getByRole('link', { name: '商机看板' }).waitFor();
    expect(await nav.getByRole('link', { name: '商机', exact: true }).count()).toBe(1);
    await nav.getByRole('link', { name: '客户', exact: true }).waitFor();
    await nav.getByRole('link', { name: '工单概览' }).waitFor();
    const headings = await page.locator('[data-testid^="column-"][data-stage] h2 > span:first-child').allTextContents();
    expect(headings.slice(0, 6)).toEqual(['潜在', '接洽 / 已确认', '方案', '谈判', '赢单', '输单']);
    await expect.poll(() => page.getByTestId('column-won').getByTestId('column-count').textContent()).toMatch(/^[\d,]+ 个商机$/);
    await screenshot(page, 'board-zh-cn');

    await page.locator('#board-entity').selectOption({ label: '工单' });
    await page.locator('[data-testid="board"][data-ready="true"]').waitFor({ timeout: 30_000 });
    expect(await page.locator('[data-testid^="column-"][data-stage] h2 > span:first-child').allTextContents()).toEqual(['待处理', '处理中', '已解决', '已放弃']);

    await page.getByTestId('column-working').getByRole('link', { name: 'Reset the router' }).click();
    await page.getByRole('heading', { level: 1, name: 'Reset the router' }).waitFor();
    await page.getByTestId('stage-panel').getByRole('heading', { name: '阶段: 处理中' }).waitFor();
    const row = (label: string) => page.locator('.field-row').filter({ has: page.getByText(label, { exact: true }) }).locator('dd');
    expect(await row('严重程度').textContent()).toBe('低');
    expect(await row('标题').textContent()).toBe('Reset the router');
    await page.getByTestId('acme-triage').getByText('严重程度：低').waitFor();
    await page.getByRole('link', { name: '工单' }).first().waitFor();
    await screenshot(page, 'ticket-zh-cn');
    await page.getByLabel('语言').first().selectOption('en');
  });
});
