import type { Browser, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { pagePerTest, screenshot, watchPage } from './support/browser';
import { studioWithAdmin } from './support/studio-with-admin';
import { openStudio } from './support/sign-in';
import type { StudioServer } from './support/studio-server';

const OPS = { email: 'ops@reference-create.test', password: 'a long passphrase for the ops admin 42' };

interface View {
  id: string;
  version: number;
  data: Record<string, unknown>;
}

/**
 * A reference picker creates the referenced record inline (issue 20): a new contact as a deal's
 * decision maker, through the contact's generated form in a dialog, in English and Chinese.
 */
describe('reference pickers create the referenced record in chromium', () => {
  let server: StudioServer;
  let browser: Browser;
  let page: Page;
  let deal: View;

  studioWithAdmin({ admin: { name: 'Olga Ops', email: OPS.email, password: OPS.password } }, (s) => ({ browser, server } = s));
  beforeAll(async () => {
    const res = await server.api('/api/records/pipeline.deal', { method: 'POST', json: { data: { name: 'Deal needing a decision maker' } } });
    expect(res.status, await res.clone().text()).toBe(201);
    deal = (await res.json()) as View;
  }, 240_000);
  pagePerTest(() => browser, { width: 1300, height: 1100 }, (p) => (page = p));

  const picker = () => page.locator('#root_decision_maker_id');
  const openEdit = async () => {
    await openStudio(page, `${server.url}/records/pipeline.deal/${deal.id}/edit`, OPS.password, OPS.email);
    await picker().waitFor({ timeout: 30_000 });
  };
  const contacts = async () => ((await (await server.api('/api/records/crm.contact?limit=50')).json()) as { items: View[] }).items;

  it('creates a new contact as decision maker from the picker, with what was typed as its name, and keeps the deal form open', async () => {
    const problems = watchPage(page);
    await openEdit();
    await picker().fill('Wu');
    await page.getByRole('button', { name: 'New Contact…' }).click();
    const dialog = page.getByRole('dialog', { name: 'New Contact' });
    await dialog.waitFor();
    expect(await dialog.locator('#root_last_name').inputValue()).toBe('Wu');
    // the contact's own required field, checked in the dialog before anything is sent
    await dialog.getByRole('button', { name: 'Create' }).click();
    await dialog.getByText('is required').first().waitFor();
    await dialog.locator('#root_first_name').fill('Mei');
    await screenshot(page, 'reference-create-dialog');
    await dialog.getByRole('button', { name: 'Create' }).click();
    await dialog.waitFor({ state: 'detached' });
    const contact = (await contacts()).find((c) => c.data.last_name === 'Wu');
    expect(contact?.data).toMatchObject({ first_name: 'Mei', last_name: 'Wu' });
    // chosen in the picker; the deal form was not sent by the dialog's submit
    await expect.poll(() => picker().inputValue()).toContain('Wu');
    expect(new URL(page.url()).pathname).toBe(`/records/pipeline.deal/${deal.id}/edit`);
    expect(((await (await server.api(`/api/records/pipeline.deal/${deal.id}`)).json()) as View).data.decision_maker_id).toBeUndefined();
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(async () => ((await (await server.api(`/api/records/pipeline.deal/${deal.id}`)).json()) as View).data.decision_maker_id, { timeout: 20_000 }).toBe(contact?.id);
    expect(problems.errors).toEqual([]);
  });

  it('speaks Chinese, and Cancel creates nothing', async () => {
    await openEdit();
    await page.getByLabel('Language').first().selectOption('zh-CN');
    const before = (await contacts()).length;
    await page.getByRole('button', { name: '新建联系人…' }).click();
    const dialog = page.getByRole('dialog', { name: '新建联系人' });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: '创建' }).click();
    await dialog.getByText('为必填项').first().waitFor();
    await screenshot(page, 'reference-create-dialog-zh');
    await dialog.getByRole('button', { name: '取消' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect((await contacts()).length).toBe(before);
    await page.getByLabel('语言').first().selectOption('en');
  });
});
