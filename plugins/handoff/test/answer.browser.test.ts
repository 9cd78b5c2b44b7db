import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_PASSWORD, emailOf } from '../../../runtime/test/harness';
import { createDeal, eventually, expectJson, type View } from '../../../runtime/test/process/helpers';
import { createRule, prepare } from './handoff.test-support';
import { launchChromium, pagePerTest, screenshot } from '../../../studio/test/browser/support/browser';
import { openStudio } from '../../../studio/test/browser/support/sign-in';
import { startStudioServer, type StudioServer } from '../../../studio/test/browser/support/studio-server';

/**
 * A handoff's page offers accept and reject only to who may give them, as the server says
 * (`GET .../handoffs/:id/answers`, the transitions list): the sender sees that it waits for its
 * receiver and no answer in the stage menu; the receiver accepts it from the page and becomes
 * its owner.
 */
describe('handoff answers on the record page in chromium', () => {
  let server: StudioServer;
  let browser: Browser;
  let page: Page;
  let handoff: string;
  let second: string;

  beforeAll(async () => {
    browser = await launchChromium();
    server = await startStudioServer({ demo: false, env: { PIPEWRIGHT_JOB_POLL_SECONDS: '0.5' } });
    await prepare(server);
    await createRule(server, { name: 'Solutions to Rick', position: 1, applies_to: 'presales_to_sales', strategy: 'round_robin', users: ['rick-rep'] });
    const deal = await createDeal(server.as('rep').api, { name: 'Answered deal' });
    await expectJson(server.as('rep').api(`/api/records/pipeline.deal/${deal.id}/shares`, { method: 'POST', json: { userId: 'pete-presales', access: 'read' } }), 201);
    const h = await expectJson<{ id: string }>(server.as('presales').api('/api/records/handoff.handoff', { method: 'POST', json: { data: { kind: 'presales_to_sales', status: 'pending', summary: 'Solution ready for the answered deal', deal_id: deal.id } } }), 201);
    handoff = h.id;
    second = (await expectJson<{ id: string }>(server.as('presales').api('/api/records/handoff.handoff', { method: 'POST', json: { data: { kind: 'presales_to_sales', status: 'pending', summary: 'Second solution', deal_id: deal.id } } }), 201)).id;
    for (const id of [handoff, second]) await eventually(async () => (await expectJson<View>(server.api(`/api/records/handoff.handoff/${id}`), 200)).data.to_user === 'rick-rep');
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  pagePerTest(() => browser, { width: 1280, height: 900 }, (p) => (page = p));

  /** The stage menu's options once it has loaded the moves the server allows the reader. */
  const moveOptions = async () => {
    const menu = page.getByTestId('stage-panel').getByTestId('move-menu');
    await menu.focus();
    await expect.poll(async () => (await menu.locator('option').allTextContents()).some((o) => o.startsWith('Loading the moves')), { timeout: 20_000 }).toBe(false);
    return (await menu.locator('option').allTextContents()).slice(1);
  };

  it('the sender sees that it waits for its receiver, and no accept or reject', async () => {
    await openStudio(page, `${server.url}/records/handoff.handoff/${handoff}`, TEST_PASSWORD, emailOf('presales'));
    const panel = page.getByTestId('handoff-answer');
    await panel.getByTestId('handoff-answer-waiting').waitFor({ timeout: 20_000 });
    expect(await panel.getByTestId('handoff-answer-waiting').textContent()).toBe('Waiting for its receiver to accept or reject it.');
    expect(await panel.getByRole('button').count()).toBe(0);
    expect(await moveOptions()).toEqual(['No moves are open to you from this stage']);
    // The sender owns it until it is accepted: its page offers Edit and Delete.
    expect((await server.as('presales').api(`/api/records/handoff.handoff/${handoff}`)).headers.get('allow')).toBe('GET, PATCH, DELETE');
    expect(await page.locator('.page-head .actions').getByRole('link', { name: 'Edit' }).count()).toBe(1);
    await screenshot(page, 'handoff-answer-sender-en');
    await page.getByLabel('Language').first().selectOption('zh-CN');
    await page.getByText('等待接收人接受或拒绝。').waitFor();
    await screenshot(page, 'handoff-answer-sender-zh-CN');
  });

  it('the receiver accepts it from the page and becomes its owner', async () => {
    await openStudio(page, `${server.url}/records/handoff.handoff/${handoff}`, TEST_PASSWORD, emailOf('rep'));
    const panel = page.getByTestId('handoff-answer');
    const accept = panel.getByRole('button', { name: 'Accept' });
    await accept.waitFor({ timeout: 20_000 });
    expect(await panel.getByRole('button', { name: 'Reject…' }).count()).toBe(1);
    // The receiver reads it but may not change it (the server's Allow): no Edit, no Delete.
    const head = page.locator('.page-head .actions');
    expect((await server.as('rep').api(`/api/records/handoff.handoff/${handoff}`)).headers.get('allow')).toBe('GET');
    expect(await head.getByRole('link', { name: 'Edit' }).count()).toBe(0);
    expect(await head.getByRole('button', { name: 'Delete' }).count()).toBe(0);
    // User fields read as the users' names (the test org names each user by its role), not ids.
    const field = (label: string) => page.locator('.field-row').filter({ has: page.locator('dt', { hasText: new RegExp(`^${label}$`) }) }).locator('dd');
    await expect.poll(() => field('To').textContent()).toBe('rep');
    expect(await field('From').textContent()).toBe('presales');
    // History shows the routing explanation as the field does, not its JSON.
    const history = page.getByRole('region', { name: 'History' });
    await history.getByText('Round robin over 1 people', { exact: false }).waitFor({ timeout: 20_000 });
    expect(await history.innerText()).not.toContain('"rule_id"');
    await screenshot(page, 'handoff-answer-receiver-en');
    await accept.click();
    await page.getByTestId('stage-panel').getByRole('heading', { name: 'Stage: Accepted' }).waitFor({ timeout: 20_000 });
    expect(await panel.count()).toBe(0);
    // Accepted, it is the receiver's own: a fresh page offers its changes.
    expect((await server.as('rep').api(`/api/records/handoff.handoff/${handoff}`)).headers.get('allow')).toBe('GET, PATCH, DELETE');
    await page.reload();
    await head.getByRole('link', { name: 'Edit' }).waitFor({ timeout: 20_000 });
    expect(await head.getByRole('button', { name: 'Delete' }).count()).toBe(1);
    const after = await expectJson<View>(server.api(`/api/records/handoff.handoff/${handoff}`), 200);
    expect(after).toMatchObject({ stage: 'accepted', owner: 'rick-rep', data: { status: 'accepted', accepted_by: 'rick-rep' } });
  });

  it('in zh-CN the receiver rejects the other one from the page with a reason; it stays with its sender', async () => {
    await openStudio(page, `${server.url}/records/handoff.handoff/${second}`, TEST_PASSWORD, emailOf('rep'));
    await page.getByLabel('Language').first().selectOption('zh-CN');
    const panel = page.getByTestId('handoff-answer');
    await panel.getByRole('button', { name: '拒绝…' }).click();
    const confirm = panel.getByRole('button', { name: '拒绝并退回' });
    expect(await confirm.isDisabled()).toBe(true);
    await panel.getByTestId('handoff-reject-reason').fill('缺少技术方案细节');
    await screenshot(page, 'handoff-answer-reject-zh-CN');
    await confirm.click();
    await page.getByTestId('stage-panel').getByRole('heading', { name: /已拒绝/ }).waitFor({ timeout: 20_000 });
    const after = await expectJson<View>(server.api(`/api/records/handoff.handoff/${second}`), 200);
    expect(after).toMatchObject({ stage: 'rejected', owner: 'pete-presales', data: { status: 'rejected', reason: '缺少技术方案细节' } });
  });
});
