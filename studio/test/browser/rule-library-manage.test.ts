import type { Browser, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { pagePerTest, screenshot } from './support/browser';
import { studioWithAdmin } from './support/studio-with-admin';
import { openStudio } from './support/sign-in';
import type { StudioServer } from './support/studio-server';

const OPS = { email: 'ops@acme.test', password: 'a long passphrase for the ops admin 42' };

/** What the test clicks and reads, in each language. */
const UI = {
  en: { ruleField: 'Saved rule: ', version: (v: number) => `version ${v}`, gradingName: 'Name', gradingRule: 'Rule', pinned: 'Pinned rule versions', save: 'Save', pin: (s: string, v: number, latest?: number) => `Used (used-${s}) · version ${v}${latest ? ` · version ${latest} is newer; save to use it` : ''}`, usedName: 'Used', create: 'Create', jsonInvalid: 'This is not valid JSON yet', newRule: 'New rule', over: 'Rule over', addRow: 'Add a row', field: 'Field', graph: 'Graph', savedRule: 'Saved rule', source: 'Source', amount: 'Expected value (amount)', library: 'Rule library', rename: (n: string) => `Rename ${n}`, del: (n: string) => `Delete ${n}`, nameEn: 'Name (English)', nameZh: 'Name (Chinese)', saveName: 'Save the name', confirm: 'Delete the rule', cancel: 'Cancel', inUse: /is in use and cannot be deleted: it is used by saved rule "user-en"/, spare: 'Spare', useSaved: 'Use a saved rule', none: 'None: the JSON below' },
  'zh-CN': { ruleField: '已保存规则：', version: (v: number) => `第 ${v} 版`, gradingName: '名称', gradingRule: '规则', pinned: '锁定的规则版本', save: '保存', pin: (s: string, v: number, latest?: number) => `被引用 (used-${s}) · 第 ${v} 版${latest ? ` · 已有更新的第 ${latest} 版，保存后使用` : ''}`, usedName: '被引用', create: '创建', jsonInvalid: '这还不是有效的 JSON', newRule: '新建规则', over: '规则适用于', addRow: '添加条件行', field: '字段', graph: '图形', savedRule: '已保存规则', source: '来源', amount: '预期金额（金额）', library: '规则库', rename: (n: string) => `重命名 ${n}`, del: (n: string) => `删除 ${n}`, nameEn: '名称（英文）', nameZh: '名称（中文）', saveName: '保存名称', confirm: '删除规则', cancel: '取消', inUse: /正在使用，无法删除：已保存规则 "user-zh-cn" 使用了它/, spare: '备用', useSaved: '使用已保存规则', none: '不使用：按下方 JSON' },
} as const;

/**
 * The rule library's rename and delete (ADR 032 addendum) in chromium, in English and Chinese:
 * rename a rule's names in a dialog; delete asks first, a rule in use is refused with the
 * server's answer naming the use, and an unused one goes.
 */
describe('rule library rename and delete in chromium', () => {
  let server: StudioServer;
  let browser: Browser;
  let page: Page;

  studioWithAdmin({ admin: { name: 'Ops Admin', email: OPS.email, password: OPS.password } }, (s) => ({ browser, server } = s));
  pagePerTest(() => browser, { width: 1280, height: 900 }, (p) => (page = p));

  it.each(['en', 'zh-CN'] as const)('renames a rule, refuses to delete one in use, deletes an unused one after confirming (%s)', async (lang) => {
    const ui = UI[lang];
    const sfx = lang.toLowerCase();
    const save = async (id: string, name: Record<string, string>, logic: unknown) => expect((await server.api('/api/rules', { method: 'POST', json: { id, name, logic } })).status).toBe(201);
    await save(`used-${sfx}`, { en: 'Used', 'zh-CN': '被引用' }, { '>': [{ var: 'x' }, 1] });
    await save(`user-${sfx}`, { en: 'User', 'zh-CN': '引用者' }, { rule: `used-${sfx}` });
    await save(`spare-${sfx}`, { en: 'Spare', 'zh-CN': '备用' }, true);
    // a rule over deals, which a grading rule (over accounts) must not offer
    expect((await server.api('/api/rules', { method: 'POST', json: { id: `deal-${sfx}`, name: { en: 'Deals only', 'zh-CN': '仅商机' }, entity: 'pipeline.deal', logic: true } })).status).toBe(201);
    await openStudio(page, `${server.url}/rules`, OPS.password, OPS.email);
    if (lang === 'zh-CN') await page.getByLabel('Language').first().selectOption('zh-CN');
    await page.getByRole('heading', { level: 1, name: ui.library }).waitFor();
    await page.getByTestId(`rule-spare-${sfx}`).waitFor();

    // rename: both names, the id stays
    await page.getByTestId(`rule-spare-${sfx}`).getByRole('button', { name: ui.rename(ui.spare), exact: true }).click();
    const dialog = page.getByTestId('rule-dialog');
    await dialog.getByLabel(ui.nameEn).fill('Spare (renamed)');
    await dialog.getByLabel(ui.nameZh).fill('备用（已改名）');
    await screenshot(page, `rule-library-rename-${lang}`);
    await dialog.getByRole('button', { name: ui.saveName }).click();
    const renamedLabel = lang === 'en' ? 'Spare (renamed)' : '备用（已改名）';
    await expect.poll(() => page.getByTestId(`rule-spare-${sfx}`).locator('td').first().textContent()).toBe(renamedLabel);
    const stored = (await (await server.api(`/api/rules/spare-${sfx}`)).json()) as { name: unknown; latestVersion: number };
    expect(stored).toMatchObject({ name: { en: 'Spare (renamed)', 'zh-CN': '备用（已改名）' }, latestVersion: 1 });

    // delete a rule in use: asked first, then refused with the server's answer naming the use
    await page.getByTestId(`rule-used-${sfx}`).getByRole('button', { name: ui.del(lang === 'en' ? 'Used' : '被引用'), exact: true }).click();
    await dialog.getByRole('button', { name: ui.confirm }).click();
    await expect.poll(() => dialog.getByRole('alert').textContent()).toMatch(ui.inUse);
    await screenshot(page, `rule-library-delete-refused-${lang}`);
    await dialog.getByRole('button', { name: ui.cancel }).click();
    expect((await server.api(`/api/rules/used-${sfx}`)).status).toBe(200);
    await page.getByTestId(`rule-used-${sfx}`).waitFor();

    // delete an unused rule: cancel keeps it, confirming deletes it
    await page.getByTestId(`rule-spare-${sfx}`).getByRole('button', { name: ui.del(renamedLabel), exact: true }).click();
    await screenshot(page, `rule-library-delete-confirm-${lang}`);
    await dialog.getByRole('button', { name: ui.cancel }).click();
    expect((await server.api(`/api/rules/spare-${sfx}`)).status).toBe(200);
    await page.getByTestId(`rule-spare-${sfx}`).getByRole('button', { name: ui.del(renamedLabel), exact: true }).click();
    await dialog.getByRole('button', { name: ui.confirm }).click();
    await expect.poll(() => page.getByTestId(`rule-spare-${sfx}`).count()).toBe(0);
    expect((await server.api(`/api/rules/spare-${sfx}`)).status).toBe(404);
    await screenshot(page, `rule-library-after-delete-${lang}`);

    // a new rule: rows name fields by their labels (no raw paths), the graph's palette inserts a saved rule
    await page.getByRole('link', { name: ui.newRule }).click();
    await page.getByLabel(ui.over).selectOption('pipeline.deal');
    await page.getByRole('button', { name: ui.addRow }).click();
    const fields = await page.getByLabel(`${ui.field} 1`).locator('option').allTextContents();
    expect(fields).toEqual(expect.arrayContaining([ui.source, ui.amount]));
    expect(fields.filter((f) => /\(source\)|amount\.amount|_/.test(f))).toEqual([]);
    await screenshot(page, `rule-library-rows-labels-${lang}`);
    await page.getByRole('button', { name: ui.graph, exact: true }).click();
    const nodes = page.locator('.react-flow__node');
    await nodes.first().waitFor();
    const before = await nodes.count();
    const picker = page.locator('.palette').filter({ has: page.getByLabel(ui.savedRule) });
    await picker.getByLabel(ui.savedRule).selectOption(`used-${sfx}`);
    await picker.getByRole('button').click();
    await expect.poll(() => nodes.count()).toBe(before + 2);
    await expect.poll(() => nodes.filter({ hasText: `used-${sfx}` }).count()).toBe(1);
    await screenshot(page, `rule-library-graph-reference-${lang}`);

    // a CRM grading rule names the saved rule in its form (json), pinning its version on save
    await page.evaluate(() => {
      history.pushState({}, '', '/records/crm.grading_rule/new');
      dispatchEvent(new PopStateEvent('popstate'));
    });
    await page.getByRole('textbox', { name: new RegExp(`^${ui.gradingName}`) }).fill(`Grading ${sfx}`);
    const logic = page.getByRole('textbox', { name: new RegExp(`^${ui.gradingRule}`) });
    await logic.fill('{"rule": ');
    await page.getByText(ui.jsonInvalid).waitFor();
    // the rule library is offered by name: none first, then the rules over accounts or over no
    // entity (not the deal rule); picking one writes its reference, "none" brings the JSON back
    const rulePick = page.getByLabel(ui.useSaved, { exact: true });
    await expect.poll(() => rulePick.locator('option').allTextContents()).toEqual(expect.arrayContaining([ui.none, `${ui.usedName} (used-${sfx})`, `${lang === 'en' ? 'User' : '引用者'} (user-${sfx})`]));
    const offered = await rulePick.locator('option').allTextContents();
    expect(offered[0]).toBe(ui.none);
    expect(offered.filter((o) => o.includes(`deal-${sfx}`))).toEqual([]);
    await logic.fill('{"==": [{"var": "industry"}, "retail"]}');
    expect(await rulePick.inputValue()).toBe('');
    await rulePick.selectOption(`used-${sfx}`);
    expect(JSON.parse(await logic.inputValue())).toEqual({ rule: `used-${sfx}` });
    await screenshot(page, `grading-rule-pick-${lang}`);
    await rulePick.selectOption('');
    expect(JSON.parse(await logic.inputValue())).toEqual({ '==': [{ var: 'industry' }, 'retail'] });
    // JSON typed as a reference moves the select to that rule
    await logic.fill(`{"rule": "user-${sfx}"}`);
    expect(await rulePick.inputValue()).toBe(`user-${sfx}`);
    await rulePick.selectOption(`used-${sfx}`);
    expect(JSON.parse(await logic.inputValue())).toEqual({ rule: `used-${sfx}` });
    // the pinned versions are the server's to fill: a new rule shows no (empty) box for them
    const form = page.locator('form.rjsf');
    expect(await form.getByText(ui.pinned).count()).toBe(0);
    expect(await form.locator('[id^="root_rule_versions"]').count()).toBe(0);
    expect(await form.locator('fieldset').evaluateAll((fs) => fs.filter((f) => f.id !== 'root' && (f as HTMLElement).offsetHeight > 0 && !f.querySelector('input, select, textarea')).map((f) => f.id))).toEqual([]);
    await screenshot(page, `grading-rule-form-${lang}`);
    await page.getByRole('button', { name: ui.create, exact: true }).click();
    const grading = async () => (await (await server.api(`/api/records/crm.grading_rule?q=${encodeURIComponent(`Grading ${sfx}`)}`)).json() as { items: { id: string; data: Record<string, unknown> }[] }).items.find((r) => r.data.name === `Grading ${sfx}`);
    await expect.poll(async () => (await grading())?.data).toMatchObject({ logic: { rule: `used-${sfx}` }, rule_versions: { [`used-${sfx}`]: 1 } });

    // a newer version of the used rule: editing the grading rule shows its pin read-only (the rule
    // by name, linked, its pinned version and the newer one), and saving again adopts the newer one
    expect((await server.api(`/api/rules/used-${sfx}`, { method: 'PUT', json: { version: 1, logic: { '>': [{ var: 'x' }, 2] } } })).status).toBe(200);
    const id = (await grading())?.id ?? '';
    await page.evaluate((path) => {
      history.pushState({}, '', path);
      dispatchEvent(new PopStateEvent('popstate'));
    }, `/records/crm.grading_rule/${id}/edit`);
    const pins = page.getByRole('group', { name: ui.pinned });
    await pins.waitFor();
    expect(await page.getByLabel(ui.useSaved, { exact: true }).inputValue()).toBe(`used-${sfx}`);
    await expect.poll(() => pins.locator('li').allTextContents()).toEqual([ui.pin(sfx, 1, 2)]);
    expect(await pins.getByRole('link', { name: ui.usedName }).getAttribute('href')).toBe(`/rules/used-${sfx}`);
    expect(await pins.locator('input, button, select, textarea').count()).toBe(0);
    await screenshot(page, `grading-rule-edit-${lang}`);
    await page.getByRole('textbox', { name: new RegExp(`^${ui.gradingName}`) }).fill(`Grading ${sfx} 2`);
    await page.getByRole('button', { name: ui.save, exact: true }).click();
    await expect.poll(async () => (await (await server.api(`/api/records/crm.grading_rule/${id}`)).json() as { data: Record<string, unknown> }).data).toMatchObject({ name: `Grading ${sfx} 2`, rule_versions: { [`used-${sfx}`]: 2 } });
    // the record page, where saving lands, lists the pin as the form does, never as JSON
    const row = page.locator('dl.fields .field-row', { has: page.locator('.rule-pins') });
    await expect.poll(() => row.locator('li').allTextContents()).toEqual([ui.pin(sfx, 2)]);
    expect(await row.locator('dt').textContent()).toBe(ui.pinned);
    expect(await row.getByRole('link', { name: ui.usedName }).getAttribute('href')).toBe(`/rules/used-${sfx}`);
    expect(await row.textContent()).not.toContain('{');
    // the rule itself, {"rule": "used-…"}, shows as the saved rule it names, linked
    const rule = page.locator('dl.fields .field-row', { hasText: ui.gradingRule }).filter({ has: page.locator('.saved-rule-ref') });
    await expect.poll(() => rule.locator('dd').textContent()).toBe(`${ui.ruleField}${ui.usedName} (used-${sfx})`);
    expect(await rule.getByRole('link', { name: ui.usedName }).getAttribute('href')).toBe(`/rules/used-${sfx}`);
    // and its history names the versions, old and new
    const change = page.locator('#history-title').locator('..').locator('[data-change="rule_versions"]').first();
    await expect.poll(() => change.getByTestId('old-value').textContent()).toBe(`used-${sfx} · ${ui.version(1)}`);
    expect(await change.getByTestId('new-value').textContent()).toBe(`used-${sfx} · ${ui.version(2)}`);
    await screenshot(page, `grading-rule-record-${lang}`);
  });
});
