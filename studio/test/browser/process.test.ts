import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiInPage, launchChromium, pagePerTest, screenshot } from './support/browser';
import { dragAlong, serveStressProcess, settledBox } from './support/designer-stress';
import { createProcess, publishProcess, smallProcess } from './support/processes';
import { openStudio } from './support/sign-in';
import { startStudioServer, type StudioServer } from './support/studio-server';

/** Drags with real mouse events from one element's centre to another's, in small steps. */
async function drag(page: Page, from: Locator, to: Locator, steps = 12): Promise<void> {
  const a = await from.boundingBox();
  const b = await to.boundingBox();
  if (!a || !b) throw new Error('drag: element not visible');
  const y = a.y + Math.min(a.height / 2, 12);
  await page.mouse.move(a.x + a.width / 2, y);
  await page.mouse.down();
  await page.mouse.move(a.x + a.width / 2 + 10, y + 8, { steps: 3 });
  await page.mouse.move(b.x + b.width / 2, b.y + Math.min(b.height / 2, 120), { steps });
  await page.mouse.up();
}

/**
 * The process designer, the pipeline board and the deal detail in Chromium against the real
 * runtime (PGlite, 8,800 demo deals), one server and one browser for the file.
 */
describe('processes in chromium', () => {
  let server: StudioServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    browser = await launchChromium();
    server = await startStudioServer({ demo: true });
    await publishProcess(server.api, 'new_business');
    // transition actions (e.g. the discovery call "qualify" schedules) run on the job queue
    await server.platform.processes.startWorkers(1);
    await createProcess(server.api, smallProcess('designer_demo'));
    await publishProcess(server.api, 'designer_demo');
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  pagePerTest(() => browser, { width: 1400, height: 900 }, (p) => (page = p));

  it('loads the board on the demo data, drags a deal into a stage with missing requirements, fills the form and sees it move', async () => {
    await openStudio(page, server.url, server.demoPassword);
    const created = await apiInPage<{ id: string }>(page, 'POST', '/api/records/pipeline.deal', { data: { name: 'Board drag deal' }, stage: 'prospecting' });
    expect(created.status).toBe(201);
    await page.goto(`${server.url}/board`);
    await page.locator('[data-testid="board"][data-ready="true"]').waitFor({ timeout: 30_000 });
    const tti = await page.evaluate(() => ({ ready: performance.getEntriesByName('pipewright:board-ready')[0]?.startTime ?? NaN, cards: document.querySelectorAll('[data-testid="deal-card"]').length }));
    const counts = await page.getByTestId('column-count').allTextContents();
    console.log(`[board] time to interactive on demo data: ${Math.round(tti.ready)} ms (${tti.cards} cards rendered; columns: ${counts.join(' | ')})`);
    expect(counts.join(' ')).toMatch(/\d,\d{3} deals/);
    await screenshot(page, 'board-demo');

    const card = page.getByTestId('column-prospecting').getByTestId('deal-card').filter({ hasText: 'Board drag deal' });
    await drag(page, card, page.getByTestId('column-engaging'));
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('heading', { name: /To move Board drag deal to Engaging/ }).waitFor();
    expect(await dialog.locator('#root_next_step').count()).toBe(1);
    await dialog.locator('#root_account_id').fill('Cancity');
    await page.getByRole('option', { name: 'Cancity' }).first().click();
    await dialog.locator('#root_amount-amount').fill('12000');
    await dialog.locator('#root_amount-currency').selectOption('USD');
    await dialog.locator('#root_engage_date').fill('2026-03-02');
    await dialog.locator('#root_next_step').fill('Call the CFO');
    await screenshot(page, 'board-requirements-form');
    await dialog.getByRole('button', { name: 'Save and move' }).click();
    await page.getByTestId('column-engaging').getByTestId('deal-card').filter({ hasText: 'Board drag deal' }).waitFor();
    expect(await page.getByTestId('column-prospecting').getByText('Board drag deal').count()).toBe(0);
    const won = page.getByTestId('column-won');
    expect(await won.getByTestId('deal-card').count()).toBe(20);
    await won.getByRole('button', { name: 'Show more' }).click();
    await expect.poll(() => won.getByTestId('deal-card').count()).toBe(40);
    await expect.poll(() => page.getByTestId('board-status').textContent()).toContain('Moved Board drag deal to Engaging');
    await screenshot(page, 'board-moved');

    // the "qualify" transition's action logs a discovery call against the deal
    await expect.poll(async () => (await apiInPage<{ items: unknown[] }>(page, 'GET', `/api/records/crm.activity?filter[deal_id][eq]=${created.body.id}`)).body.items.length, { timeout: 20_000 }).toBe(1);
    await page.getByTestId('column-engaging').getByRole('link', { name: 'Board drag deal' }).click();
    const panel = page.getByTestId('stage-panel');
    await panel.getByRole('heading', { name: /Stage: Engaging/ }).waitFor();
    await panel.locator('.stage-history li.current').filter({ hasText: 'Engaging' }).waitFor();
    await page.getByTestId('activity-timeline').getByText('Discovery call: Board drag deal').waitFor();
    await page.locator('ol.history li').filter({ hasText: 'Moved' }).waitFor();
    await screenshot(page, 'deal-detail-stages');
  });

  it('offers a move its guard blocks disabled, with the reason (keyboard "Move to…" menu)', async () => {
    await openStudio(page, server.url, server.demoPassword);
    const ref = async (path: string) => (await apiInPage<{ items: { id: string }[] }>(page, 'GET', `${path}?limit=1`)).body.items[0]?.id;
    const contact = (await apiInPage<{ id: string }>(page, 'POST', '/api/records/crm.contact', { data: { first_name: 'Gia', last_name: 'Guard' } })).body.id;
    const data = { name: 'Guarded deal', account_id: await ref('/api/records/crm.account'), product_id: await ref('/api/records/pipeline.product'), decision_maker_id: contact, amount: { amount: 9000, currency: 'USD' }, engage_date: '2026-06-01', expected_close_date: '2026-01-15', next_step: 'Send proposal' };
    const created = await apiInPage<{ id: string; version: number }>(page, 'POST', '/api/records/pipeline.deal', { data });
    expect(created.status).toBe(201);
    // A deal starts in the start stage; the process moves it on.
    expect((await apiInPage(page, 'POST', `/api/records/pipeline.deal/${created.body.id}/transitions`, { to: 'engaging' }, { 'if-match': `"${created.body.version}"` })).status).toBe(200);
    await page.goto(`${server.url}/board`);
    await page.locator('[data-testid="board"][data-ready="true"]').waitFor({ timeout: 30_000 });
    const menu = page.getByRole('combobox', { name: 'Move Guarded deal to another stage' });
    await menu.focus();
    const proposal = menu.locator('option', { hasText: 'Send proposal' });
    await proposal.waitFor({ state: 'attached' });
    expect(await proposal.textContent()).toBe('Send proposal → Proposal (blocked: The expected close date cannot be before the engage date.)');
    expect(await proposal.isDisabled()).toBe(true);
    await screenshot(page, 'board-guard-blocked');
    expect(await page.getByTestId('column-engaging').getByText('Guarded deal').count()).toBe(1);

    const prospects = page.getByTestId('column-prospecting').getByTestId('column-count');
    const all = await prospects.textContent();
    await page.getByLabel('Team').selectOption({ index: 1 });
    await expect.poll(() => prospects.textContent()).not.toBe(all);
    expect(page.url()).toContain('team=');
    await page.getByLabel('Team').selectOption('');
    await expect.poll(() => prospects.textContent()).toBe(all);

    await page.getByLabel('Language').first().selectOption('zh-CN');
    await page.getByRole('heading', { name: '销售看板' }).waitFor();
    await page.getByRole('combobox', { name: '将 Guarded deal 移动到其他阶段' }).waitFor();
    await screenshot(page, 'board-zh-cn');
  });

  it('gives a rep the board of their own deals and the designer read-only', async () => {
    if (!server.demoRepEmail) throw new Error('the demo has no rep who can sign in');
    await openStudio(page, `${server.url}/board`, server.demoPassword, server.demoRepEmail);
    await page.locator('[data-testid="board"][data-ready="true"]').waitFor({ timeout: 30_000 });
    const owner = page.getByLabel('Owner');
    expect(await owner.locator('option').allTextContents()).toEqual(['All', 'Me']);
    const counts = (await page.getByTestId('column-count').allTextContents()).map((c) => Number(c.replace(/\D/g, '')));
    expect(counts.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    expect(counts.reduce((a, b) => a + b, 0)).toBeLessThan(8_800);
    await screenshot(page, 'board-rep');

    await page.goto(`${server.url}/processes/new_business`);
    await page.getByRole('note').filter({ hasText: 'read-only' }).waitFor();
    expect(await page.getByRole('button', { name: 'Add stage' }).isDisabled()).toBe(true);
    expect(await page.getByRole('button', { name: 'Publish', exact: true }).isDisabled()).toBe(true);
  });

  it('draws a stage and a guarded transition, sees the server problem on the node, fixes it, compares, backtests and publishes', async () => {
    await openStudio(page, `${server.url}/processes`, server.demoPassword);
    await page.getByText('New process').click();
    await page.getByLabel('Id', { exact: true }).fill('made_in_studio');
    await page.getByLabel('Name', { exact: true }).fill('Made in the studio');
    await page.getByRole('button', { name: 'Create and open' }).click();
    await page.getByRole('heading', { level: 1, name: 'Made in the studio' }).waitFor();
    const canvas = page.getByRole('region', { name: 'Process canvas' });
    await canvas.getByTestId('stage-node-start').waitFor();
    expect(await page.getByTestId('process-settings').getByLabel('Name').inputValue()).toBe('Made in the studio');

    await page.goto(`${server.url}/processes/designer_demo`);
    await canvas.getByTestId('stage-node-prospect').waitFor();
    await page.getByRole('button', { name: 'Add stage' }).click();
    await canvas.getByTestId('stage-node-stage_4').waitFor();
    await page.keyboard.press('Control+z');
    await canvas.getByTestId('stage-node-stage_4').waitFor({ state: 'detached' });
    await page.keyboard.press('Control+y');
    const inspector = page.getByTestId('stage-inspector');
    await inspector.getByLabel('Label').fill('Discovery');
    await inspector.getByLabel('Win probability (%)').fill('25');
    await inspector.getByLabel('Expected value').check();
    await inspector.getByLabel('Maximum days in this stage').fill('14');
    await inspector.getByLabel('Warn before the deadline (ISO 8601 duration, e.g. P3D)').fill('P3D');
    const discovery = canvas.getByTestId('stage-node-stage_4');
    await discovery.getByText('Discovery').waitFor();
    await page.getByRole('button', { name: 'Auto layout' }).click();

    // a guarded transition out of the new stage, with a typo in the guard's field
    await drag(page, discovery.locator('.react-flow__handle.source'), canvas.getByTestId('stage-node-won').locator('.react-flow__handle.target'));
    const tInspector = page.getByTestId('transition-inspector');
    await tInspector.getByText('Discovery → Won').waitFor();
    await tInspector.getByLabel('Label').fill('Close from discovery');
    await tInspector.getByLabel('Guarded by a rule').check();
    await tInspector.getByLabel('Message when the guard blocks the move').fill('Only deals of 1,000 or more.');
    const guard = page.getByTestId('guard-editor');
    const drawGuard = async (rule: unknown) => {
      await guard.getByTestId('rule-json').fill(JSON.stringify(rule));
      await guard.getByRole('button', { name: 'Draw from JSON' }).click();
    };
    await drawGuard({ '>=': [{ var: 'budget' }, 1000] });
    await expect.poll(() => guard.locator('.rule-node').count()).toBe(4);

    const message = page.getByTestId('designer-message');
    const save = () => page.getByRole('button', { name: 'Save draft' }).click();
    await save();
    await expect.poll(() => message.textContent()).toContain('problem');
    await expect.poll(() => canvas.locator('.react-flow__edge.has-error').count()).toBe(1);
    expect(await tInspector.getByRole('alert').textContent()).toContain('budget');
    await screenshot(page, 'designer-guard-error');

    await drawGuard({ '>=': [{ var: 'amount.amount' }, 1000] });
    await save();
    // the guard is fixed; now the server finds that nothing leads into the new stage
    await expect.poll(() => discovery.getAttribute('aria-invalid')).toBe('true');
    expect(await discovery.textContent()).toContain('cannot be reached');
    expect(await canvas.locator('.react-flow__edge.has-error').count()).toBe(0);
    await screenshot(page, 'designer-validation-error');

    await drag(page, canvas.getByTestId('stage-node-prospect').locator('.react-flow__handle.source'), discovery.locator('.react-flow__handle.target'));
    await tInspector.getByText('Prospect → Discovery').waitFor();
    await save();
    await expect.poll(() => message.textContent()).toContain('Draft saved');
    expect(await discovery.getAttribute('aria-invalid')).toBe('false');

    // the move into discovery needs a manager's approval above 50,000 (审批, ADR 028)
    await tInspector.getByLabel('Needs approval (审批)').check();
    const approval = tInspector.getByTestId('approval-editor');
    expect(await approval.getByLabel('Manager', { exact: true }).isChecked()).toBe(true);
    await approval.getByLabel('Order').selectOption('sequential');
    await approval.getByLabel('Escalate to the managers above after (ISO 8601 duration, e.g. PT24H; empty: never)').fill('pt24h');
    await approval.getByLabel('Only when (json-logic over the record; empty: always)').fill('{">": [{"var": "amount.amount"}');
    await approval.getByLabel('Approvals needed').click();
    await approval.getByRole('alert').waitFor();
    await approval.getByLabel('Only when (json-logic over the record; empty: always)').fill('{">": [{"var": "amount.amount"}, 50000]}');
    await approval.getByLabel('Approvals needed').click();
    await approval.getByRole('alert').waitFor({ state: 'detached' });
    await save();
    await expect.poll(() => message.textContent()).toContain('Draft saved');
    const savedDraft = (await (await server.api('/api/processes/designer_demo')).json()) as { draft: { transitions: { to: string; approval?: unknown }[] } };
    expect(savedDraft.draft.transitions.find((x) => x.to === 'stage_4')?.approval).toEqual({ approvers: [{ role: 'manager' }], mode: 'sequential', timeout: 'PT24H', when: { '>': [{ var: 'amount.amount' }, 50000] } });
    await screenshot(page, 'designer-approval');

    await page.getByRole('button', { name: 'Compare with published' }).click();
    const diff = page.getByTestId('diff-panel');
    await diff.getByText('stage_4', { exact: true }).waitFor();
    expect(await diff.textContent()).toContain('stage_4_to_won');
    await page.getByRole('button', { name: 'Run backtest' }).click();
    await page.getByTestId('backtest-panel').getByRole('status').waitFor();
    await screenshot(page, 'designer-diff-backtest');
    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    const publishDialog = page.getByTestId('publish-dialog');
    await publishDialog.getByRole('heading', { name: 'Publish version 2?' }).waitFor();
    await publishDialog.getByRole('button', { name: 'Publish', exact: true }).click();
    await expect.poll(() => publishDialog.getByTestId('publish-result').textContent().catch(() => '')).toContain('No records needed migrating');
    await publishDialog.getByRole('heading', { name: 'Published version 2' }).waitFor();
    await screenshot(page, 'designer-published');

    const saved = await apiInPage<{ draft: { layout: { nodes: Record<string, unknown> }; transitions: { id: string; guard?: unknown }[] } }>(page, 'GET', '/api/processes/designer_demo');
    expect(Object.keys(saved.body.draft.layout.nodes).sort()).toEqual(['lost', 'prospect', 'stage_4', 'won']);
    expect(saved.body.draft.transitions.find((t) => t.id === 'stage_4_to_won')?.guard).toEqual({ '>=': [{ var: 'amount.amount' }, 1000] });
    expect(saved.body.draft.transitions.map((t) => t.id)).toContain('prospect_to_stage_4');
  });

  it('adds a transition with the keyboard only: Tab to a stage, Enter, pick the target, Add', async () => {
    await createProcess(server.api, smallProcess('keyboard_demo'));
    await openStudio(page, `${server.url}/processes/keyboard_demo`, server.demoPassword);
    const canvas = page.getByRole('region', { name: 'Process canvas' });
    await canvas.getByTestId('stage-node-prospect').waitFor();
    /** Presses Tab until the focused element matches `selector` (and, given `label`, sits in a label with that text). */
    const tabTo = async (selector: string, label?: string, max = 80) => {
      for (let i = 0; i < max; i++) {
        await page.keyboard.press('Tab');
        const at = await page.evaluate(([sel, text]) => {
          const el = document.activeElement;
          return !!el?.matches(sel!) && (text === undefined || el.closest('label')?.textContent?.trim() === text);
        }, [selector, label] as const);
        if (at) return;
      }
      throw new Error(`Tab never reached ${selector} ${label ?? ''}`);
    };
    const edge = canvas.getByTestId('rf__edge-t:prospect_to_lost:prospect');

    // from the last toolbar button into the canvas, to the "Prospect" stage, and select it
    await page.getByRole('button', { name: 'Publish', exact: true }).focus();
    await tabTo('.react-flow__node[data-id="prospect"]');
    await page.keyboard.press('Enter');
    const inspector = page.getByTestId('stage-inspector');
    expect(await inspector.getByLabel('Id', { exact: true }).inputValue()).toBe('prospect');

    // "won" is already a move from "prospect"; "lost" is reached only from any stage ("*")
    const target = inspector.getByLabel('To stage');
    expect(await target.locator('option').allTextContents()).toEqual(['Choose a stage…', 'Lost']);
    expect(await inspector.getByRole('button', { name: 'Add transition' }).isDisabled()).toBe(true);
    await tabTo('.add-transition select');
    await page.keyboard.press('ArrowDown');
    expect(await target.inputValue()).toBe('lost');
    await screenshot(page, 'designer-keyboard-pick-target');
    await tabTo('.add-transition button');
    await page.keyboard.press('Enter');

    // the new transition is drawn, selected, and its first field has the focus
    const tInspector = page.getByTestId('transition-inspector');
    await tInspector.getByText('Prospect → Lost').waitFor();
    await edge.waitFor();
    expect(await page.evaluate(() => document.activeElement === document.querySelector('[data-testid="transition-inspector"] input'))).toBe(true);

    // one undoable step, as a transition drawn on the canvas
    const save = page.getByRole('button', { name: 'Save draft' });
    await save.focus();
    await page.keyboard.press('Control+z');
    await edge.waitFor({ state: 'detached' });
    await page.keyboard.press('Control+y');
    await edge.waitFor();
    await tInspector.getByText('Prospect → Lost').waitFor();

    await tabTo('[data-testid="transition-inspector"] input', undefined);
    await page.keyboard.type('Disqualify');
    await edge.getByText('Disqualify').waitFor();
    await save.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('designer-message').textContent()).toContain('Draft saved');
    const saved = await apiInPage<{ draft: { transitions: { id: string }[] } }>(page, 'GET', '/api/processes/keyboard_demo');
    expect(saved.body.draft.transitions.find((t) => t.id === 'prospect_to_lost')).toEqual({ id: 'prospect_to_lost', label: 'Disqualify', from: 'prospect', to: 'lost' });

    // its guard is next: check "Guarded by a rule" and the rule builder opens
    await tabTo('input[type="checkbox"]', 'Guarded by a rule');
    await page.keyboard.press('Space');
    await page.getByTestId('guard-editor').waitFor();
    await edge.getByText('Disqualify ◆').waitFor();
    await screenshot(page, 'designer-keyboard-transition');
  });

  it('draws a 300-stage process, drags a node with the mouse and undoes the move', async () => {
    // frame times at this size are measured by `npm run bench:designer`, not here: a timed
    // assertion fails on a busy machine
    await openStudio(page, server.url, server.demoPassword);
    const path = await serveStressProcess(page, 300);
    await page.goto(`${server.url}${path}`);
    // 300 stages and the "any stage" node the transitions from '*' start at (once fit view
    // has zoomed in to a legible scale, only the nodes in view stay drawn)
    await page.waitForFunction(() => document.querySelectorAll('.react-flow__node').length >= 301, undefined, { timeout: 60_000 });
    const node = page.getByTestId('stage-node-s150');
    const box = await settledBox(page, node);
    // where the node sits on the canvas (flow coordinates; the viewport may pan while dragging)
    const placed = () => page.locator('.react-flow__node[data-id="s150"]').evaluate((n) => (n as HTMLElement).style.transform);
    const before = await placed();
    await dragAlong(page, box, 20, 8);
    await expect.poll(async () => (await node.boundingBox())?.x ?? 0).toBeGreaterThan(box.x + 100);
    expect(await placed()).not.toBe(before);
    await page.getByRole('button', { name: 'Undo' }).click();
    await expect.poll(placed).toBe(before);
    await screenshot(page, 'designer-300-stages');
  }, 180_000);
});
