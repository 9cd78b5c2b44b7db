import type { Browser, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { pagePerTest, screenshot } from './support/browser';
import { studioWithAdmin } from './support/studio-with-admin';
import { publishProcess } from './support/processes';
import { openStudio } from './support/sign-in';
import type { StudioServer } from './support/studio-server';

const OPS = { email: 'ops@record-page.test', password: 'a long passphrase for the ops admin 42' };

interface View {
  id: string;
  version: number;
}

/**
 * A record page names people and values, not ids (issue 20): the owner and the actors by name,
 * platform work by what did it, and the history's updates as old -> new values (references by
 * their titles, the owner and the stage by name), in English and Chinese.
 */
describe('record page names in chromium', () => {
  let server: StudioServer;
  let browser: Browser;
  let page: Page;
  let deal: View;

  studioWithAdmin({ admin: { name: 'Olga Ops', email: OPS.email, password: OPS.password } }, (s) => ({ browser, server } = s));
  beforeAll(async () => {
    const rep = await server.api('/api/users', { method: 'POST', json: { name: 'Rita Rep', email: 'rita@record-page.test', roles: ['rep'], password: 'another long passphrase 4242' } });
    expect(rep.status).toBe(201);
    const ritaId = ((await rep.json()) as { id: string }).id;
    await publishProcess(server.api, 'new_business');
    const post = async (type: string, body: unknown) => {
      const res = await server.api(`/api/records/${type}`, { method: 'POST', json: body });
      expect(res.status, await res.clone().text()).toBe(201);
      return (await res.json()) as View;
    };
    const first = await post('crm.account', { data: { name: 'First Account', status: 'active' } });
    const second = await post('crm.account', { data: { name: 'Second Account', status: 'active' } });
    deal = await post('pipeline.deal', { data: { name: 'Named deal', account_id: first.id, amount: { amount: 1200, currency: 'USD' } } });
    const patch = async (body: unknown) => {
      const res = await server.api(`/api/records/pipeline.deal/${deal.id}`, { method: 'PATCH', headers: { 'if-match': `"${deal.version}"` }, json: body });
      expect(res.status, await res.clone().text()).toBe(200);
      deal = (await res.json()) as View;
    };
    await patch({ data: { account_id: second.id, next_step: 'Call the CFO' } });
    await patch({ owner: ritaId });
  }, 240_000);
  pagePerTest(() => browser, { width: 1300, height: 1100 }, (p) => (page = p));

  it('shows the owner and actors by name and updates as old -> new values', async () => {
    await openStudio(page, `${server.url}/records/pipeline.deal/${deal.id}`, OPS.password, OPS.email);
    await expect.poll(() => page.getByTestId('record-owner').textContent(), { timeout: 20_000 }).toBe('Rita Rep');
    const history = page.locator('#history-title').locator('..');
    const change = (field: string) => history.locator(`[data-change="${field}"]`).first();
    await change('account_id').waitFor();
    // references show by title once the page has read them (the id until then)
    await expect.poll(() => change('account_id').locator('[data-testid="old-value"]').textContent(), { timeout: 20_000 }).toBe('First Account');
    await expect.poll(() => change('account_id').locator('[data-testid="new-value"]').textContent(), { timeout: 20_000 }).toBe('Second Account');
    expect(await change('next_step').locator('[data-testid="old-value"]').textContent()).toBe('empty');
    expect(await change('next_step').locator('[data-testid="new-value"]').textContent()).toBe('Call the CFO');
    await expect.poll(() => change('owner').locator('[data-testid="new-value"]').textContent(), { timeout: 20_000 }).toBe('Rita Rep');
    const text = (await history.textContent()) ?? '';
    expect(text).not.toMatch(/user:|[0-9a-f]{8}-[0-9a-f]{4}-/);
    await screenshot(page, 'record-page-en');

    await page.getByLabel('Language').first().selectOption('zh-CN');
    await page.getByRole('heading', { name: '历史记录' }).or(page.locator('#history-title')).first().waitFor();
    await expect.poll(() => change('next_step').locator('[data-testid="old-value"]').textContent()).not.toBe('empty');
    await screenshot(page, 'record-page-zh');
  });
});
