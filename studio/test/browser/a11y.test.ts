import type { Browser, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { seriousViolations } from './support/axe';
import { pagePerTest, screenshot } from './support/browser';
import { studioWithAdmin } from './support/studio-with-admin';
import { openStudio } from './support/sign-in';
import type { StudioServer } from './support/studio-server';

const OPS = { email: 'ops@a11y.test', password: 'a long passphrase for the ops admin 42' };

/**
 * Issue 20's accessibility bar: axe-core (WCAG 2.0/2.1 A and AA) reports no serious or critical
 * violation on the board, a record page, forms (an account, a grading rule with its saved-rule
 * select), the designer and the rule builder (library, rows and graph), in English and Chinese. Each page is checked once it shows its content, so the check
 * runs on what a user sees, not on a loading line.
 */
describe('accessibility of the main screens in chromium', () => {
  let server: StudioServer;
  let browser: Browser;
  let page: Page;
  let owner = '';
  let deal = '';

  studioWithAdmin({ admin: { name: 'Ada Access', email: OPS.email, password: OPS.password } }, (s) => ({ browser, server, adminId: owner } = s));
  beforeAll(async () => {
    const account = (await (await server.api('/api/records/crm.account', { method: 'POST', json: { data: { name: 'Lumen Works', status: 'active' } } })).json()) as { id: string };
    const r = await server.api('/api/records/pipeline.deal', { method: 'POST', json: { data: { name: 'Lumen renewal', account_id: account.id, amount: { amount: 12000, currency: 'USD' }, next_step: 'Book the demo' }, owner } });
    expect(r.status, await r.clone().text()).toBe(201);
    deal = ((await r.json()) as { id: string }).id;
  }, 240_000);
  pagePerTest(() => browser, { width: 1400, height: 900 }, (p) => (page = p));

  /** Each screen: where it is and what shows that it has loaded. */
  const screens: { name: string; path: () => string; ready: (p: Page) => Promise<unknown> }[] = [
    { name: 'board', path: () => '/board/pipeline.deal', ready: (p) => p.locator('[data-testid="deal-card"]').first().waitFor() },
    { name: 'record', path: () => `/records/pipeline.deal/${deal}`, ready: (p) => p.locator('dl.fields .field-row').first().waitFor() },
    { name: 'form', path: () => '/records/crm.account/new', ready: (p) => p.locator('form.rjsf #root_name').waitFor() },
    { name: 'grading-form', path: () => '/records/crm.grading_rule/new', ready: (p) => p.locator('form.rjsf .saved-rule-pick select').waitFor() },
    { name: 'designer', path: () => '/processes/new_business', ready: (p) => p.locator('.react-flow [data-testid^="stage-node-"]').first().waitFor() },
    { name: 'rule-builder', path: () => '/rules/builder', ready: (p) => p.locator('.react-flow__node').first().waitFor() },
    { name: 'rule-library', path: () => '/rules', ready: (p) => p.locator('main h1').first().waitFor() },
    { name: 'rule-editor', path: () => '/rules/new', ready: (p) => p.locator('main h1').first().waitFor() },
  ];

  for (const lang of ['en', 'zh-CN'] as const) {
    it(`finds no serious or critical violation on the board, a record page, a form, the designer and the rule builder (${lang})`, async () => {
      await openStudio(page, `${server.url}/board/pipeline.deal`, OPS.password, OPS.email);
      if (lang === 'zh-CN') await page.getByLabel('Language').first().selectOption('zh-CN');
      await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe(lang);
      const found: Record<string, unknown[]> = {};
      for (const s of screens) {
        await page.evaluate((path) => {
          history.pushState({}, '', path);
          dispatchEvent(new PopStateEvent('popstate'));
        }, s.path());
        await s.ready(page);
        await page.waitForLoadState('networkidle');
        await screenshot(page, `a11y-${s.name}-${lang}`);
        found[s.name] = await seriousViolations(page);
      }
      // the rule editor's rows, with a row, and its graph mode
      await page.getByLabel(lang === 'en' ? 'Rule over' : '规则适用于').selectOption('pipeline.deal');
      await page.getByRole('button', { name: lang === 'en' ? 'Add a row' : '添加条件行' }).click();
      await page.getByLabel(`${lang === 'en' ? 'Field' : '字段'} 1`).waitFor();
      await screenshot(page, `a11y-rule-rows-${lang}`);
      found['rule-rows'] = await seriousViolations(page);
      await page.getByRole('button', { name: lang === 'en' ? 'Graph' : '图形', exact: true }).click();
      await page.locator('.react-flow__node').first().waitFor();
      await screenshot(page, `a11y-rule-graph-${lang}`);
      found['rule-graph'] = await seriousViolations(page);
      expect(found).toEqual({ board: [], record: [], form: [], 'grading-form': [], designer: [], 'rule-builder': [], 'rule-library': [], 'rule-editor': [], 'rule-rows': [], 'rule-graph': [] });
    }, 180_000);
  }
});
