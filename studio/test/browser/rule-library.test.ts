import type { Browser, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { pagePerTest, screenshot } from './support/browser';
import { studioWithAdmin } from './support/studio-with-admin';
import { openStudio } from './support/sign-in';
import type { StudioServer } from './support/studio-server';

const OPS = { email: 'ops@acme.test', password: 'a long passphrase for the ops admin 42' };

/** What the test clicks and reads, in each language. */
const UI = {
  en: { library: 'Rule library', newRule: 'New rule', id: 'Id', nameEn: 'Name (English)', nameZh: 'Name (Chinese)', over: 'Rule over', addRow: 'Add a row', field: 'Field', operator: 'Operator', value: 'Value', referral: 'Referral', save: 'Save', saved: (n: number) => `Saved version ${n}.`, saveAs: (n: number) => `Save as version ${n}`, note: 'What this version changes', graph: 'Graph', rows: 'Rows', add: 'Add', atLeast: 'is at least', versions: 'Versions' },
  'zh-CN': { library: '规则库', newRule: '新建规则', id: '标识', nameEn: '名称（英文）', nameZh: '名称（中文）', over: '规则适用于', addRow: '添加条件行', field: '字段', operator: '运算符', value: '值', referral: '转介绍', save: '保存', saved: (n: number) => `已保存第 ${n} 版。`, saveAs: (n: number) => `保存为第 ${n} 版`, note: '本版本的修改内容', graph: '图形', rows: '条件行', add: '添加', atLeast: '不少于', versions: '版本历史' },
} as const;

/**
 * The rule library (ADR 032) in chromium, in English and Chinese: create a rule in rows mode
 * (an enum field offers its translated values), save it, see it as a graph and back, add a node
 * that lands in the visible canvas, save a second version and find it in the list.
 */
describe('rule library in chromium', () => {
  let server: StudioServer;
  let browser: Browser;
  let page: Page;

  studioWithAdmin({ admin: { name: 'Ops Admin', email: OPS.email, password: OPS.password } }, (s) => ({ browser, server } = s));
  pagePerTest(() => browser, { width: 1280, height: 900 }, (p) => (page = p));

  it.each(['en', 'zh-CN'] as const)('creates a rule in rows mode, saves it, edits a second version and lists it (%s)', async (lang) => {
    const ui = UI[lang];
    const id = `big-referral-${lang.toLowerCase()}`;
    await openStudio(page, `${server.url}/rules`, OPS.password, OPS.email);
    if (lang === 'zh-CN') await page.getByLabel('Language').first().selectOption('zh-CN');
    await page.getByRole('heading', { level: 1, name: ui.library }).waitFor();
    await page.getByRole('link', { name: ui.newRule }).click();
    await page.getByLabel(ui.id, { exact: true }).fill(id);
    await page.getByLabel(ui.nameEn).fill('Big referral');
    await page.getByLabel(ui.nameZh).fill('大额转介绍');
    await page.getByLabel(ui.over).selectOption('pipeline.deal');

    await page.getByRole('button', { name: ui.addRow }).click();
    await page.getByLabel(`${ui.field} 1`).selectOption('source');
    const enumValue = page.getByLabel(`${ui.value} 1`);
    // an enum field offers its values, labelled in the reader's language
    expect(await enumValue.evaluate((el) => el.tagName)).toBe('SELECT');
    expect(await enumValue.locator('option').allTextContents()).toContain(ui.referral);
    await enumValue.selectOption({ label: ui.referral });
    await page.getByRole('button', { name: ui.addRow }).click();
    await page.getByLabel(`${ui.field} 2`).selectOption('amount.amount');
    await page.getByLabel(`${ui.operator} 2`).selectOption({ label: ui.atLeast });
    await page.getByLabel(`${ui.value} 2`).fill('10000');
    await screenshot(page, `rule-library-rows-${lang}`);
    await page.getByRole('button', { name: ui.save, exact: true }).click();
    await expect.poll(() => page.getByTestId('rule-save-status').textContent()).toBe(ui.saved(1));
    const stored = (await (await server.api(`/api/rules/${id}`)).json()) as { name: unknown; entity: string; versions: { logic: unknown }[] };
    expect(stored).toMatchObject({ name: { en: 'Big referral', 'zh-CN': '大额转介绍' }, entity: 'pipeline.deal' });
    expect(stored.versions[0]?.logic).toEqual({ and: [{ '==': [{ var: 'source' }, 'referral'] }, { '>=': [{ var: 'amount.amount' }, 10000] }] });

    // the same rule as a graph (and, two comparisons, two fields, two values, the result) ...
    await page.getByRole('button', { name: ui.graph, exact: true }).click();
    const nodes = page.locator('.react-flow__node');
    await expect.poll(() => nodes.count()).toBe(8);
    // ... where a node added after panning away lands inside the visible canvas
    const pane = page.locator('.react-flow__pane');
    const box = (await page.locator('.rule-canvas').boundingBox()) as { x: number; y: number; width: number; height: number };
    await page.mouse.move(box.x + 40, box.y + 40);
    await page.mouse.down();
    await page.mouse.move(box.x + 40, box.y + box.height - 40, { steps: 8 });
    await page.mouse.up();
    expect(await pane.count()).toBe(1);
    await page.locator('.palette').filter({ has: page.locator('input') }).getByRole('button', { name: ui.add }).click();
    await expect.poll(() => nodes.count()).toBe(9);
    const added = (await nodes.last().boundingBox()) as { x: number; y: number; width: number; height: number };
    expect(added.x).toBeGreaterThanOrEqual(box.x);
    expect(added.y).toBeGreaterThanOrEqual(box.y);
    expect(added.x + added.width).toBeLessThanOrEqual(box.x + box.width);
    expect(added.y + added.height).toBeLessThanOrEqual(box.y + box.height);
    await screenshot(page, `rule-library-graph-${lang}`);

    // back to rows: the saved rows, unchanged (the loose node is not part of the rule)
    await page.getByRole('button', { name: ui.rows, exact: true }).click();
    expect(await page.getByLabel(`${ui.field} 1`).inputValue()).toBe('source');
    expect(await page.getByLabel(`${ui.value} 2`).inputValue()).toBe('10000');
    await page.getByLabel(`${ui.value} 2`).fill('20000');
    await page.getByLabel(ui.note).fill('raised');
    await page.getByRole('button', { name: ui.saveAs(2) }).click();
    await expect.poll(() => page.getByTestId('rule-save-status').textContent()).toBe(ui.saved(2));
    await expect.poll(() => page.getByTestId('rule-versions').locator('li').count()).toBe(2);
    expect(await page.getByTestId('rule-versions').locator('li').first().textContent()).toContain('20000');
    await screenshot(page, `rule-library-versions-${lang}`);

    await page.getByRole('link', { name: ui.library }).first().click();
    const row = page.getByTestId(`rule-${id}`);
    await row.waitFor();
    expect((await row.locator('td').allTextContents()).slice(0, 4)).toEqual([lang === 'en' ? 'Big referral' : '大额转介绍', id, expect.any(String), '2']);
    await screenshot(page, `rule-library-list-${lang}`);
  });
});
