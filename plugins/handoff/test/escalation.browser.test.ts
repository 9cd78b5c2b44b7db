import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_PASSWORD, emailOf } from '../../../runtime/test/harness';
import { createDeal, eventually, expectJson } from '../../../runtime/test/process/helpers';
import { createRule, prepare } from './handoff.test-support';
import { launchChromium, pagePerTest, screenshot } from '../../../studio/test/browser/support/browser';
import { openStudio } from '../../../studio/test/browser/support/sign-in';
import { startStudioServer, type StudioServer } from '../../../studio/test/browser/support/studio-server';

interface Notification { kind: string; title: string; record: { id: string } | null }

/**
 * Issue 17's browser case 4: a presales handoff nobody accepts in time escalates once to the
 * receiver's manager, who reads it in the notification centre (en and zh-CN), and the rep's
 * inbox shows it late; then, nobody else being able to take it, it expires once: the sender
 * reads it in the notification centre (en and zh-CN) and the record page shows it expired.
 * The acceptance window and the re-route delay are shortened to seconds by the plugin's settings.
 */
describe('handoff acceptance SLA in chromium', () => {
  let server: StudioServer;
  let browser: Browser;
  let page: Page;
  let handoff: string;

  beforeAll(async () => {
    browser = await launchChromium();
    // 0.0015 h = 5.4 s to accept; 0.025 h = 90 s after the escalation, nobody else may take it: it expires
    server = await startStudioServer({ demo: false, env: { PIPEWRIGHT_JOB_POLL_SECONDS: '0.5', PIPEWRIGHT_PLUGIN_HANDOFF_ACCEPTANCE_HOURS: '0.0015', PIPEWRIGHT_PLUGIN_HANDOFF_REROUTE_AFTER_HOURS: '0.025' } });
    await prepare(server);
    await server.platform.database.db.updateTable('users').set({ name: 'Rick Rao' }).where('id', '=', 'rick-rep').execute();
    await createRule(server, { name: 'Solutions to Rick', position: 1, applies_to: 'presales_to_sales', strategy: 'round_robin', users: ['rick-rep'] });
    const deal = await createDeal(server.as('rep').api, { name: 'Expiring deal' });
    await expectJson(server.as('rep').api(`/api/records/pipeline.deal/${deal.id}/shares`, { method: 'POST', json: { userId: 'pete-presales', access: 'read' } }), 201);
    const h = await expectJson<{ id: string }>(server.as('presales').api('/api/records/handoff.handoff', { method: 'POST', json: { data: { kind: 'presales_to_sales', status: 'pending', summary: 'Solution ready, please take over', deal_id: deal.id } } }), 201);
    handoff = h.id;
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  pagePerTest(() => browser, { width: 1280, height: 860 }, (p) => (page = p));

  const escalations = async () => (await expectJson<{ items: Notification[] }>(server.as('manager').api('/api/notifications'), 200)).items.filter((n) => n.kind === 'handoff.handoff-escalated' && n.record?.id === handoff);

  it('escalates the unaccepted handoff once to the receiver\'s manager, who reads it in the notification centre', async () => {
    await eventually(async () => (await escalations()).length === 1, 60_000, 500);
    // a while later it is still one (the SLA step runs once, however often it is delivered)
    await new Promise((r) => setTimeout(r, 3000));
    expect(await escalations()).toHaveLength(1);

    await openStudio(page, `${server.url}/notifications`, TEST_PASSWORD, emailOf('manager'));
    const item = page.locator('li', { hasText: 'Not accepted in time' }).first();
    await item.waitFor({ timeout: 20_000 });
    expect(await item.textContent()).toContain('Not accepted in time: Solution ready, please take over');
    expect(await item.textContent()).toContain('Assigned to Rick Rao');
    await screenshot(page, 'handoff-escalated-en');
    await page.getByLabel('Language').first().selectOption('zh-CN');
    await page.locator('li', { hasText: '未按时接受' }).first().waitFor();
    expect(await page.locator('li', { hasText: '未按时接受' }).first().textContent()).toContain('已分配给 Rick Rao');
    await screenshot(page, 'handoff-escalated-zh-CN');
  });

  it('shows the handoff late in the receiver\'s inbox', async () => {
    await openStudio(page, `${server.url}/p/handoff/inbox`, TEST_PASSWORD, emailOf('rep'));
    const row = page.getByTestId('inbox-items').locator(`tr[data-record="${handoff}"]`);
    await row.waitFor({ timeout: 20_000 });
    await row.getByTestId('inbox-late').waitFor();
    expect(await row.getByTestId('inbox-late').textContent()).toMatch(/^late by /);
  });

  it('expires once when nobody else may take it: the sender is told (en, zh-CN) and the handoff page says expired', async () => {
    const expiries = async () => (await expectJson<{ items: Notification[] }>(server.as('presales').api('/api/notifications'), 200)).items.filter((n) => n.kind === 'handoff.handoff-expired' && n.record?.id === handoff);
    await eventually(async () => (await expiries()).length === 1, 180_000, 1000);
    await new Promise((r) => setTimeout(r, 3000));
    expect(await expiries()).toHaveLength(1);
    expect(await escalations()).toHaveLength(1);
    const v = await expectJson<{ stage: string; data: Record<string, unknown> }>(server.api(`/api/records/handoff.handoff/${handoff}`), 200);
    expect(v).toMatchObject({ stage: 'expired', data: { status: 'expired', to_user: 'rick-rep', reassignments: 0 } });

    await openStudio(page, `${server.url}/notifications`, TEST_PASSWORD, emailOf('presales'));
    const item = page.locator('li', { hasText: 'Handoff expired' }).first();
    await item.waitFor({ timeout: 20_000 });
    expect(await item.textContent()).toContain('Handoff expired: Solution ready, please take over');
    expect(await item.textContent()).toContain('last assigned to Rick Rao');
    await screenshot(page, 'handoff-expired-en');
    await page.getByLabel('Language').first().selectOption('zh-CN');
    const zh = page.locator('li', { hasText: '交接已过期' }).first();
    await zh.waitFor();
    expect(await zh.textContent()).toContain('最后分配给 Rick Rao');
    await screenshot(page, 'handoff-expired-zh-CN');
    await page.goto(`${server.url}/records/handoff.handoff/${handoff}`);
    await page.getByTestId('stage-panel').getByRole('heading', { name: /已过期/ }).waitFor({ timeout: 20_000 });
    await screenshot(page, 'handoff-expired-record-zh-CN');
  }, 240_000);
});
