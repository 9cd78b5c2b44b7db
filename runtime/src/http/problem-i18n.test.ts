import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { problem } from './problem';
import { LOCALIZED_CODES, localizeProblem, localizeProblems } from './problem-i18n';

describe('problems in Chinese', () => {
  it('answers a rate limit refused by middleware in Chinese, with the wait from Retry-After, and English unchanged', async () => {
    const app = new Hono();
    app.use('*', localizeProblems());
    app.get('/x', (c) => c.json(problem(429, 'rate-limited', 'Too many requests: at most 5 a minute for this user. Retry in 17 s.'), 429, { 'Content-Type': 'application/problem+json', 'Retry-After': '17' }));
    const zh = await app.request('/x', { headers: { 'accept-language': 'zh-CN' } });
    expect(zh.status).toBe(429);
    expect(zh.headers.get('retry-after')).toBe('17');
    expect(zh.headers.get('content-language')).toBe('zh-CN');
    const body = (await zh.json()) as Record<string, unknown>;
    expect(body).toEqual({ type: 'https://pipewright.dev/problems/rate-limited', title: '请求过于频繁', status: 429, code: 'rate-limited', detail: '请求过于频繁，请在 17 秒后重试。' });
    const en = (await (await app.request('/x', { headers: { 'accept-language': 'en-US' } })).json()) as Record<string, unknown>;
    expect(en).toMatchObject({ title: 'Too Many Requests', detail: 'Too many requests: at most 5 a minute for this user. Retry in 17 s.' });
  });

  it('keeps machine-readable members and localizes each located error by its code', () => {
    const p = problem(422, 'record.invalid', 'The record is invalid.', { errors: [{ pointer: '/data/name', message: 'must NOT have fewer than 1 characters', code: 'minLength', params: { limit: 1 } }, { pointer: '/data/x', message: 'is required', code: 'required', params: { missingProperty: 'x' } }, { pointer: '/data/y', message: 'odd', code: 'plugin.own-code' }], entity: 'crm.account' });
    const zh = localizeProblem(p, 'zh-CN');
    expect(zh).toMatchObject({ type: p.type, code: 'record.invalid', status: 422, entity: 'crm.account', title: '无法处理的内容' });
    expect(zh.errors?.map((e) => [e.pointer, e.code, e.message])).toEqual([['/data/name', 'minLength', '不应少于 1 个字符'], ['/data/x', 'required', '为必填项'], ['/data/y', 'plugin.own-code', 'odd']]);
    expect(localizeProblem(p, 'en')).toBe(p);
    expect(localizeProblem(problem(412, 'record.stale-version', 'x', { currentVersion: 4 }), 'zh-CN').detail).toBe('记录在你读取后已被修改（当前版本 4）。请重新加载后重试。');
    expect(localizeProblem(problem(422, 'process.guard-failed', 'Too early.'), 'zh-CN', { en: 'Too early.', 'zh-CN': '太早了。' }).detail).toBe('太早了。');
    // a code without a Chinese sentence keeps its English detail under a Chinese title
    expect(localizeProblem(problem(422, 'acme.custom', 'Custom English.'), 'zh-CN')).toMatchObject({ title: '无法处理的内容', detail: 'Custom English.' });
    expect(LOCALIZED_CODES).toEqual(expect.arrayContaining(['not-found', 'forbidden', 'rate-limited', 'record.stale-version', 'conflict', 'process.guard-failed', 'process.requirements-unmet', 'process.transition-not-allowed']));
  });
});
