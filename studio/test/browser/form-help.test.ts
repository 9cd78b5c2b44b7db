import type { Browser, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { pagePerTest, screenshot, watchPage } from './support/browser';
import { studioWithAdmin } from './support/studio-with-admin';
import { openStudio } from './support/sign-in';
import type { StudioServer } from './support/studio-server';

const OPS = { email: 'ops@form-help.test', password: 'a long passphrase for the ops admin 42' };

/**
 * Issue 20, forms: help under a field is written for the person filling the form in (the
 * plugin's translated `help`), in English and Chinese; the schema's own descriptions, written for
 * schema authors ("1,425 deals of the demo dataset have no account"), are not shown.
 */
describe('form help for users in chromium', () => {
  let server: StudioServer;
  let browser: Browser;
  let page: Page;
  let dealId: string;

  studioWithAdmin({ admin: { name: 'Olga Ops', email: OPS.email, password: OPS.password } }, (s) => ({ browser, server } = s));
  beforeAll(async () => {
    const res = await server.api('/api/records/pipeline.deal', { method: 'POST', json: { data: { name: 'Deal with help' } } });
    expect(res.status, await res.clone().text()).toBe(201);
    dealId = ((await res.json()) as { id: string }).id;
  }, 240_000);
  pagePerTest(() => browser, { width: 1300, height: 1400 }, (p) => (page = p));

  it('shows help written for users under the fields, never the schema authors\' notes, in English and Chinese', async () => {
    const problems = watchPage(page);
    await openStudio(page, `${server.url}/records/pipeline.deal/${dealId}/edit`, OPS.password, OPS.email);
    const form = page.locator('form').first();
    await form.getByText('What you expect the customer to pay.', { exact: false }).waitFor({ timeout: 30_000 });
    await form.getByText('Your call on this deal for the forecast', { exact: false }).waitFor();
    const text = await form.innerText();
    expect(text).not.toContain('demo dataset');
    expect(text).not.toContain('dataset records 0');
    expect(text).not.toContain('forecasting weighs it');
    await screenshot(page, 'form-help-en');

    await page.getByLabel('Language').first().selectOption('zh-CN');
    await form.getByText('预计客户会支付的金额。', { exact: false }).waitFor();
    expect(await form.innerText()).not.toContain('What you expect');
    await screenshot(page, 'form-help-zh');
    await page.getByLabel('语言').first().selectOption('en');
    expect(problems.errors).toEqual([]);
  });
});
