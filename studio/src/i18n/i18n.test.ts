import { describe, expect, it } from 'vitest';
import { en } from './en';
import { initI18n, i18n, setLanguage } from './setup';
import { zhCN } from './zh-cn';

function keys(o: object, prefix = ''): string[] {
  return Object.entries(o).flatMap(([k, v]) => (typeof v === 'object' && v !== null ? keys(v as object, `${prefix}${k}.`) : [`${prefix}${k}`]));
}

describe('studio i18n', () => {
  it('zh-CN has exactly the English keys, none left in English', () => {
    expect(keys(zhCN).sort()).toEqual(keys(en).sort());
    const same = keys(en).filter((k) => {
      const get = (o: object) => k.split('.').reduce<unknown>((a, s) => (a as Record<string, unknown>)[s], o);
      return get(en) === get(zhCN);
    });
    expect(same.filter((k) => !k.startsWith('language.') && k !== 'rules.json')).toEqual([]);
  });

  it('keeps interpolation placeholders in both languages', () => {
    const placeholders = (s: string) => (s.match(/{{\w+}}/g) ?? []).sort().join();
    const get = (o: object, k: string) => k.split('.').reduce<unknown>((a, s) => (a as Record<string, unknown>)[s], o) as string;
    for (const k of keys(en)) expect(placeholders(get(zhCN, k)), k).toBe(placeholders(get(en, k)));
  });

  it('switches language, loading the other language\'s messages on the switch', async () => {
    await initI18n('en');
    expect(i18n.resolvedLanguage).toBe('en');
    expect(i18n.hasResourceBundle('zh-CN', 'translation')).toBe(false);
    expect(i18n.t('nav.home')).toBe('Home');
    await setLanguage('zh-CN');
    expect(i18n.hasResourceBundle('zh-CN', 'translation')).toBe(true);
    expect(i18n.resolvedLanguage).toBe('zh-CN');
    expect(i18n.t('nav.home')).toBe('首页');
    expect(i18n.t('records.count', { count: 2, formatted: '2' })).toBe('2 条记录');
    await setLanguage('en');
  });
});
