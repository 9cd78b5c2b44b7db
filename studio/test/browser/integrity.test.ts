import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiInPage, launchChromium, pagePerTest, screenshot } from './support/browser';
import { createProcess, publishProcess, smallProcess } from './support/processes';
import { openStudio } from './support/sign-in';
import { ARTIFACTS_DIR, startStudioServer, type StudioServer } from './support/studio-server';

/** Texts of a <select>'s options once the moves have loaded. */
async function menuOptions(page: Page, name: string): Promise<string[]> {
  const menu = page.getByRole('combobox', { name });
  await menu.focus();
  await expect.poll(async () => (await menu.locator('option').allTextContents()).some((o) => o.includes('Loading'))).toBe(false);
  return (await menu.locator('option').allTextContents()).slice(1);
}

/**
 * Issue 11 in the studio: a new deal starts in the start stage and is on the board (item 7); the
 * board offers only the moves the server allows, in the deal's own version (item 6); publishing
 * asks for confirmation and offers the migration; the designer edits locked fields.
 */
describe('record integrity in chromium', () => {
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
  pagePerTest(() => browser, { width: 1400, height: 900 }, (p) => (page = p));

  it('puts a deal created with "New Deal" in the start stage and on the board, offering only allowed moves', async () => {
    await openStudio(page, `${server.url}/records/pipeline.deal/new`, server.demoPassword);
    await page.locator('#root_name').fill('Brand new deal');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('heading', { level: 1, name: 'Brand new deal' }).waitFor();
    await page.getByTestId('stage-panel').getByRole('heading', { name: 'Stage: Prospecting' }).waitFor();
    await page.goto(`${server.url}/board`);
    await page.locator('[data-testid="board"][data-ready="true"]').waitFor({ timeout: 30_000 });
    const card = page.getByTestId('column-prospecting').getByTestId('deal-card').filter({ hasText: 'Brand new deal' });
    await card.waitFor();
    expect(await menuOptions(page, 'Move Brand new deal to another stage')).toEqual(['Qualify → Engaging / Qualified', 'Mark lost → Lost']);
    await screenshot(page, 'integrity-new-deal-on-board');

    // Dragging to a stage the process does not allow from here: the column is no drop target.
    expect(await page.getByTestId('column-won').getAttribute('data-droppable')).toBe('true');
    const a = await card.boundingBox();
    const won = page.getByTestId('column-proposal');
    const b = await won.boundingBox();
    if (!a || !b) throw new Error('not visible');
    await page.mouse.move(a.x + a.width / 2, a.y + 10);
    await page.mouse.down();
    await page.mouse.move(a.x + a.width / 2 + 10, a.y + 18, { steps: 3 });
    await page.mouse.move(b.x + b.width / 2, b.y + 100, { steps: 12 });
    await expect.poll(() => won.getAttribute('data-droppable')).toBe('false');
    expect(await page.getByTestId('column-won').getAttribute('data-droppable')).toBe('false');
    expect(await page.getByTestId('column-engaging').getAttribute('data-droppable')).toBe('true');
    // (Not the full-page screenshot helper: resizing the viewport cancels a drag.)
    await page.screenshot({ path: `${ARTIFACTS_DIR}integrity-drop-targets.png` });
    await page.mouse.up();
    await expect.poll(() => page.getByTestId('board-status').textContent()).toContain('Brand new deal cannot be moved to Proposal');
    expect(await page.getByTestId('move-dialog').isVisible()).toBe(false);
    expect(await page.getByTestId('column-prospecting').getByText('Brand new deal').count()).toBe(1);
  });

  it('shows a blocked move disabled with the process\'s reason and a v1 deal only its own version\'s stages', async () => {
    await openStudio(page, `${server.url}/board`, server.demoPassword);
    const account = (await apiInPage<{ items: { id: string }[] }>(page, 'GET', '/api/records/crm.account?limit=1')).body.items[0]?.id;
    const product = (await apiInPage<{ items: { id: string }[] }>(page, 'GET', '/api/records/pipeline.product?limit=1')).body.items[0]?.id;
    const contact = (await apiInPage<{ id: string }>(page, 'POST', '/api/records/crm.contact', { data: { first_name: 'Dana', last_name: 'Decider' } })).body.id;
    const created = await apiInPage<{ id: string; version: number }>(page, 'POST', '/api/records/pipeline.deal', { data: { name: 'Guarded v1 deal', account_id: account, product_id: product, decision_maker_id: contact, amount: { amount: 9000, currency: 'USD' }, engage_date: '2026-06-01', expected_close_date: '2026-01-15', next_step: 'Send proposal' } });
    expect(created.status).toBe(201);
    expect((await apiInPage(page, 'POST', `/api/records/pipeline.deal/${created.body.id}/transitions`, { to: 'engaging' }, { 'if-match': `"${created.body.version}"` })).status).toBe(200);
    // Version 2 adds a stage; the v1 deal is not offered it.
    const detail = (await apiInPage<{ draft: { stages: unknown[]; transitions: unknown[] }; draftRevision: number }>(page, 'GET', '/api/processes/new_business')).body;
    const draft = { ...detail.draft, stages: [detail.draft.stages[0], { id: 'stage_7', label: 'Discovery', kind: 'open' }, ...detail.draft.stages.slice(1)], transitions: [...detail.draft.transitions, { id: 'discover', from: 'engaging', to: 'stage_7' }, { id: 'discovered', from: 'stage_7', to: 'proposal' }] };
    expect((await apiInPage(page, 'PUT', '/api/processes/new_business', draft, { 'if-match': `"${detail.draftRevision}"` })).status).toBe(200);
    expect((await apiInPage(page, 'POST', '/api/processes/new_business/publish')).status).toBe(201);
    await page.reload();
    await page.locator('[data-testid="board"][data-ready="true"]').waitFor({ timeout: 30_000 });
    await page.getByTestId('column-stage_7').waitFor();
    const options = await menuOptions(page, 'Move Guarded v1 deal to another stage');
    // Its guard fails and no field would change that: offered disabled, with the process's reason.
    expect(options).toEqual(['Prospecting', 'Send proposal → Proposal (blocked: The expected close date cannot be before the engage date.)', 'Mark lost → Lost']);
    const menu = page.getByRole('combobox', { name: 'Move Guarded v1 deal to another stage' });
    expect(await menu.locator('option', { hasText: 'Send proposal' }).isDisabled()).toBe(true);
    await page.getByLabel('Language').first().selectOption('zh-CN');
    await page.getByRole('heading', { name: '销售看板' }).waitFor();
    expect((await menuOptions(page, '将 Guarded v1 deal 移动到其他阶段'))[1]).toContain('受阻');
    await screenshot(page, 'integrity-board-zh-cn');
    await page.getByLabel('语言').first().selectOption('en');
    await page.getByRole('heading', { name: 'Pipeline board' }).waitFor();
    // Losing it needs fields (and its guard reads one of them): the form asks for exactly those first.
    await menu.selectOption({ label: 'Mark lost → Lost' });
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('heading', { name: /To move Guarded v1 deal to Lost, fill in/ }).waitFor();
    await dialog.locator('#root_close_date').fill('2026-07-01');
    await dialog.locator('#root_lost_reason').fill('price');
    await screenshot(page, 'integrity-v1-deal-lost-form');
    await dialog.getByRole('button', { name: 'Save and move' }).click();
    await page.getByTestId('column-lost').getByTestId('deal-card').filter({ hasText: 'Guarded v1 deal' }).waitFor();
    expect((await apiInPage<{ stage: string; process: { version: number } }>(page, 'GET', `/api/records/pipeline.deal/${created.body.id}`)).body).toMatchObject({ stage: 'lost', process: { version: 1 } });
  });

  it('edits locked fields in the designer, publishes with confirmation and migrates in-flight deals in batches', async () => {
    await createProcess(server.api, smallProcess('migrate_demo'));
    await publishProcess(server.api, 'migrate_demo');
    await openStudio(page, `${server.url}/processes/migrate_demo`, server.demoPassword);
    for (const name of ['M1', 'M2', 'M3']) expect((await apiInPage(page, 'POST', '/api/records/pipeline.deal', { data: { name }, process: 'migrate_demo' })).status).toBe(201);
    // The draft renames "prospect" to "lead": the v1 deals' stage has no counterpart in v2.
    const detail = (await apiInPage<{ draft: Record<string, unknown> & { stages: { id: string }[]; transitions: { from: unknown; to: string }[]; layout: { nodes: Record<string, unknown> } }; draftRevision: number }>(page, 'GET', '/api/processes/migrate_demo')).body;
    const d = detail.draft;
    const renamed = { ...d, initialStage: 'lead', stages: d.stages.map((s) => (s.id === 'prospect' ? { ...s, id: 'lead', label: 'Lead' } : s)), transitions: d.transitions.map((t) => ({ ...t, from: t.from === 'prospect' ? 'lead' : t.from })), layout: { nodes: { ...d.layout.nodes, lead: d.layout.nodes.prospect } } };
    delete (renamed.layout.nodes as Record<string, unknown>).prospect;
    expect((await apiInPage(page, 'PUT', '/api/processes/migrate_demo', renamed, { 'if-match': `"${detail.draftRevision}"` })).status).toBe(200);
    await page.reload();
    const canvas = page.getByRole('region', { name: 'Process canvas' });
    await canvas.getByTestId('stage-node-won').click();
    const locked = page.getByTestId('locked-fields');
    await locked.getByLabel('Lock').selectOption('listed');
    await locked.getByLabel('Expected value', { exact: true }).check();
    await locked.getByLabel('Close value').check();
    await screenshot(page, 'integrity-designer-locked-fields');

    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    const dialog = page.getByTestId('publish-dialog');
    await dialog.getByRole('heading', { name: 'Publish version 2?' }).waitFor();
    expect(await dialog.getByTestId('publish-changes').textContent()).toContain('Stages: 1 added, 1 removed, 1 changed');
    await screenshot(page, 'integrity-publish-confirm');
    await dialog.getByRole('button', { name: 'Publish', exact: true }).click();
    await dialog.getByRole('heading', { name: 'Migrate records from version 1 to 2?' }).waitFor();
    const plan = dialog.getByTestId('migration-plan');
    await expect.poll(() => plan.textContent()).toContain('stays: no stage mapped');
    expect(await dialog.textContent()).toContain('0 records can move; 0 would not meet the new stages\' requirements and 3 have no stage to go to');
    await dialog.getByLabel('Records in prospect go to').selectOption('lead');
    await expect.poll(() => dialog.getByRole('button', { name: 'Migrate 3 records' }).isEnabled()).toBe(true);
    expect(await plan.locator('tr[data-status="migrate"]').textContent()).toContain('3');
    await screenshot(page, 'integrity-migration-plan');
    await dialog.getByRole('button', { name: 'Migrate 3 records' }).click();
    await expect.poll(() => dialog.getByTestId('publish-result').textContent().catch(() => '')).toContain('3 records migrated; 0 stay on version 1');
    await screenshot(page, 'integrity-migration-done');

    const v2 = await apiInPage<{ definition: { stages: { id: string; lockedFields?: unknown }[] } }>(page, 'GET', '/api/processes/migrate_demo/versions/2');
    expect(v2.body.definition.stages.find((s) => s.id === 'won')?.lockedFields).toEqual(['amount', 'close_value']);
    const deals = await apiInPage<{ items: { stage: string; process: { version: number } }[] }>(page, 'GET', '/api/records/pipeline.deal?filter[process]=migrate_demo');
    expect(deals.body.items.map((x) => `${x.stage}@${x.process.version}`)).toEqual(['lead@2', 'lead@2', 'lead@2']);
  });
});
