import type { AvailableTransitions } from '@pipewright/core/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, startServer, type Client, type TestServer } from '../harness';
import { QUALIFIED, createDeal, expectJson, move, type Problem, type View } from './helpers';

const ZH = { 'accept-language': 'zh-CN,zh;q=0.9,en;q=0.5' };

/** ADR 019: process content and problems in the caller's language (Accept-Language). */
describe.each(backends())('answers in the request language on $name', (backend) => {
  let server: TestServer;
  let rep: Client;
  let account: View;
  const open = (c: Client, id: string, headers: Record<string, string> = {}) => expectJson<AvailableTransitions>(c.api(`/api/records/pipeline.deal/${id}/transitions`, { headers }), 200);

  beforeAll(async () => {
    server = await startServer(backend);
    rep = server.as('rep');
    account = await expectJson<View>(server.api('/api/records/crm.account', { method: 'POST', json: { data: { name: 'Acme', status: 'active' }, owner: null, orgUnit: null } }), 201);
  });
  afterAll(() => server?.close());

  it('offers moves with the process, stage and transition labels and guard messages in Chinese, and in English without the header', async () => {
    const deal = await createDeal(rep.api, { name: 'Bilingual' });
    const zh = await open(rep, deal.id, ZH);
    expect(zh.process?.label).toBe('新业务');
    expect(zh.stage?.label).toBe('潜在');
    expect(zh.transitions.map((t) => [t.label, t.toLabel])).toEqual([['确认资格', '接洽 / 已确认'], ['标记为输单', '输单']]);
    const en = await open(rep, deal.id);
    expect(en.process?.label).toBe('New business');
    expect(en.transitions.map((t) => [t.label, t.toLabel])).toEqual([['Qualify', 'Engaging / Qualified'], ['Mark lost', 'Lost']]);

    await expectJson(rep.api(`/api/records/pipeline.deal/${deal.id}`, { method: 'PATCH', headers: { 'if-match': '"1"' }, json: { data: { ...QUALIFIED, account_id: account.id, expected_close_date: '2024-12-01' } } }), 200);
    await expectJson(move(rep.api, deal.id, 2, { to: 'engaging' }), 200);
    const propose = (await open(rep, deal.id, ZH)).transitions.find((t) => t.id === 'propose');
    expect(propose?.guard).toMatchObject({ passed: false, message: '预计成交日期不能早于接洽日期。' });
    expect((await open(rep, deal.id)).transitions.find((t) => t.id === 'propose')?.guard).toMatchObject({ message: 'The expected close date cannot be before the engage date.' });
  });

  it('refuses a move with a Chinese title, the guard message and requirement messages, machine-readable members unchanged', async () => {
    const deal = await createDeal(rep.api, { name: 'Refused' });
    const unmetZh = await expectJson<Problem>(move(rep.api, deal.id, 1, { to: 'engaging' }, ZH), 422);
    const unmetEn = await expectJson<Problem>(move(rep.api, deal.id, 1, { to: 'engaging' }), 422);
    expect(unmetZh).toMatchObject({ title: '无法处理的内容', code: 'process.requirements-unmet', type: unmetEn.type, stage: 'engaging' });
    expect(unmetZh.detail).toBe('进入“接洽 / 已确认”阶段前还需要：account_id、amount、engage_date、next_step。');
    expect(unmetEn).toMatchObject({ title: 'Unprocessable Content', detail: 'To enter "Engaging / Qualified" the deal needs: account_id, amount, engage_date, next_step.' });
    expect(unmetZh.errors?.map((e) => e.pointer)).toEqual(unmetEn.errors?.map((e) => e.pointer));
    expect(unmetZh.errors?.map((e) => e.code)).toEqual(unmetEn.errors?.map((e) => e.code));
    expect(unmetZh.errors?.find((e) => e.pointer === '/data/next_step')?.message).toBe('为必填项');
    expect(unmetEn.errors?.find((e) => e.pointer === '/data/next_step')?.message).toBe('is required');

    await expectJson(rep.api(`/api/records/pipeline.deal/${deal.id}`, { method: 'PATCH', headers: { 'if-match': '"1"' }, json: { data: { ...QUALIFIED, account_id: account.id, engage_date: '2025-03-01', close_date: '2025-01-01', lost_reason: 'price' } } }), 200);
    const guardZh = await expectJson<Problem>(move(rep.api, deal.id, 2, { to: 'lost' }, ZH), 422);
    expect(guardZh).toMatchObject({ code: 'process.guard-failed', title: '无法处理的内容', detail: '关闭日期不能早于接洽日期。', transition: 'lose' });
    const guardEn = await expectJson<Problem>(move(rep.api, deal.id, 2, { to: 'lost' }), 422);
    expect(guardEn.detail).toBe('The close date must not be before the engage date.');
    expect(guardZh.errors?.[0]).toMatchObject({ pointer: '', code: 'guard', message: '转换条件未满足' });
    // the explanation tree (not machine-readable text) is worded in the request's language too
    expect((guardZh.explanation as { op: string; sentence: string })).toMatchObject({ op: 'or', sentence: '2 个备选条件均不成立' });
    expect((guardEn.explanation as { sentence: string }).sentence).toBe('none of 2 alternatives passed');
  });

  it('words the process checker\'s problems in Chinese for the designer, codes and pointers unchanged', async () => {
    const nb = await expectJson<{ draft: { stages: Record<string, unknown>[] } & Record<string, unknown> }>(server.api('/api/processes/new_business'), 200);
    const bad = { ...nb.draft, stages: [...nb.draft.stages, { id: 'limbo', label: 'Limbo', kind: 'open' }] };
    type Check = { valid: boolean; problems: { pointer: string; code: string; message: string }[] };
    const zh = await expectJson<Check>(server.api('/api/processes/new_business/check', { method: 'POST', headers: ZH, json: bad }), 200);
    const en = await expectJson<Check>(server.api('/api/processes/new_business/check', { method: 'POST', json: bad }), 200);
    expect(zh.problems.map((p) => [p.pointer, p.code])).toEqual(en.problems.map((p) => [p.pointer, p.code]));
    expect(zh.problems.find((p) => p.code === 'unreachable-stage')?.message).toBe('阶段“limbo”无法从起始阶段“prospecting”到达');
    expect(en.problems.find((p) => p.code === 'unreachable-stage')?.message).toBe('Stage "limbo" cannot be reached from "prospecting".');
    const schema = await expectJson<Check>(server.api('/api/processes/new_business/check', { method: 'POST', headers: ZH, json: { ...nb.draft, allowSkip: 'yes' } }), 200);
    expect(schema.problems[0]).toMatchObject({ pointer: '/allowSkip', code: 'schema' });
    expect(schema.problems[0]?.message).toMatch(/[\u4e00-\u9fff]/);
  });

  it('answers validation, not found, stale version, forbidden and unauthenticated problems in Chinese', async () => {
    const invalid = await expectJson<Problem>(rep.api('/api/records/crm.account', { method: 'POST', headers: ZH, json: { data: { name: '', status: 'nonsense', extra: 1 } } }), 422);
    expect(invalid.title).toBe('无法处理的内容');
    expect(invalid.detail).toMatch(/[\u4e00-\u9fff]/);
    const byPointer = Object.fromEntries((invalid.errors ?? []).map((e) => [e.pointer, e.message]));
    expect(byPointer['/data/name']).toBe('不应少于 1 个字符');
    expect(byPointer['/data/status']).toMatch(/^必须是以下值之一：/);
    expect(byPointer['/data/extra']).toBe('不是已知字段');
    const invalidEn = await expectJson<Problem>(rep.api('/api/records/crm.account', { method: 'POST', json: { data: { name: '', status: 'nonsense', extra: 1 } } }), 422);
    expect(Object.fromEntries((invalidEn.errors ?? []).map((e) => [e.pointer, e.message]))['/data/extra']).toBe('is not a known field');
    expect(invalid.errors?.map((e) => e.code)).toEqual(invalidEn.errors?.map((e) => e.code));

    const missing = await expectJson<Problem>(rep.api('/api/records/pipeline.deal/00000000-0000-4000-8000-000000000000', { headers: ZH }), 404);
    expect(missing).toMatchObject({ title: '未找到', code: 'not-found' });
    expect(missing.detail).toContain('找不到');

    const deal = await createDeal(rep.api, { name: 'Stale' });
    const stale = await expectJson<Problem>(move(rep.api, deal.id, 7, { to: 'lost' }, ZH), 412);
    expect(stale).toMatchObject({ title: '数据已变更', code: 'record.stale-version', currentVersion: 1 });
    expect(stale.detail).toContain('请重新加载');

    const lost = await createDeal(rep.api, { name: 'Lost' });
    await expectJson(move(rep.api, lost.id, 1, { to: 'lost', data: { close_date: '2025-01-02', lost_reason: 'price' } }), 200);
    const reopen = await expectJson<Problem>(move(rep.api, lost.id, 2, { to: 'engaging', transition: 'reopen' }, ZH), 403);
    expect(reopen).toMatchObject({ title: '无权操作', code: 'forbidden', detail: '你无权执行此操作。' });

    const anonymous = await server.api('/api/records/pipeline.deal', { headers: { ...ZH, authorization: 'Bearer nope' } });
    const body = (await anonymous.json()) as Problem;
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('content-language')).toBe('zh-CN');
    expect(anonymous.headers.get('vary')).toContain('Accept-Language');
    expect(body.title).toBe('未登录');
    const anonymousEn = await server.api('/api/records/pipeline.deal', { headers: { authorization: 'Bearer nope' } });
    expect(((await anonymousEn.json()) as Problem).title).toBe('Unauthorized');
  });
});
