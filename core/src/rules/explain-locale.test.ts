import { describe, expect, it } from 'vitest';
import { explain } from './explain';

describe('explain in a language', () => {
  const rule = { or: [{ '!': { var: 'engage_date' } }, { '<=': [{ var: 'engage_date' }, { var: 'close_date' }] }] };
  const data = { engage_date: '2026-06-01', close_date: '2026-01-15' };

  it('words the sentences in Simplified Chinese for zh-CN and keeps English by default', () => {
    const zh = explain(rule, data, { locale: 'zh-CN' });
    expect(zh.sentence).toBe('2 个备选条件均不成立');
    expect(zh.children[1]?.sentence).toBe('engage_date <= close_date 不成立：engage_date 为 "2026-06-01"，close_date 为 "2026-01-15"');
    expect(explain({ and: [{ var: 'a' }, { var: 'b' }] }, { a: 1, b: null }, { locale: 'zh-CN' }).sentence).toBe('并非全部条件成立：b 未填写');
    const en = explain(rule, data);
    expect(en.sentence).toBe('none of 2 alternatives passed');
    expect(en.children[1]?.sentence).toBe('engage_date <= close_date failed: engage_date is "2026-06-01", close_date is "2026-01-15"');
    expect(explain(rule, data, { locale: 'fr' }).sentence).toBe('none of 2 alternatives passed');
  });
});
