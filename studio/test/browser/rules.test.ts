import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, pagePerTest, screenshot } from './support/browser';
import { openStudio } from './support/sign-in';
import { startStudioServer, type StudioServer } from './support/studio-server';

const ACME = fileURLToPath(new URL('../../../runtime/test/fixtures/acme-plugins', import.meta.url));
const OPS = { email: 'ops@acme.test', password: 'a long passphrase for the ops admin 42' };

/**
 * The rule builder with a company plugin whose operator (`fx_to_eur`) only the runtime can run:
 * the studio learns it from `GET /api/rules/operators`, checks it by its signature and previews
 * rules that use it through `POST /api/rules/explain`. No demo data: an admin is created.
 */
describe('rule builder with a company plugin operator, in chromium', () => {
  let server: StudioServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    browser = await launchChromium();
    server = await startStudioServer({ demo: false, env: { PIPEWRIGHT_PLUGINS: ACME } });
    const created = await server.api('/api/users', { method: 'POST', json: { name: 'Ops Admin', email: OPS.email, roles: ['admin'], password: OPS.password } });
    expect(created.status).toBe(201);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  pagePerTest(() => browser, { width: 1280, height: 900 }, (p) => (page = p));

  const draw = async (rule: unknown) => {
    await page.getByTestId('rule-json').fill(JSON.stringify(rule));
    await page.getByRole('button', { name: 'Draw from JSON' }).click();
  };
  const sample = (record: unknown) => page.getByLabel('Sample record (JSON)').fill(JSON.stringify(record));

  it('offers the operator, accepts it by its signature and previews it on the server', async () => {
    await openStudio(page, `${server.url}/rules/builder`, OPS.password, OPS.email);
    await page.locator('.react-flow__node').first().waitFor();
    // The palette and inspector list the company operator once the server's list arrived.
    await expect.poll(() => page.locator('option', { hasText: 'fx_to_eur' }).count()).toBeGreaterThan(0);

    await draw({ '>': [{ fx_to_eur: [{ var: 'amount.amount' }, { var: 'amount.currency' }] }, 5000] });
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'The rule is valid.' }).count()).toBe(1);
    expect(await page.locator('.rule-node[aria-invalid="true"]').count()).toBe(0);

    const result = page.getByTestId('rule-result');
    await sample({ name: 'UK deal', amount: { amount: 5000, currency: 'GBP' } });
    await expect.poll(() => result.textContent()).toContain('Result: true');
    // The operator node shows the value the server computed (5000 GBP = 6000 EUR).
    await expect.poll(() => page.getByTestId('rule-node-n/>/0').textContent()).toContain('= 6000');
    await screenshot(page, 'rule-builder-company-operator');

    await sample({ name: 'US deal', amount: { amount: 5000, currency: 'USD' } });
    await expect.poll(() => result.textContent()).toContain('Result: false');
  });

  it('shows the checker problem of a wrong argument type and the server error of a throwing operator', async () => {
    await openStudio(page, `${server.url}/rules/builder`, OPS.password, OPS.email);
    await page.locator('.react-flow__node').first().waitFor();
    await expect.poll(() => page.locator('option', { hasText: 'fx_to_eur' }).count()).toBeGreaterThan(0);

    await draw({ fx_to_eur: [{ var: 'name' }, 'USD'] });
    const bad = page.locator('.rule-node[aria-invalid="true"]');
    await expect.poll(() => bad.count()).toBeGreaterThan(0);
    expect(await bad.first().textContent()).toMatch(/must be a number/);

    await draw({ '>': [{ fx_to_eur: [{ var: 'amount.amount' }, { var: 'amount.currency' }] }, 5000] });
    await sample({ amount: { amount: 1, currency: 'XXX' } });
    await expect.poll(() => page.getByTestId('rule-result').textContent()).toMatch(/no planning rate for XXX/);
  });

  it('offers the metrics of the server\'s catalogue by name, and adds the one picked as a metric node', async () => {
    const catalogue = (await (await server.api('/api/metrics')).json()) as { items: { id: string; label: { en: string } | string }[] };
    const ids = catalogue.items.map((m) => m.id).sort();
    expect(ids).toContain('pipeline.won_value');
    await openStudio(page, `${server.url}/rules/builder`, OPS.password, OPS.email);
    await page.locator('.react-flow__node').first().waitFor();
    // (the label wraps the select, so its accessible name includes the options: find it by the label's text)
    const picker = page.locator('.palette label', { hasText: /^Metric/ }).locator('select');
    await expect.poll(() => picker.locator('option').count()).toBe(ids.length);
    expect(await picker.locator('option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value))).toEqual(ids);
    const won = catalogue.items.find((m) => m.id === 'pipeline.won_value');
    const wonLabel = typeof won?.label === 'string' ? won.label : (won?.label.en ?? '');
    expect(await picker.locator('option[value="pipeline.won_value"]').textContent()).toBe(`${wonLabel} (pipeline.won_value)`);
    await picker.selectOption('pipeline.won_value');
    const nodes = await page.locator('.react-flow__node').count();
    await picker.locator('xpath=ancestor::div[contains(@class, "palette")]').getByRole('button', { name: 'Add' }).click();
    await expect.poll(() => page.locator('.react-flow__node').count()).toBe(nodes + 1);
    expect(await page.locator('.react-flow__node').last().textContent()).toContain('pipeline.won_value');
  });
});
