import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { pagePerTest, screenshot } from './support/browser';
import { studioWithAdmin } from './support/studio-with-admin';
import { openStudio } from './support/sign-in';
import type { StudioServer } from './support/studio-server';

const ACME = fileURLToPath(new URL('../../../runtime/test/fixtures/acme-plugins', import.meta.url));
const OPS = { email: 'ops@acme.test', password: 'a long passphrase for the ops admin 42' };
/** The palette rows and buttons the placement test uses, in each language. */
const PALETTE = {
  en: { constant: 'Constant', operator: 'Operator', field: 'Field', savedRule: 'Saved rule', add: 'Add', canvas: 'Rule graph' },
  'zh-CN': { constant: '常量', operator: '运算符', field: '字段', savedRule: '已保存规则', add: '添加', canvas: '规则图' },
} as const;

/** Nodes on the canvas that overlap another, and nodes not wholly inside the visible canvas (1px of rounding allowed). */
function placementProblems(page: Page): Promise<{ overlapping: string[]; outside: string[] }> {
  return page.evaluate(() => {
    const canvas = document.querySelector('.rule-canvas')?.getBoundingClientRect();
    const boxes = [...document.querySelectorAll<HTMLElement>('.react-flow__node')].map((el) => ({ id: el.dataset.id ?? '', r: el.getBoundingClientRect() }));
    const overlapping: string[] = [];
    for (const [i, a] of boxes.entries()) for (const b of boxes.slice(i + 1)) if (a.r.left < b.r.right - 1 && b.r.left < a.r.right - 1 && a.r.top < b.r.bottom - 1 && b.r.top < a.r.bottom - 1) overlapping.push(`${a.id} & ${b.id}`);
    const outside = canvas ? boxes.filter(({ r }) => r.left < canvas.left - 1 || r.top < canvas.top - 1 || r.right > canvas.right + 1 || r.bottom > canvas.bottom + 1).map((b) => b.id) : ['no canvas'];
    return { overlapping, outside };
  });
}

/**
 * The rule builder with a company plugin whose operator (`fx_to_eur`) only the runtime can run:
 * the studio learns it from `GET /api/rules/operators`, checks it by its signature and previews
 * rules that use it through `POST /api/rules/explain`. No demo data: an admin is created.
 */
describe('rule builder with a company plugin operator, in chromium', () => {
  let server: StudioServer;
  let browser: Browser;
  let page: Page;

  studioWithAdmin({ admin: { name: 'Ops Admin', email: OPS.email, password: OPS.password }, env: { PIPEWRIGHT_PLUGINS: ACME } }, (s) => ({ browser, server } = s));
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

  it.each(['en', 'zh-CN'] as const)('lands every inserted node inside the visible canvas, covering no other node (%s)', async (lang) => {
    const ui = PALETTE[lang];
    const sfx = lang.toLowerCase();
    expect((await server.api('/api/rules', { method: 'POST', json: { id: `big-${sfx}`, name: { en: 'Big deal', 'zh-CN': '大单' }, logic: { '>': [{ var: 'amount.amount' }, 100000] } } })).status).toBe(201);
    await openStudio(page, `${server.url}/rules/builder`, OPS.password, OPS.email);
    if (lang === 'zh-CN') await page.getByLabel('Language').first().selectOption('zh-CN');
    await page.getByRole('region', { name: ui.canvas }).waitFor();
    const nodes = page.locator('.react-flow__node');
    await nodes.first().waitFor();
    const start = await nodes.count();
    expect(start).toBeGreaterThan(1);
    expect(await placementProblems(page)).toEqual({ overlapping: [], outside: [] });
    // (each label wraps its control, so a row is found by the text the label starts with)
    const row = (label: string) => page.locator('.palette').filter({ has: page.locator('label', { hasText: new RegExp(`^${label}`) }) });
    const steps: { kind: string; option?: string }[] = [{ kind: ui.constant }, { kind: ui.constant }, { kind: ui.operator }, { kind: ui.field }, { kind: ui.savedRule, option: `big-${sfx}` }, { kind: ui.operator }, { kind: ui.constant }, { kind: ui.constant }, { kind: ui.field }, { kind: ui.operator }];
    let count = start;
    for (const step of steps) {
      if (step.option) await row(step.kind).locator('select').selectOption(step.option);
      await row(step.kind).getByRole('button', { name: ui.add }).click();
      count += step.option ? 2 : 1;
      await expect.poll(() => nodes.count()).toBe(count);
      // every node, the new one(s) included, is in view and covers no other
      await expect.poll(() => placementProblems(page)).toEqual({ overlapping: [], outside: [] });
    }
    // the builder fits the window: no sideways scrolling (the English page was 77 px too wide)
    expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBe(0);
    await screenshot(page, `rule-builder-inserted-${lang}`);
    // the saved-rule reference landed with its id to its left
    const ref = page.locator('.rule-node.kind-operator').filter({ has: page.locator('.node-label', { hasText: /^rule$/ }) });
    const id = page.locator('.rule-node.kind-constant', { hasText: `big-${sfx}` });
    const [refBox, idBox] = [await ref.boundingBox(), await id.boundingBox()];
    expect(idBox && refBox && idBox.x + idBox.width < refBox.x).toBe(true);
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
