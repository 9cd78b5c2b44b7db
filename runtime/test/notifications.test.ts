import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemPrincipal } from '../src/auth/principal';
import { notifyTexts } from '../src/jobs/actions';
import { slaTexts } from '../src/jobs/sla';
import { backends, startServer, type TestServer } from './harness';
import { expectJson, type Problem } from './process/helpers';

interface Listed {
  unread: number;
  items: { id: string; kind: string; title: string; body: string | null; readAt: string | null; record: { id: string; type: string } | null }[];
}

/**
 * `/api/notifications`: each user reads and marks only his own, texts follow Accept-Language
 * where the writer gave them, bad parameters are 400 naming the parameter, and a read-only
 * token cannot mark.
 */
describe.each(backends())('the notification API on $name', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer(backend);
    await server.seedOrg();
    const notes = server.platform.plugins.services('crm', systemPrincipal('test')).notifications;
    await notes.send({ users: ['rick-rep', 'otto-rep'], kind: 'hello', key: 'one', title: { en: 'First', 'zh-CN': '第一条' }, body: { en: 'Body one', 'zh-CN': '正文一' } });
    await notes.send({ users: ['rick-rep'], kind: 'hello', key: 'two', title: 'Second, English only' });
  });
  afterAll(() => server?.close());

  it('lists the caller\'s own, newest first, with the unread count, in the reader\'s language', async () => {
    const rick = server.as('rep');
    const en = await expectJson<Listed>(rick.api('/api/notifications'), 200);
    expect(en.unread).toBe(2);
    expect(en.items.map((n) => n.title)).toEqual(['Second, English only', 'First']);
    const zh = await expectJson<Listed>(rick.api('/api/notifications', { headers: { 'accept-language': 'zh-CN,zh;q=0.9' } }), 200);
    expect(zh.items.map((n) => [n.title, n.body])).toEqual([['Second, English only', null], ['第一条', '正文一']]);
    const otto = await expectJson<Listed>(server.as('other-rep').api('/api/notifications'), 200);
    expect(otto.items.map((n) => n.title)).toEqual(['First']);
  });

  it('marks one read (idempotent), only the caller\'s own, then all; unread=true lists what is left', async () => {
    const rick = server.as('rep');
    const otto = server.as('other-rep');
    const mine = await expectJson<Listed>(rick.api('/api/notifications'), 200);
    const first = mine.items.find((n) => n.title === 'First');
    if (!first) throw new Error('no notification');
    const ottos = (await expectJson<Listed>(otto.api('/api/notifications'), 200)).items[0];
    if (!ottos) throw new Error('no notification for otto');

    await expectJson<Problem>(rick.api(`/api/notifications/${ottos.id}/read`, { method: 'POST' }), 404);
    await expectJson<Problem>(rick.api('/api/notifications/not-a-uuid/read', { method: 'POST' }), 404);
    const marked = await expectJson<{ readAt: string }>(rick.api(`/api/notifications/${first.id}/read`, { method: 'POST' }), 200);
    const again = await expectJson<{ readAt: string }>(rick.api(`/api/notifications/${first.id}/read`, { method: 'POST' }), 200);
    expect(again.readAt).toBe(marked.readAt);
    const unread = await expectJson<Listed>(rick.api('/api/notifications?unread=true'), 200);
    expect([unread.unread, unread.items.map((n) => n.title)]).toEqual([1, ['Second, English only']]);
    expect((await expectJson<Listed>(otto.api('/api/notifications'), 200)).unread).toBe(1);

    expect(await expectJson<{ updated: number }>(rick.api('/api/notifications/read-all', { method: 'POST' }), 200)).toEqual({ updated: 1 });
    const after = await expectJson<Listed>(rick.api('/api/notifications'), 200);
    expect([after.unread, after.items.every((n) => n.readAt !== null)]).toEqual([0, true]);
    expect((await expectJson<Listed>(otto.api('/api/notifications'), 200)).unread).toBe(1);
  });

  it('refuses bad parameters naming them, anonymous callers, and marking with a read-only token', async () => {
    const rick = server.as('rep');
    const bad = await expectJson<Problem & { errors: { parameter?: string }[] }>(rick.api('/api/notifications?unread=yes'), 400);
    expect(bad.errors[0]?.parameter).toBe('unread');
    const limit = await expectJson<Problem & { errors: { parameter?: string }[] }>(rick.api('/api/notifications?limit=0'), 400);
    expect(limit.errors[0]?.parameter).toBe('limit');
    expect((await server.anonymous('/api/notifications')).status).toBe(401);
    const reader = server.as('other-rep', 'token', ['read']);
    await expectJson<Listed>(reader.api('/api/notifications'), 200);
    expect((await reader.api('/api/notifications/read-all', { method: 'POST' })).status).toBe(403);
  });

  it('documents its paths in the OpenAPI document', async () => {
    const doc = await expectJson<{ paths: Record<string, Record<string, { operationId: string }>> }>(server.api('/openapi.json'), 200);
    expect(doc.paths['/api/notifications']?.get?.operationId).toBe('listNotifications');
    expect(doc.paths['/api/notifications/{id}/read']?.post?.operationId).toBe('readNotification');
    expect(doc.paths['/api/notifications/read-all']?.post?.operationId).toBe('readAllNotifications');
  });
});

describe('SLA notification texts', () => {
  it('name the record and the stage in English and Chinese', () => {
    const due = new Date('2026-01-02T03:04:05Z');
    const t = slaTexts('escalation', 'Acme renewal', (l) => (l === 'en' ? 'Proposal' : '方案'), due, 'ada');
    expect(t.title).toEqual({ en: 'Escalated: Acme renewal is overdue in Proposal', 'zh-CN': '已升级：Acme renewal 在「方案」超时' });
    expect(t.body['zh-CN']).toBe('负责人：ada；截止 2026-01-02T03:04:05.000Z。');
    expect(slaTexts('warn', 'X', () => 'S', due, null).title['zh-CN']).toBe('即将超时：X（S）');
  });
});

describe('notify action texts', () => {
  it('render each language the action gives, English always, from the record', () => {
    const data = { name: 'Acme', close_value: { amount: 1200, currency: 'USD' } };
    expect(notifyTexts({ title: 'Won: {{name}}' }, data)).toEqual({ title: { en: 'Won: Acme' } });
    expect(notifyTexts({ title: { en: 'Won: {{name}}', 'zh-CN': '赢单：{{name}}' }, body: { 'zh-CN': '金额 {{close_value.amount}}' } }, data)).toEqual({
      title: { en: 'Won: Acme', 'zh-CN': '赢单：Acme' },
      body: { en: '金额 1200', 'zh-CN': '金额 1200' },
    });
  });
});
