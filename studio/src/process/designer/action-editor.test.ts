import { describe, expect, it } from 'vitest';
import type { ActionTypeInfo, ProcessDefinition } from '../../api/processes';
import { configEnumUi, configFieldLabel, localizedConfigSchema, mergeUi, newActionId } from './action-model';
import { formUiSchema } from '../../forms/form-schema';
import { locateProblems } from './problem-map';

const activity: ActionTypeInfo = {
  type: 'acme.log_visit',
  plugin: 'acme',
  title: { en: 'Log a visit', 'zh-CN': '记录拜访' },
  configSchema: { type: 'object', required: ['subject'], additionalProperties: false, properties: { subject: { type: 'string', minLength: 1 }, value: true, days: { type: 'integer' } } },
  fields: { subject: { en: 'Subject', 'zh-CN': '主题' } },
  help: { subject: { en: 'What the visit was about.', 'zh-CN': '拜访的主题。' } },
  enums: {},
  aliases: [],
};

const task: ActionTypeInfo = {
  type: 'acme.task',
  plugin: 'acme',
  title: { en: 'Task', 'zh-CN': '任务' },
  configSchema: {
    type: 'object',
    properties: {
      kind: { type: 'string', enum: ['call', 'visit'] },
      assignTo: { type: 'object', properties: { role: { type: 'string' }, user: { type: 'string' } } },
    },
  },
  fields: { kind: { en: 'Kind', 'zh-CN': '类型' }, assignTo: { en: 'Assign to', 'zh-CN': '指派给' }, 'assignTo.role': { en: 'Role', 'zh-CN': '角色' }, 'assignTo.user': { en: 'User', 'zh-CN': '用户' } },
  help: {},
  enums: { kind: { call: { en: 'Call', 'zh-CN': '电话' }, visit: { en: 'Visit', 'zh-CN': '拜访' } } },
  aliases: [],
};

describe('transition action editor', () => {
  it('titles config fields in the reader\'s language, keeping the rest of the schema', () => {
    const zh = localizedConfigSchema(activity, 'zh-CN') as { required: string[]; additionalProperties: boolean; properties: Record<string, { title?: string; type?: string; minLength?: number }> };
    expect(zh.properties.subject).toEqual({ type: 'string', minLength: 1, title: '主题', 'x-help': '拜访的主题。' });
    // shown under the field as help; a schema's own description never is
    expect(formUiSchema(zh, undefined).subject).toEqual({ 'ui:help': '拜访的主题。' });
    expect(localizedConfigSchema(activity, 'en').properties).toMatchObject({ subject: { title: 'Subject' } });
    // no label: the field name shows; an any-value field is edited as text
    expect(zh.properties.days).toEqual({ type: 'integer' });
    expect(zh.properties.value).toEqual({ type: 'string' });
    expect([zh.required, zh.additionalProperties]).toEqual([['subject'], false]);
    expect([configFieldLabel(activity, '/config/subject', 'zh-CN'), configFieldLabel(activity, '/config/days', 'en'), configFieldLabel(undefined, '/type', 'en')]).toEqual(['主题', 'days', 'type']);
  });

  it('titles nested members by their path and labels enum values in the reader\'s language', () => {
    const zh = localizedConfigSchema(task, 'zh-CN') as { properties: { assignTo: { title: string; properties: Record<string, { title?: string }> } } };
    expect(zh.properties.assignTo.title).toBe('指派给');
    expect([zh.properties.assignTo.properties.role?.title, zh.properties.assignTo.properties.user?.title]).toEqual(['角色', '用户']);
    expect(configEnumUi(task, 'zh-CN')).toEqual({ kind: { 'ui:enumNames': { call: '电话', visit: '拜访' } } });
    expect(configEnumUi(task, 'en')).toEqual({ kind: { 'ui:enumNames': { call: 'Call', visit: 'Visit' } } });
    expect(mergeUi({ kind: { 'ui:help': 'h' } }, configEnumUi(task, 'en'))).toEqual({ kind: { 'ui:help': 'h', 'ui:enumNames': { call: 'Call', visit: 'Visit' } } });
    // a server problem on a nested member is named by the member's label
    expect([configFieldLabel(task, '/config/assignTo/role', 'zh-CN'), configFieldLabel(task, '/config/assignTo/team', 'en')]).toEqual(['角色', 'Assign to']);
  });

  it('names new actions by their type, numbered when taken', () => {
    expect(newActionId([], 'handoff.create')).toBe('create');
    expect(newActionId([{ id: 'create', type: 'handoff.create' }, { id: 'create_2', type: 'x.y' }], 'handoff.create')).toBe('create_3');
  });

  it('places server problems of actions on the action and field, by action id', () => {
    const def = {
      id: 'p', label: 'P', entity: 'acme.thing', initialStage: 'a',
      stages: [{ id: 'a', label: 'A', kind: 'open' }, { id: 'b', label: 'B', kind: 'won' }],
      transitions: [{ id: 'go', from: 'a', to: 'b', actions: [{ type: 'core.notify', config: { title: 'x' } }, { id: 'visit', type: 'acme.log_visit', config: {} }] }],
    } as ProcessDefinition;
    const located = locateProblems(def, [
      { pointer: '/transitions/0/actions/1/config/subject', code: 'invalid-action-config', message: 'is required' },
      { pointer: '/transitions/0/actions/0/type', code: 'unknown-action-type', message: 'no such type' },
    ]);
    expect(located.actions.get('go')).toEqual([
      { action: 'visit', pointer: '/config/subject', message: 'is required' },
      { action: '#0', pointer: '/type', message: 'no such type' },
    ]);
    expect(located.transitions.get('go')).toEqual(['visit › subject: is required', '#0 › type: no such type']);
  });
});
