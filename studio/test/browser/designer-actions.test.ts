import type { Browser, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { apiInPage, pagePerTest, screenshot } from './support/browser';
import { studioWithAdmin } from './support/studio-with-admin';
import { createProcess } from './support/processes';
import { openStudio } from './support/sign-in';
import type { StudioServer } from './support/studio-server';
import type { ProcessDefinition } from '../../src/api/processes';

const OPS = { email: 'ops@designer-actions.test', password: 'a long passphrase for the ops admin 42' };

/** start -> next (the transition the test gives an action) -> won, anything -> lost. */
const flow = (id: string): ProcessDefinition => ({
  id,
  label: { en: 'Action flow', 'zh-CN': '动作流程' },
  entity: 'pipeline.deal',
  initialStage: 'start',
  stages: [
    { id: 'start', label: { en: 'Start', 'zh-CN': '开始' }, kind: 'open' },
    { id: 'next', label: { en: 'Next', 'zh-CN': '下一步' }, kind: 'open' },
    { id: 'won', label: { en: 'Won', 'zh-CN': '赢单' }, kind: 'won', probability: 1 },
    { id: 'lost', label: { en: 'Lost', 'zh-CN': '输单' }, kind: 'lost', probability: 0 },
  ],
  transitions: [
    { id: 'advance', label: { en: 'Advance', 'zh-CN': '推进' }, from: 'start', to: 'next' },
    { id: 'win', from: 'next', to: 'won' },
    { id: 'lose', from: '*', to: 'lost' },
  ],
  layout: { nodes: { start: { x: 0, y: 0 }, next: { x: 420, y: 0 }, won: { x: 840, y: 0 }, lost: { x: 420, y: 260 } } },
});

/** Words of each language the test reads on screen. */
const UI = {
  en: { type: 'Action type', add: 'Add action', title: 'Create an activity or task', subject: 'Subject', kind: 'Kind', due: 'Due in days', save: 'Save draft', saved: 'Draft saved', publish: 'Publish', problems: 'Problems of Create an activity or task', required: 'is required', remove: 'Remove Notify', moveUp: 'Move Create an activity or task up', notify: 'Notify', call: 'Call', kinds: ['Call', 'Email', 'Meeting', 'Visit', 'Demo', 'Task', 'Note'], role: 'Role', user: 'User' },
  'zh-CN': { type: '动作类型', add: '添加动作', title: '创建活动或任务', subject: '主题', kind: '类型', due: '几天后到期', save: '保存草稿', saved: '草稿已保存', publish: '发布', problems: '创建活动或任务的问题', required: '为必填项', remove: '移除发送通知', moveUp: '上移创建活动或任务', notify: '发送通知', call: '电话', kinds: ['电话', '邮件', '会议', '拜访', '演示', '任务', '笔记'], role: '角色', user: '用户' },
} as const;

/**
 * Issue 20, "Designer": a transition's actions are edited as a form generated from the action
 * type's config schema: picked by translated title, checked as the admin types and by the server
 * (named by field), reordered and removed with labelled buttons, published, and run on a move.
 */
describe('designer transition actions in chromium', () => {
  let server: StudioServer;
  let browser: Browser;
  let page: Page;

  studioWithAdmin({ admin: { name: 'Action Ops', email: OPS.email, password: OPS.password } }, (s) => ({ browser, server } = s));
  beforeAll(async () => {
    for (const id of ['action_flow_en', 'action_flow_zh']) await createProcess(server.api, flow(id));
    // transition actions run in the job workers
    await server.platform.processes.startWorkers(1);
  }, 240_000);
  pagePerTest(() => browser, { width: 1400, height: 1000 }, (p) => (page = p));

  for (const [lang, id] of [['en', 'action_flow_en'], ['zh-CN', 'action_flow_zh']] as const) {
    it(`adds an action through the generated form, publishes it, and the action runs (${lang})`, async () => {
      const w = UI[lang];
      await openStudio(page, `${server.url}/processes/${id}`, OPS.password, OPS.email);
      const canvas = page.getByRole('region', { name: 'Process canvas' });
      await canvas.locator('.stage-node').first().waitFor({ timeout: 30_000 });
      if (lang === 'zh-CN') {
        await page.getByLabel('Language').first().selectOption('zh-CN');
        await page.getByRole('button', { name: w.save }).waitFor();
      }
      // select the "advance" transition from the keyboard, as the designer allows
      await page.getByTestId('rf__edge-t:advance:start').focus();
      await page.keyboard.press('Enter');
      const inspector = page.getByTestId('transition-inspector');
      const editor = inspector.getByTestId('action-list-editor');
      await editor.waitFor();

      // the picker lists the action types by their translated titles
      const picker = editor.getByLabel(w.type);
      await expect.poll(() => picker.locator('option').allTextContents()).toContain(w.title);
      expect(await picker.locator('option').allTextContents()).toEqual(expect.arrayContaining([w.notify, lang === 'en' ? 'Tell the person his evaluation is published' : '通知被评估人其评估已发布']));
      // two actions: a notification, then the activity; the activity is moved first, the notification removed
      await picker.selectOption({ label: w.notify });
      await editor.getByRole('button', { name: w.add, exact: true }).click();
      await picker.selectOption({ label: w.title });
      await editor.getByRole('button', { name: w.add, exact: true }).click();
      await editor.getByRole('button', { name: w.moveUp }).click();
      expect(await editor.getByTestId('transition-action').evaluateAll((els) => els.map((e) => e.getAttribute('data-action-type')))).toEqual(['crm.create_activity', 'core.notify']);
      await editor.getByRole('button', { name: w.remove }).click();
      expect(await editor.getByTestId('transition-action').count()).toBe(1);

      // the generated form: an invalid value shows under its field as typed; saving leaves the
      // required subject empty and the server names it on the action
      const form = editor.getByRole('group');
      await form.getByLabel(w.due).fill('-1');
      await expect.poll(() => form.locator('.error-detail, .field-error, [id$="__error"]').allTextContents().then((t) => t.join(' '))).toMatch(lang === 'en' ? /at least 0/ : /0/);
      await page.getByRole('button', { name: w.save }).click();
      const alert = editor.getByRole('alert', { name: w.problems });
      await expect.poll(() => alert.textContent().catch(() => '')).toContain(`${w.subject}: ${w.required}`);
      await screenshot(page, `designer-action-invalid-${lang}`);
      // the inspector column holds the form: nothing scrolls sideways
      expect(await page.locator('.designer-side').evaluate((el) => el.scrollWidth - el.clientWidth)).toBeLessThanOrEqual(1);

      // the field's help for users, in the reader's language
      await form.getByText(lang === 'en' ? 'Template; {{field}} is replaced by the record field.' : '模板；{{field}} 会替换为记录的字段值。', { exact: true }).waitFor();
      await form.getByLabel(w.subject).fill('Kick-off with {{name}}');
      // enum values and nested members (assignTo.role, assignTo.user) in the reader's language, never as written in the schema
      expect((await form.getByLabel(w.kind).locator('option').allTextContents()).filter((o) => o.trim() !== '')).toEqual(w.kinds);
      expect(await form.locator('label').allTextContents()).toEqual(expect.arrayContaining([w.role, w.user]));
      await form.getByLabel(w.kind).selectOption({ label: w.call });
      await form.getByLabel(w.due).fill('3');
      await page.getByRole('button', { name: w.save }).click();
      await expect.poll(() => page.getByTestId('designer-message').textContent()).toContain(w.saved);
      expect(await alert.count()).toBe(0);
      await screenshot(page, `designer-action-form-${lang}`);

      await page.getByRole('button', { name: w.publish, exact: true }).click();
      const dialog = page.getByTestId('publish-dialog');
      await dialog.getByRole('button', { name: w.publish, exact: true }).click();
      await dialog.getByTestId('publish-result').waitFor();
      await screenshot(page, `designer-action-published-${lang}`);

      // the server accepted and published it as drawn
      const version = await apiInPage<{ definition: ProcessDefinition }>(page, 'GET', `/api/processes/${id}/versions/1`);
      expect(version.status).toBe(200);
      const actions = version.body.definition.transitions?.find((x) => x.id === 'advance')?.actions;
      expect(actions).toHaveLength(1);
      expect(actions?.[0]).toMatchObject({ id: 'create_activity', type: 'crm.create_activity', config: { subject: 'Kick-off with {{name}}', kind: 'call', dueInDays: 3 } });

      // and it runs: moving a deal along the transition logs the activity against it
      const name = `Action deal ${lang}`;
      const deal = await apiInPage<{ id: string; version: number }>(page, 'POST', '/api/records/pipeline.deal', { data: { name }, process: id });
      expect(deal.status).toBe(201);
      const moved = await apiInPage(page, 'POST', `/api/records/pipeline.deal/${deal.body.id}/transitions`, { to: 'next' }, { 'if-match': `"${deal.body.version}"` });
      expect(moved.status).toBe(200);
      await expect.poll(async () => (await apiInPage<{ items: { data: { subject?: string; kind?: string } }[] }>(page, 'GET', `/api/records/crm.activity?filter[deal_id][eq]=${deal.body.id}`)).body.items.map((a) => [a.data.kind, a.data.subject]), { timeout: 20_000 }).toEqual([['call', `Kick-off with ${name}`]]);
      if (lang === 'zh-CN') await page.getByLabel('语言').first().selectOption('en');
    });
  }
});
