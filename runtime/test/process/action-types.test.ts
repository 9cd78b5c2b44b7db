import { BUILTIN_ACTION_TYPES, untranslatedActionTypes, type ActionTypeInfo } from '@pipewright/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, startServer, type TestServer } from '../harness';
import { expectJson, type Problem } from './helpers';

const mini = (actions: unknown[]) => ({
  id: 'with_actions',
  label: 'With actions',
  entity: 'pipeline.deal',
  initialStage: 'open',
  stages: [
    { id: 'open', label: 'Open', kind: 'open' },
    { id: 'won', label: 'Won', kind: 'won', probability: 1 },
  ],
  transitions: [{ id: 'win', from: 'open', to: 'won', actions }],
});

/** `GET /api/processes/action-types`: the designer's action picker and generated config forms read it. */
describe.each(backends())('action types over HTTP on $name', (backend) => {
  let server: TestServer;
  let items: ActionTypeInfo[];
  beforeAll(async () => {
    server = await startServer(backend, {}, { drafts: true });
    await server.seedOrg();
    items = (await expectJson<{ items: ActionTypeInfo[] }>(server.as('rep').api('/api/processes/action-types'), 200)).items;
  }, 120_000);
  afterAll(() => server?.close());

  it('lists every registered and built-in action type once, with its plugin and config schema', () => {
    const registered = [...new Set([...server.platform.registry.actionTypes.values()].map((a) => a.fullId))];
    const expected = [...BUILTIN_ACTION_TYPES.keys(), ...registered].sort();
    expect(items.map((a) => a.type)).toEqual(expected);
    expect(expected).toEqual(expect.arrayContaining(['core.notify', 'crm.create_activity', 'handoff.create', 'scorecard.assign_peers', 'scorecard.notify_published']));
    const activity = items.find((a) => a.type === 'crm.create_activity');
    expect(activity).toMatchObject({ plugin: 'crm', aliases: ['core.create_activity'] });
    expect(activity?.configSchema).toEqual(server.platform.registry.actionType('crm.create_activity').configSchema);
    expect(items.find((a) => a.type === 'core.webhook')).toMatchObject({ plugin: 'core', configSchema: { required: ['url'] } });
    // an alias is not a second entry
    expect(items.some((a) => a.type === 'core.create_activity')).toBe(false);
  });

  it('has every title and config field label in English and Chinese (the check fails on a missing zh-CN title)', () => {
    expect(untranslatedActionTypes(items)).toEqual([]);
    expect(items.find((a) => a.type === 'scorecard.notify_published')?.title).toEqual({ en: 'Tell the person his evaluation is published', 'zh-CN': '通知被评估人其评估已发布' });
    expect(items.find((a) => a.type === 'scorecard.assign_peers')?.fields.count).toEqual({ en: 'Number of peers', 'zh-CN': '互评人数' });
    expect(items.find((a) => a.type === 'core.notify')?.description?.['zh-CN']).toMatch(/通知/);
    expect(items.find((a) => a.type === 'pipeline.create_contract')?.help.instalments).toEqual({ en: 'Number of equal instalments.', 'zh-CN': '等额分期的期数。' });
    // the check itself: an English-only title (a manifest's plain string) is reported
    const englishOnly = { ...(items[0] as ActionTypeInfo), title: { en: 'Only English' } };
    expect(untranslatedActionTypes([englishOnly])).toEqual([`${englishOnly.type}: zh-CN title`]);
    const helpless = { ...(items.find((a) => a.type === 'crm.create_activity') as ActionTypeInfo), help: {} };
    expect(untranslatedActionTypes([helpless])).toEqual(['crm.create_activity: en help subject', 'crm.create_activity: zh-CN help subject']);
    // nested members and enum values count too (the designer's form shows them): crm's activity kind "call", notify's "to.role"
    expect(items.find((a) => a.type === 'crm.create_activity')?.enums.kind?.call).toEqual({ en: 'Call', 'zh-CN': '电话' });
    expect(items.find((a) => a.type === 'core.notify')?.fields['to.role']).toEqual({ en: 'Role', 'zh-CN': '角色' });
    const activity = items.find((a) => a.type === 'crm.create_activity') as ActionTypeInfo;
    const { call: _call, ...otherKinds } = activity.enums.kind ?? {};
    const { 'assignTo.user': _user, ...otherFields } = activity.fields;
    expect(untranslatedActionTypes([{ ...activity, fields: otherFields, enums: { ...activity.enums, kind: otherKinds } }])).toEqual([
      'crm.create_activity: en enum kind.call',
      'crm.create_activity: en field assignTo.user',
      'crm.create_activity: zh-CN enum kind.call',
      'crm.create_activity: zh-CN field assignTo.user',
    ]);
  });

  it('is documented in /openapi.json and needs a signed-in reader', async () => {
    const doc = await expectJson<{ paths: Record<string, Record<string, { operationId?: string }>> }>(server.api('/openapi.json'), 200);
    expect(doc.paths['/api/processes/action-types']?.get?.operationId).toBe('listActionTypes');
    expect((await fetch(`${server.url}/api/processes/action-types`)).status).toBe(401);
  });

  it('refuses a transition action whose config fails its schema, naming the field (create, check, in Chinese too)', async () => {
    const bad = mini([{ id: 'act', type: 'crm.create_activity', config: { kind: 'telegram', dueInDays: -1 } }]);
    const p = await expectJson<Problem>(server.api('/api/processes', { method: 'POST', json: bad }), 422);
    expect(p.code).toBe('process.invalid');
    const found = (p.errors ?? []).map((e) => `${e.pointer} ${e.code}`).sort();
    expect(found).toEqual(['/transitions/0/actions/0/config/dueInDays invalid-action-config', '/transitions/0/actions/0/config/kind invalid-action-config', '/transitions/0/actions/0/config/subject invalid-action-config']);
    const zh = await expectJson<Problem>(server.api('/api/processes', { method: 'POST', json: bad, headers: { 'accept-language': 'zh-CN' } }), 422);
    expect(zh.detail).toMatch(/^流程定义有 3 个问题，第一个位于 \/transitions\/0\/actions\/0\/config\/(subject|kind|dueInDays)。$/);
    expect(zh.errors?.map((e) => e.message).every((m) => /[\u4e00-\u9fff]/.test(m) && !/[a-z]{4,}/.test(m))).toBe(true);
    const good = mini([{ id: 'act', type: 'crm.create_activity', config: { kind: 'call', subject: 'Kick-off with {{name}}' } }]);
    await expectJson(server.api('/api/processes', { method: 'POST', json: good }), 201);
    const checked = await expectJson<{ valid: boolean; problems: { pointer: string; message: string }[] }>(
      server.api('/api/processes/with_actions/check', { method: 'POST', json: mini([{ type: 'scorecard.assign_peers', config: { count: 9 } }]), headers: { 'accept-language': 'zh-CN' } }),
      200,
    );
    expect(checked.valid).toBe(false);
    expect(checked.problems.map((x) => x.pointer)).toEqual(['/transitions/0/actions/0/config/count']);
    expect(checked.problems[0]?.message).toBe('应当为 <= 5');
  });
});
